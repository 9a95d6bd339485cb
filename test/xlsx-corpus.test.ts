import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { CdbError } from '../src/errors.js';
import { cellText, type Cell } from '../src/readers/cell.js';
import { openSpreadsheet } from '../src/readers/spreadsheet.js';
import { fixture, readAll } from './helpers/files.js';

/**
 * Real files from other projects' test suites (see /work/shared/corpus/README.md), each with a
 * truth derived independently of this reader (openpyxl, LibreOffice, Python's csv module).
 */
const corpus = (name: string) => fixture(`corpus/${name}`);

type TruthCell =
  | null
  | { t: 's'; v: string }
  | { t: 'n'; v: number; fmt?: string }
  | { t: 'b'; v: boolean }
  | { t: 'e'; v: string }
  | { t: 'd'; v: string; fmt?: string }
  | { t: 'time'; v: string }
  | { t: 'dur'; v: number }
  | { t: 'nocache' };

interface Truth {
  header: string[];
  rows: { row: number; cells: TruthCell[] }[];
  notes: string[];
  sheet?: string;
  lo?: boolean;
}

/**
 * `x.truth.json` → x.xlsx, x.ods or x.csv; `x-csv.truth.json` → x.csv, `x-txt.truth.json` → x.txt;
 * `x-<sheet>.truth.json` → x.ods (the truth of one of its sheets).
 */
function dataFileOf(truthFile: string): string {
  const id = truthFile.replace(/\.truth\.json$/, '');
  const typed = /^(.*)-(csv|txt)$/.exec(id);
  if (typed) return `${typed[1]}.${typed[2]}`;
  const files = readdirSync(fixture('corpus'));
  const base = /^(.*)-[^-]+$/.exec(id)?.[1];
  const found = [...['xlsx', 'ods', 'csv', 'txt'].map((ext) => `${id}.${ext}`), ...(base ? [`${base}.ods`] : [])].find((name) => files.includes(name));
  if (!found) throw new Error(`no data file for ${truthFile}`);
  return found;
}

const TRUTHS = readdirSync(fixture('corpus'))
  .filter((name) => name.endsWith('.truth.json'))
  .sort()
  .map((name) => ({ name, file: dataFileOf(name), truth: JSON.parse(readFileSync(corpus(name), 'utf8')) as Truth }));

/** Corpus files no reader here takes: refused, with what they really are. */
const REFUSED: Record<string, RegExp> = {
  'sjs__RkNumber.xls': /Excel 97–2003 workbook/,
  'sjs__Attendance.numbers': /Apple Numbers document/,
};

/** A reader's cell in the truth's terms, so that a mismatch shows as a readable diff. */
function asTruth(cell: Cell | undefined, truth?: TruthCell): TruthCell | { unexpected: unknown } {
  if (cell === null || cell === undefined || cell === '') return null;
  // An ods truth's error "is any problem on the cell"; a formula with no stored result must be one.
  if (typeof cell === 'object' && cell.kind === 'unreadable' && (truth?.t === 'e' || truth?.t === 'nocache')) return truth;
  if (typeof cell === 'string') return { t: 's', v: cell };
  if (typeof cell === 'number') return { t: 'n', v: cell };
  if (typeof cell === 'boolean') return { t: 'b', v: cell };
  switch (cell.kind) {
    case 'number':
      return { t: 'n', v: cell.value };
    case 'error':
      return { t: 'e', v: cell.error };
    case 'date':
      return { t: 'd', v: cell.wall };
    case 'time':
      return { t: 'time', v: cell.time };
    case 'duration':
      return { t: 'dur', v: cell.seconds };
    default:
      return { unexpected: cell };
  }
}

/** The truth cell's type and value (its format and shown text are compared separately, as text). */
function withoutFormat(cell: TruthCell): TruthCell {
  if (cell === null) return null;
  if (cell.t === 'nocache') return cell;
  return { t: cell.t, v: cell.v } as TruthCell;
}

/** `row 5: 1 values beyond the header` → values left out, first row. */
function beyondHeader(notes: readonly string[]): { values: number; first: number } | undefined {
  const found = notes.map((note) => /^row (\d+): (\d+) values? beyond the header/.exec(note)).filter((m): m is RegExpExecArray => m !== null);
  if (!found.length) return undefined;
  return { values: found.reduce((sum, m) => sum + Number(m[2]), 0), first: Math.min(...found.map((m) => Number(m[1]))) };
}

/** The header row: the first of rows 1..6 whose header is the truth's. */
async function readAtTruthHeader(file: string, truth: Truth) {
  const sheet = truth.sheet;
  let last: Awaited<ReturnType<typeof readAll>> | undefined;
  for (let headerRow = 1; headerRow <= 6; headerRow++) {
    let read: Awaited<ReturnType<typeof readAll>>;
    try {
      read = await readAll(corpus(file), { sheet, headerRow });
    } catch (error) {
      // No header in that row (an empty row): try the next.
      if (error instanceof CdbError && /no header in row/.test(error.message)) continue;
      throw error;
    }
    last = read;
    if (JSON.stringify(read.header) === JSON.stringify(truth.header)) return { ...read, headerRow };
  }
  return { ...(last as Awaited<ReturnType<typeof readAll>>), headerRow: undefined };
}

describe('corpus: files saved by other programs read as their truths say', () => {
  test('the corpus is here', () => {
    expect(TRUTHS.length).toBeGreaterThanOrEqual(27);
  });

  test.each(TRUTHS.map((t) => [t.file, t] as const))('%s', async (_file, { file, truth }) => {
    const read = await readAtTruthHeader(file, truth);
    expect(read.header).toEqual(truth.header);
    expect(read.headerRow).toBeDefined();
    if (truth.sheet !== undefined && !/\.(csv|txt)$/.test(file)) expect(read.detected.sheet).toBe(truth.sheet);

    expect(read.rows.map((r) => r.row)).toEqual(truth.rows.map((r) => r.row));
    const actual = read.rows.map((r, i) => {
      const width = Math.max(r.cells.length, truth.rows[i]?.cells.length ?? 0);
      return { row: r.row, cells: Array.from({ length: width }, (_, c) => asTruth(r.cells[c], truth.rows[i]?.cells[c])) };
    });
    const expected = truth.rows.map((r) => {
      const width = Math.max(r.cells.length, read.rows.find((a) => a.row === r.row)?.cells.length ?? 0);
      return { row: r.row, cells: Array.from({ length: width }, (_, c) => withoutFormat(r.cells[c] ?? null)) };
    });
    expect(actual).toEqual(expected);

    // A General number is read into a text field as Excel shows it: 1.201, not 1.2010000000000001.
    truth.rows.forEach((r, i) =>
      r.cells.forEach((cell, c) => {
        if (cell?.t === 'n' && cell.fmt === 'General') expect(`${r.row}:${c} ${cellText(read.rows[i]?.cells[c])}`).toBe(`${r.row}:${c} ${String(cell.v)}`);
      }),
    );

    // An ods truth gives what each typed cell shows (its text:p): what a text field gets.
    truth.rows.forEach((r, i) =>
      r.cells.forEach((cell, c) => {
        const shown = (cell as { x?: string } | null)?.x;
        if (shown !== undefined) expect(`${r.row}:${c} ${cellText(read.rows[i]?.cells[c])}`).toBe(`${r.row}:${c} ${shown}`);
      }),
    );

    const beyond = beyondHeader(truth.notes);
    if (beyond) {
      expect(read.warnings).toHaveLength(1);
      const values = beyond.values === 1 ? 'its value' : `their ${beyond.values} values`;
      expect(read.warnings[0]).toContain(`${values} (first in row ${beyond.first})`);
    } else {
      expect(read.warnings).toEqual([]);
    }
  });

  test.each(Object.entries(REFUSED))('%s is refused with what it really is', async (file, message) => {
    const error = await openSpreadsheet(fixture(file)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CdbError);
    expect((error as CdbError).code).toBe('INPUT');
    expect((error as CdbError).message).toMatch(message);
  });
});

describe('corpus: sheets', () => {
  test('ejs__chart-sheet.xlsx: the chart sheet listed first is passed over by default and refused by name', async () => {
    const { detected, header } = await readAll(corpus('ejs__chart-sheet.xlsx'));
    expect(detected).toMatchObject({ sheet: 'Sheet1', sheets: ['Sheet1'] });
    expect(header).toEqual(['Month', 'Bears', 'Dolphins', 'Whales']);
    const error = await readAll(corpus('ejs__chart-sheet.xlsx'), { sheet: 'Chart1' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CdbError);
    expect((error as CdbError).message).toMatch(/"Chart1" is a chart sheet/);
  });

  test('roo__numbers-export.xlsx (Apple Numbers: sheet part sheet.xml, 1904 dates) and roo__strict.xlsx (Strict Open XML) list their sheets', async () => {
    expect((await readAll(corpus('roo__numbers-export.xlsx'))).detected).toMatchObject({ sheet: 'Sheet 1', sheets: ['Sheet 1', 'Sheet 2'], date1904: true });
    expect((await readAll(corpus('roo__strict.xlsx'))).detected).toMatchObject({ sheet: 'Sheet1', sheets: ['Sheet1', 'Sheet2'], date1904: false });
  });
});

describe('corpus: what a text field gets (what Excel shows)', () => {
  test('sjs__ErrorTypes: a date with built-in format 14 shows as m/d/yyyy; errors show as themselves', async () => {
    const { rows } = await readAll(corpus('sjs__ErrorTypes.xlsx'), { sheet: 'RawErrors' });
    const row12 = rows.find((r) => r.row === 12);
    expect(row12?.cells[0]).toMatchObject({ kind: 'date', wall: '2014-10-11T00:00:00.000', serial: 41923 });
    expect(cellText(row12?.cells[0])).toBe('10/11/2014');
    const row3 = rows.find((r) => r.row === 3);
    expect(cellText(row3?.cells[0])).toBe('#DIV/0!');
    expect(cellText(row3?.cells[7])).toBe('TRUE');
  });

  test('cal__issue_174: General decimals keep Excel\'s 15 digits', async () => {
    const { rows } = await readAll(corpus('cal__issue_174.xlsx'));
    expect(rows[0]?.cells.slice(5, 8)).toEqual([1.5, 1, 1.201]);
    expect(rows[0]?.cells.slice(5, 8).map(cellText)).toEqual(['1.5', '1', '1.201']);
  });
});

describe('corpus: files whose expected values are in the README', () => {
  test('cal__date_iso.xlsx: t="d" cells, a date-time in A2 and a time of day in A3', async () => {
    const { header, rows } = await readAll(corpus('cal__date_iso.xlsx'));
    expect(header).toEqual(['2021-01-01']); // A1, the date 2021-01-01, as the header's text
    expect(rows[0]).toMatchObject({ row: 2, cells: [{ kind: 'date', wall: '2021-01-01T10:10:10.000' }] });
    expect(rows[1]).toMatchObject({ row: 3, cells: [{ kind: 'time', time: '10:10:10.000' }] });
    expect(cellText(rows[0]?.cells[0])).toBe('2021-01-01 10:10:10');
    expect(cellText(rows[1]?.cells[0])).toBe('10:10:10');
  });

  test('cal__has_x000D_.xlsx: A1 is ABC CR LF DEF (the _x000D_ escape decoded)', async () => {
    const { header, rows } = await readAll(corpus('cal__has_x000D_.xlsx'));
    expect(header).toEqual(['ABC\r\nDEF']);
    expect(rows).toEqual([]);
  });

  test('ejs__shared_string_with_escape.xlsx: _x005F_x000D_ is the literal text _x000D_', async () => {
    const { header } = await readAll(corpus('ejs__shared_string_with_escape.xlsx'));
    expect(header).toEqual(['_x000D_']);
  });

  test('x2c__timeformat.xlsx: B2 the time 11:30, B3 00:01:59', async () => {
    const { header, rows } = await readAll(corpus('x2c__timeformat.xlsx'));
    expect(header).toEqual(['03-08-2017 14:35:00', '14:40:30']);
    expect(rows.map((r) => r.row)).toEqual([2, 3]);
    expect(rows[0]?.cells[1]).toMatchObject({ kind: 'time', time: '11:30:00.000' });
    expect(rows[1]?.cells[1]).toMatchObject({ kind: 'time', time: '00:01:59.000' });
    expect(rows[0]?.cells[0]).toMatchObject({ kind: 'date', wall: '2017-08-03T00:00:00.000' });
    expect(rows[1]?.cells[0]).toMatchObject({ kind: 'date', wall: '2017-08-03T15:40:00.000' });
    // As Excel shows them (hh:mm:ss; the .expected.csv of xlsx2csv cuts the seconds).
    expect(rows.map((r) => r.cells.map(cellText))).toEqual([
      ['03-08-2017 00:00:00', '11:30:00'],
      ['03-08-2017 15:40:00', '00:01:59'],
    ]);
  });
});
