import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import yauzl from 'yauzl';
import { CdbError } from '../src/errors.js';
import { checkFile, type CheckedRow } from '../src/import/check-file.js';
import { checkMapping } from '../src/mapping/load-mapping.js';
import { cellText, type Cell, type SheetRow } from '../src/readers/cell.js';
import { XLSX_LIMITS } from '../src/readers/xlsx-reader.js';
import type { ReadOptions } from '../src/readers/spreadsheet.js';
import { fixture, readAll, tempDir } from './helpers/files.js';
import { MAIN_NS, makeXlsx, PKG_REL_NS, REL_NS, REL_TYPE, sharedStringsXml, sheetXml, stylesXml, zipArchive } from './helpers/zip-writer.js';

/**
 * The xlsx reader on workbooks built here, part by part: what each form of cell, string,
 * package layout and number format in the wild must read as.
 */

let dir: string;
let count = 0;
beforeAll(async () => {
  dir = await tempDir();
});

/** A workbook of the given parts (see makeXlsx) in a fresh file. */
function xlsx(parts: Record<string, string | null>, order?: readonly string[]): Promise<string> {
  return makeXlsx(path.join(dir, `book-${++count}.xlsx`), parts, order);
}

/** An inline string cell. */
const str = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
/** A number cell, with a style when given. */
const num = (ref: string, value: number | string, style?: number) => `<c r="${ref}"${style === undefined ? '' : ` s="${style}"`}><v>${value}</v></c>`;
/** A header row of inline strings, A1 on. */
const headerRow = (...names: string[]) => `<row r="1">${names.map((name, i) => str(`${String.fromCharCode(65 + i)}1`, name)).join('')}</row>`;

/** A cell with its format (functions) left out, for exact comparison; the format's code is kept. */
function bare(cell: Cell | undefined): unknown {
  if (typeof cell !== 'object' || cell === null) return cell;
  const { format, ...rest } = cell as { format?: { code: string } };
  return format ? { ...rest, code: format.code } : rest;
}
const bareRows = (rows: SheetRow[]) => rows.map((r) => ({ row: r.row, cells: r.cells.map(bare) }));

async function read(file: string, options: ReadOptions = {}) {
  const result = await readAll(file, options);
  return { ...result, bare: bareRows(result.rows) };
}

async function failure(promise: Promise<unknown>): Promise<CdbError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CdbError);
  return error as CdbError;
}

/** Every entry of a zip, in archive order. */
function unzip(file: string): Promise<{ name: string; data: Buffer }[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries: { name: string; data: Buffer }[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('part order: the zip is read by its central directory', () => {
  test('worksheet first, shared strings and styles last', async () => {
    const file = await xlsx(
      {
        'xl/worksheets/sheet1.xml': sheetXml(
          '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
            `<row r="2"><c r="A2" t="s"><v>2</v></c>${num('B2', 45000, 1)}</row>`,
        ),
        'xl/sharedStrings.xml': sharedStringsXml(['<t>Title</t>', '<t>Start</t>', '<t>Byte av blandare</t>']),
        'xl/styles.xml': stylesXml({}, [14]),
      },
      ['xl/worksheets/sheet1.xml', '[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/styles.xml'],
    );
    expect((await unzip(file)).map((e) => e.name)[0]).toBe('xl/worksheets/sheet1.xml');
    const { header, bare } = await read(file);
    expect(header).toEqual(['Title', 'Start']);
    expect(bare).toEqual([{ row: 2, cells: ['Byte av blandare', { kind: 'date', wall: '2023-03-15T00:00:00.000', serial: 45000, code: 'm/d/yyyy' }] }]);
  });

  test('openpyxl-cell-types.xlsx rewritten with its sheet parts first reads as the original, every time', async () => {
    const original = fixture('openpyxl-cell-types.xlsx');
    const entries = await unzip(original);
    const rank = (name: string) => (/^xl\/worksheets\//.test(name) ? 0 : /sharedStrings|styles/.test(name) ? 2 : 1);
    const reordered = [...entries].sort((a, b) => rank(a.name) - rank(b.name));
    expect(reordered[0]?.name).toMatch(/^xl\/worksheets\//);
    const file = path.join(dir, 'openpyxl-sheets-first.xlsx');
    await writeFile(file, zipArchive(reordered));
    const shown = async (name: string) => {
      const { header, detected, rows, warnings } = await readAll(name);
      return { header, detected, warnings, rows: bareRows(rows), text: rows.map((r) => r.cells.map(cellText)) };
    };
    const expected = await shown(original);
    expect(expected.rows.length).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) {
      expect(await shown(file)).toEqual(expected);
      expect(await shown(original)).toEqual(expected);
    }
  });
});

describe('strings', () => {
  test('shared: rich text runs joined, phonetic readings left out, _x000D_ decoded, _x005F_ escapes, spaces kept', async () => {
    const file = await xlsx({
      'xl/sharedStrings.xml': sharedStringsXml([
        '<r><rPr><b/><sz val="11"/></rPr><t>Bold</t></r><r><t xml:space="preserve"> and plain</t></r>',
        '<r><t>漢字</t></r><rPh sb="0" eb="2"><t>カンジ</t></rPh><phoneticPr fontId="1" type="noConversion"/>',
        '<t>ABC_x000D_\nDEF</t>',
        '<t>_x005F_x000D_</t>',
        '<t xml:space="preserve">   indented </t>',
        '<t/>',
      ]),
      'xl/worksheets/sheet1.xml': sheetXml(
        headerRow('Rich', 'Phonetic', 'CR', 'Literal', 'Spaces', 'Empty') +
          '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="s"><v>2</v></c>' +
          '<c r="D2" t="s"><v>3</v></c><c r="E2" t="s"><v>4</v></c><c r="F2" t="s"><v>5</v></c></row>',
      ),
    });
    const { bare } = await read(file);
    expect(bare).toEqual([{ row: 2, cells: ['Bold and plain', '漢字', 'ABC\r\nDEF', '_x000D_', '   indented ', ''] }]);
  });

  test('inline: CDATA, rich runs, phonetic, escapes and preserved spaces', async () => {
    const file = await xlsx({
      'xl/worksheets/sheet1.xml': sheetXml(
        headerRow('CDATA', 'Runs', 'Phonetic', 'Escapes', 'Spaces') +
          '<row r="2">' +
          '<c r="A2" t="inlineStr"><is><t><![CDATA[a < b & "c" ]]></t></is></c>' +
          '<c r="B2" t="inlineStr"><is><r><rPr><i/></rPr><t>in</t></r><r><t>line</t></r></is></c>' +
          '<c r="C2" t="inlineStr"><is><r><t>漢字</t></r><rPh sb="0" eb="2"><t>カンジ</t></rPh></is></c>' +
          '<c r="D2" t="inlineStr"><is><t>x_x000D_y _x005F_x000A_</t></is></c>' +
          '<c r="E2" t="inlineStr"><is><t xml:space="preserve">  two leading</t></is></c>' +
          '</row>',
      ),
    });
    const { bare } = await read(file);
    expect(bare).toEqual([{ row: 2, cells: ['a < b & "c" ', 'inline', '漢字', 'x\ry _x000A_', '  two leading'] }]);
  });
});

describe('structure', () => {
  test('rows and cells without r= follow the one before', async () => {
    const file = await xlsx({
      'xl/worksheets/sheet1.xml': sheetXml(
        `<row>${str('A1', 'A').replace(' r="A1"', '')}<c t="inlineStr"><is><t>B</t></is></c><c t="inlineStr"><is><t>C</t></is></c></row>` +
          '<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>' +
          '<row r="4"><c r="B4"><v>5</v></c><c><v>6</v></c></row>' +
          '<row><c><v>7</v></c></row>',
      ),
    });
    const { header, bare } = await read(file);
    expect(header).toEqual(['A', 'B', 'C']);
    expect(bare).toEqual([
      { row: 2, cells: [1, 2, 3] },
      { row: 4, cells: [null, 5, 6] },
      { row: 5, cells: [7] },
    ]);
  });

  test('namespace-prefixed XML in every part (x:, ns0:)', async () => {
    const X = `xmlns:x="${MAIN_NS}"`;
    const file = await xlsx({
      '_rels/.rels': `<?xml version="1.0"?><ns0:Relationships xmlns:ns0="${PKG_REL_NS}"><ns0:Relationship Id="rId1" Type="${REL_TYPE}/officeDocument" Target="xl/workbook.xml"/></ns0:Relationships>`,
      'xl/_rels/workbook.xml.rels':
        `<?xml version="1.0"?><ns0:Relationships xmlns:ns0="${PKG_REL_NS}">` +
        `<ns0:Relationship Id="rId1" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet1.xml"/>` +
        `<ns0:Relationship Id="rId2" Type="${REL_TYPE}/sharedStrings" Target="sharedStrings.xml"/>` +
        `<ns0:Relationship Id="rId3" Type="${REL_TYPE}/styles" Target="styles.xml"/></ns0:Relationships>`,
      'xl/workbook.xml': `<?xml version="1.0"?><x:workbook ${X} xmlns:r="${REL_NS}"><x:workbookPr/><x:sheets><x:sheet name="Data" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`,
      'xl/sharedStrings.xml': `<?xml version="1.0"?><x:sst ${X} count="2"><x:si><x:t>Name</x:t></x:si><x:si><x:r><x:t>Ada</x:t></x:r><x:r><x:t> L</x:t></x:r></x:si></x:sst>`,
      'xl/styles.xml':
        `<?xml version="1.0"?><x:styleSheet ${X}><x:numFmts count="1"><x:numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></x:numFmts>` +
        '<x:cellXfs count="2"><x:xf numFmtId="0"/><x:xf numFmtId="164" applyNumberFormat="1"/></x:cellXfs></x:styleSheet>',
      'xl/worksheets/sheet1.xml':
        `<?xml version="1.0"?><x:worksheet ${X}><x:sheetData>` +
        '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>Born</x:t></x:is></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>Calc</x:t></x:is></x:c></x:row>' +
        '<x:row r="2"><x:c r="A2" t="s"><x:v>1</x:v></x:c><x:c r="B2" s="1"><x:v>45000</x:v></x:c><x:c r="C2" t="b"><x:f>1=1</x:f><x:v>1</x:v></x:c></x:row>' +
        '</x:sheetData></x:worksheet>',
    });
    const { header, detected, bare } = await read(file);
    expect(detected).toMatchObject({ sheet: 'Data', sheets: ['Data'] });
    expect(header).toEqual(['Name', 'Born', 'Calc']);
    expect(bare).toEqual([{ row: 2, cells: ['Ada L', { kind: 'date', wall: '2023-03-15T00:00:00.000', serial: 45000, code: 'yyyy-mm-dd' }, true] }]);
  });

  test('Strict Open XML namespaces and relationship types', async () => {
    const STRICT = 'http://purl.oclc.org/ooxml/spreadsheetml/main';
    const STRICT_REL = 'http://purl.oclc.org/ooxml/officeDocument/relationships';
    const file = await xlsx({
      '_rels/.rels': `<?xml version="1.0"?><Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${STRICT_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      'xl/_rels/workbook.xml.rels':
        `<?xml version="1.0"?><Relationships xmlns="${PKG_REL_NS}">` +
        `<Relationship Id="rId5" Type="${STRICT_REL}/sharedStrings" Target="sharedStrings.xml"/>` +
        `<Relationship Id="rId4" Type="${STRICT_REL}/styles" Target="styles.xml"/>` +
        `<Relationship Id="rId1" Type="${STRICT_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      'xl/workbook.xml': `<?xml version="1.0"?><workbook xmlns="${STRICT}" xmlns:r="${STRICT_REL}" conformance="strict"><workbookPr dateCompatibility="0"/><sheets><sheet name="Strict" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      'xl/sharedStrings.xml': `<?xml version="1.0"?><sst xmlns="${STRICT}"><si><t>When</t></si><si><t>Amount</t></si></sst>`,
      'xl/styles.xml': stylesXml({ 164: '0.00' }, [14, 164]).replace(MAIN_NS, STRICT),
      'xl/worksheets/sheet1.xml':
        `<?xml version="1.0"?><worksheet xmlns="${STRICT}" xmlns:r="${STRICT_REL}"><sheetData>` +
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
        `<row r="2">${num('A2', 45000, 1)}${num('B2', 3.14159, 2)}</row></sheetData></worksheet>`,
    });
    const { header, detected, bare, rows } = await read(file);
    expect(detected).toMatchObject({ sheet: 'Strict', sheets: ['Strict'] });
    expect(header).toEqual(['When', 'Amount']);
    expect(bare).toEqual([{ row: 2, cells: [{ kind: 'date', wall: '2023-03-15T00:00:00.000', serial: 45000, code: 'm/d/yyyy' }, { kind: 'number', value: 3.14159, code: '0.00' }] }]);
    expect(rows[0]?.cells.map(cellText)).toEqual(['3/15/2023', '3.14']);
  });

  test('a sheet part named xl/worksheets/sheet.xml (Numbers), found through the relationships', async () => {
    const file = await xlsx({
      'xl/workbook.xml': `<?xml version="1.0"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><workbookPr date1904="1"/><sheets><sheet name="Sheet 1" sheetId="1" r:id="rId3"/></sheets></workbook>`,
      'xl/_rels/workbook.xml.rels': `<?xml version="1.0"?><Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId3" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet.xml"/></Relationships>`,
      'xl/worksheets/sheet1.xml': null,
      'xl/worksheets/sheet.xml': sheetXml(headerRow('Table 1') + `<row r="2">${str('A2', 'from sheet.xml')}</row>`),
    });
    const { detected, header, bare } = await read(file);
    expect(detected).toMatchObject({ sheet: 'Sheet 1', date1904: true });
    expect(header).toEqual(['Table 1']);
    expect(bare).toEqual([{ row: 2, cells: ['from sheet.xml'] }]);
  });

  test('sheet names with XML entities; a name matches ignoring case', async () => {
    const file = await xlsx({
      'xl/workbook.xml':
        `<?xml version="1.0"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>` +
        '<sheet name="Notes" sheetId="1" r:id="rId1"/><sheet name="R&amp;D &quot;2026&quot;" sheetId="2" r:id="rId2"/></sheets></workbook>',
      'xl/_rels/workbook.xml.rels':
        `<?xml version="1.0"?><Relationships xmlns="${PKG_REL_NS}">` +
        `<Relationship Id="rId1" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet1.xml"/>` +
        `<Relationship Id="rId2" Type="${REL_TYPE}/worksheet" Target="/xl/worksheets/sheet2.xml"/></Relationships>`,
      'xl/worksheets/sheet1.xml': sheetXml(headerRow('Nothing here')),
      'xl/worksheets/sheet2.xml': sheetXml(headerRow('Title') + `<row r="2">${str('A2', 'Job')}</row>`),
    });
    const { detected, header, bare } = await read(file, { sheet: 'r&d "2026"' });
    expect(detected).toMatchObject({ sheet: 'R&D "2026"', sheets: ['Notes', 'R&D "2026"'] });
    expect(header).toEqual(['Title']);
    expect(bare).toEqual([{ row: 2, cells: ['Job'] }]);
  });

  describe('a chart sheet listed first', () => {
    let file: string;
    beforeAll(async () => {
      file = await xlsx({
        'xl/workbook.xml':
          `<?xml version="1.0"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>` +
          '<sheet name="Chart1" sheetId="2" r:id="rId2"/><sheet name="Data" sheetId="1" r:id="rId1"/><sheet name="More" sheetId="3" r:id="rId3"/></sheets></workbook>',
        'xl/_rels/workbook.xml.rels':
          `<?xml version="1.0"?><Relationships xmlns="${PKG_REL_NS}">` +
          `<Relationship Id="rId2" Type="${REL_TYPE}/chartsheet" Target="chartsheets/sheet1.xml"/>` +
          `<Relationship Id="rId1" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet1.xml"/>` +
          `<Relationship Id="rId3" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet2.xml"/></Relationships>`,
        'xl/chartsheets/sheet1.xml': `<?xml version="1.0"?><chartsheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetViews><sheetView workbookViewId="0"/></sheetViews></chartsheet>`,
        'xl/worksheets/sheet1.xml': sheetXml(headerRow('Month', 'Bears') + `<row r="2">${str('A2', 'Jan')}${num('B2', 8)}</row>`),
        'xl/worksheets/sheet2.xml': sheetXml(headerRow('Other')),
      });
    });

    test('the default sheet is the first worksheet', async () => {
      const { detected, header, bare } = await read(file);
      expect(detected).toMatchObject({ sheet: 'Data', sheets: ['Data', 'More'] });
      expect(header).toEqual(['Month', 'Bears']);
      expect(bare).toEqual([{ row: 2, cells: ['Jan', 8] }]);
    });

    test('sheet 1 is the first worksheet, 2 the second', async () => {
      expect((await read(file, { sheet: 1 })).detected.sheet).toBe('Data');
      expect((await read(file, { sheet: 2 })).header).toEqual(['Other']);
    });

    test('the chart sheet by name is refused as a chart sheet', async () => {
      const error = await failure(readAll(file, { sheet: 'Chart1' }));
      expect(error.code).toBe('INPUT');
      expect(error.message).toMatch(/chart sheet/);
      expect(error.message).toContain('"Data", "More"');
    });
  });
});

describe('formula results', () => {
  test('cached 0, FALSE, TRUE, an error, a string result, no cached value, a shared formula', async () => {
    const file = await xlsx({
      'xl/worksheets/sheet1.xml': sheetXml(
        headerRow('Zero', 'False', 'True', 'Error', 'Text', 'Uncalculated', 'Shared', 'UncalcText') +
          '<row r="2">' +
          '<c r="A2"><f>B9-B9</f><v>0</v></c>' +
          '<c r="B2" t="b"><f>1=2</f><v>0</v></c>' +
          '<c r="C2" t="b"><f>1=1</f><v>1</v></c>' +
          '<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c>' +
          '<c r="E2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>' +
          '<c r="F2"><f>SUM(A2:A3)</f></c>' +
          '<c r="G2"><f t="shared" ref="G2:G3" si="0">A2+1</f><v>1</v></c>' +
          '<c r="H2" t="str"><f>E2</f></c>' +
          '</row>' +
          `<row r="3">${num('A3', 5)}<c r="G3"><f t="shared" si="0"/><v>6</v></c></row>`,
      ),
    });
    const { rows } = await read(file);
    expect(rows.map((r) => r.row)).toEqual([2, 3]);
    const [a, b, c, d, e, f, g, h] = rows[0]?.cells ?? [];
    expect([a, b, c, d, e, g]).toEqual([0, false, true, { kind: 'error', error: '#DIV/0!' }, 'ab', 1]);
    expect(typeof c).toBe('boolean');
    expect(f).toEqual({ kind: 'unreadable', reason: expect.stringContaining('no calculated value') });
    expect(h).toEqual({ kind: 'unreadable', reason: expect.stringContaining('no calculated value') });
    expect(rows[1]?.cells).toEqual([5, null, null, null, null, null, 6]);
    expect([a, b, c, d, e].map(cellText)).toEqual(['0', 'FALSE', 'TRUE', '#DIV/0!', 'ab']);
  });
});

describe('dates, times and durations', () => {
  /** A workbook of one column, `Value`, a cell per row from row 2. */
  function column(cells: readonly string[], parts: Record<string, string | null> = {}) {
    return xlsx({
      'xl/styles.xml': stylesXml({ 164: 'h:mm', 165: '[h]:mm', 166: 'yyyy-mm-dd', 167: 'mm:ss' }, [14, 164, 165, 166, 22, 167]),
      'xl/worksheets/sheet1.xml': sheetXml(headerRow('Value') + cells.map((cell, i) => `<row r="${i + 2}">${cell.replace('REF', `A${i + 2}`)}</row>`).join('')),
      ...parts,
    });
  }
  const S = { date14: 1, hmm: 2, elapsed: 3, iso: 4, dateTime22: 5, mmss: 6 };

  test('t="d" cells: ISO date-time, date, time only', async () => {
    const file = await column([
      `<c r="REF" t="d" s="${S.dateTime22}"><v>2021-01-01T10:10:10</v></c>`,
      '<c r="REF" t="d"><v>2021-01-01</v></c>',
      '<c r="REF" t="d"><v>10:10:10</v></c>',
      `<c r="REF" t="d" s="${S.hmm}"><v>1970-01-01T08:30:00</v></c>`,
    ]);
    const { rows } = await read(file);
    expect(rows.map((r) => r.cells[0]).map(bare)).toEqual([
      { kind: 'date', wall: '2021-01-01T10:10:10.000', serial: expect.closeTo(44197.4237268518, 8), code: 'm/d/yyyy h:mm' },
      { kind: 'date', wall: '2021-01-01T00:00:00.000', serial: 44197 },
      { kind: 'time', time: '10:10:10.000', serial: expect.closeTo(0.4237268518, 8) },
      { kind: 'time', time: '08:30:00.000', serial: expect.closeTo(25569.3541666667, 8), code: 'h:mm' },
    ]);
    expect(rows.map((r) => cellText(r.cells[0]))).toEqual(['1/1/2021 10:10', '2021-01-01', '10:10:10', '8:30']);
  });

  test('the 1900 system: serials around the day that never was', async () => {
    const file = await column([num('REF', 45000, S.date14), num('REF', 59, S.date14), num('REF', 61, S.date14), num('REF', 1, S.date14), num('REF', 60, S.date14), num('REF', 45000.75, S.iso)]);
    const { rows } = await read(file);
    expect(rows.map((r) => bare(r.cells[0]))).toEqual([
      { kind: 'date', wall: '2023-03-15T00:00:00.000', serial: 45000, code: 'm/d/yyyy' },
      { kind: 'date', wall: '1900-02-28T00:00:00.000', serial: 59, code: 'm/d/yyyy' },
      { kind: 'date', wall: '1900-03-01T00:00:00.000', serial: 61, code: 'm/d/yyyy' },
      { kind: 'date', wall: '1900-01-01T00:00:00.000', serial: 1, code: 'm/d/yyyy' },
      { kind: 'unreadable', reason: expect.stringContaining('29 February 1900') },
      { kind: 'date', wall: '2023-03-15T18:00:00.000', serial: 45000.75, code: 'yyyy-mm-dd' },
    ]);
    expect(rows.map((r) => cellText(r.cells[0]))).toEqual(['3/15/2023', '2/28/1900', '3/1/1900', '1/1/1900', '', '2023-03-15']);
  });

  test('a time-only format is a time of day; a bracketed one an elapsed time', async () => {
    const file = await column([num('REF', 0.5, S.hmm), num('REF', 1.5, S.elapsed), num('REF', 0.0625, S.elapsed), num('REF', 0.001377314814814845, S.mmss), num('REF', 45000.25, S.hmm)]);
    const { rows } = await read(file);
    expect(rows.map((r) => bare(r.cells[0]))).toEqual([
      { kind: 'time', time: '12:00:00.000', serial: 0.5, code: 'h:mm' },
      { kind: 'duration', seconds: 129600, serial: 1.5, code: '[h]:mm' },
      { kind: 'duration', seconds: 5400, serial: 0.0625, code: '[h]:mm' },
      { kind: 'time', time: '00:01:59.000', serial: 0.001377314814814845, code: 'mm:ss' },
      { kind: 'time', time: '06:00:00.000', serial: 45000.25, code: 'h:mm' },
    ]);
    expect(rows.map((r) => cellText(r.cells[0]))).toEqual(['12:00', '36:00', '1:30', '01:59', '6:00']);
  });

  test('a 1904 workbook: serial 0 is 1904-01-01', async () => {
    const file = await column([num('REF', 0, S.iso), num('REF', 1.5, S.dateTime22), num('REF', 0.5, S.hmm)], {
      'xl/workbook.xml': `<?xml version="1.0"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><workbookPr date1904="1"/><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    });
    const { detected, rows } = await read(file);
    expect(detected.date1904).toBe(true);
    expect(rows.map((r) => bare(r.cells[0]))).toEqual([
      { kind: 'date', wall: '1904-01-01T00:00:00.000', serial: 1462, code: 'yyyy-mm-dd' },
      { kind: 'date', wall: '1904-01-02T12:00:00.000', serial: 1463.5, code: 'm/d/yyyy h:mm' },
      { kind: 'time', time: '12:00:00.000', serial: 0.5, code: 'h:mm' },
    ]);
    expect(rows.map((r) => cellText(r.cells[0]))).toEqual(['1904-01-01', '1/2/1904 12:00', '12:00']);
  });
});

describe('dates that do not exist', () => {
  // BUG (src/readers/xlsx/sheet-rows.ts isoDate, src/readers/excel-date.ts wallToSerial): a t="d"
  // cell's wall is built from its text and checked only through Date.parse, which in V8 rolls
  // 2021-02-30 over to 2021-03-02 and accepts 24:00 instead of rejecting them; a time-only value
  // is not range-checked at all. The cell becomes a date whose wall does not exist
  // ('2021-02-30T00:00:00.000') and whose serial is another day (cellText '3/2/2021').
  test('t="d" cells holding days or times that do not exist are unreadable', async () => {
    const values = ['2021-02-30', '2021-04-31T10:00:00', '1900-02-29', '25:00:00', '10:75'];
    const file = await xlsx({
      'xl/styles.xml': stylesXml({}, [14]),
      'xl/worksheets/sheet1.xml': sheetXml(headerRow('Value') + values.map((v, i) => `<row r="${i + 2}"><c r="A${i + 2}" t="d" s="1"><v>${v}</v></c></row>`).join('')),
    });
    const { rows } = await read(file);
    expect(rows.map((r) => r.cells[0])).toEqual(values.map(() => ({ kind: 'unreadable', reason: expect.any(String) })));
  });

  // BUG (src/readers/excel-date.ts serialToWall): no upper bound. A date-formatted number past
  // Excel's last day, 9999-12-31 (serial 2958465), which Excel shows as ####, gives a malformed
  // wall ('+010000-01-01T00:00:00.'), and past year 275760 Date#toISOString throws a RangeError
  // that fails the whole read as "not a readable xlsx workbook ... damaged".
  test('a date-formatted number past 9999-12-31 is one unreadable cell, not a damaged workbook', async () => {
    const file = await xlsx({
      'xl/styles.xml': stylesXml({}, [14]),
      'xl/worksheets/sheet1.xml': sheetXml(headerRow('Date', 'Title') + `<row r="2">${num('A2', 2958466, 1)}${str('B2', 'one')}</row><row r="3">${num('A3', 1e10, 1)}${str('B3', 'two')}</row>`),
    });
    const { rows } = await read(file);
    expect(rows.map((r) => r.cells)).toEqual([
      [{ kind: 'unreadable', reason: expect.any(String) }, 'one'],
      [{ kind: 'unreadable', reason: expect.any(String) }, 'two'],
    ]);
  });

  test('the last day Excel has, 9999-12-31, reads', async () => {
    const file = await xlsx({
      'xl/styles.xml': stylesXml({}, [14]),
      'xl/worksheets/sheet1.xml': sheetXml(headerRow('Date') + `<row r="2">${num('A2', 2958465.5, 1)}</row>`),
    });
    const { bare } = await read(file);
    expect(bare).toEqual([{ row: 2, cells: [{ kind: 'date', wall: '9999-12-31T12:00:00.000', serial: 2958465.5, code: 'm/d/yyyy' }] }]);
  });
});

describe('what Excel shows', () => {
  test('custom number formats keep the value and show the look; @ and General are plain numbers', async () => {
    const file = await xlsx({
      'xl/styles.xml': stylesXml({ 164: '0000000', 165: '"P-"0000', 166: '#,##0.00' }, [164, 165, 49, 166, 0]),
      'xl/worksheets/sheet1.xml': sheetXml(headerRow('Order', 'Part', 'Text', 'Sum', 'General') + `<row r="2">${num('A2', 50002, 1)}${num('B2', 12, 2)}${num('C2', 42, 3)}${num('D2', 1234.5, 4)}${num('E2', 0.1, 5)}</row>`),
    });
    const { bare, rows } = await read(file);
    expect(bare).toEqual([
      {
        row: 2,
        cells: [{ kind: 'number', value: 50002, code: '0000000' }, { kind: 'number', value: 12, code: '"P-"0000' }, 42, { kind: 'number', value: 1234.5, code: '#,##0.00' }, 0.1],
      },
    ]);
    expect(rows[0]?.cells.map(cellText)).toEqual(['0050002', 'P-0012', '42', '1,234.50', '0.1']);
  });
});

describe('columns with no header', () => {
  test('values under a blank header cell and beyond the last header are left out, with one warning naming the columns', async () => {
    const file = await xlsx({
      'xl/worksheets/sheet1.xml': sheetXml(
        `<row r="1">${str('A1', 'Title')}${str('C1', 'Place')}</row>` +
          `<row r="2">${str('A2', 'Job 1')}${str('B2', 'under no header')}${str('C2', 'Here')}${str('E2', 'beyond')}</row>` +
          `<row r="3">${str('A3', 'Job 2')}${str('C3', 'There')}</row>` +
          `<row r="4">${str('E4', 'only beyond')}</row>`,
      ),
    });
    const { header, rows, warnings } = await read(file);
    expect(header).toEqual(['Title', '', 'Place']);
    expect(rows.map((r) => r.row)).toEqual([2, 3]); // row 4 has nothing under a header
    for (const row of rows) expect(row.cells.length).toBeLessThanOrEqual(header.length);
    // The value under the blank header may stay in the row (no mapping can name that column) or be dropped.
    expect([rows[0]?.cells[0], rows[0]?.cells[2]]).toEqual(['Job 1', 'Here']);
    expect(['under no header', null, undefined]).toContain(rows[0]?.cells[1]);
    expect(rows[1]?.cells.filter((c) => c !== null && c !== undefined)).toEqual(['Job 2', 'There']);
    expect(warnings).toEqual([
      'Columns B, E have no header in row 1, so their 3 values (first in row 2) are left out: no mapping can name those columns. Give them headers to import them.',
    ]);
  });
});

describe('limits and hostile files', () => {
  const bomb = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>';

  test.each([
    ['the worksheet', 'xl/worksheets/sheet1.xml'],
    ['the shared strings', 'xl/sharedStrings.xml'],
    ['the workbook', 'xl/workbook.xml'],
  ])('a DOCTYPE declaring entities in %s is refused', async (_what, part) => {
    const parts: Record<string, string> = {
      'xl/sharedStrings.xml': sharedStringsXml(['<t>Title</t>']),
      'xl/worksheets/sheet1.xml': sheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>&lol2;</t></is></c></row>'),
      'xl/workbook.xml': `<?xml version="1.0"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    };
    parts[part] = (parts[part] as string).replace(/^(<\?xml[^>]*\?>\n?)?/, (decl) => `${decl}${bomb}`);
    const error = await failure(readAll(await xlsx(parts)));
    expect(error.code).toBe('INPUT');
    expect(error.message).toMatch(/entities/);
  });

  describe('a cell longer than the limit is refused', () => {
    const limit = XLSX_LIMITS.cell;
    afterAll(() => {
      XLSX_LIMITS.cell = limit;
    });

    test('the documented limit is 32 MB', () => {
      expect(limit).toBe(32 * 1048576);
    });

    // A real 32 MB cell takes minutes to refuse (see the test on reading time below): the limit
    // is lowered here to check the refusal itself.
    test.each([
      ['a <v> value', (text: string) => `<c r="A2" t="str"><f>REPT("a",2^20)</f><v>${text}</v></c>`],
      ['an inline string', (text: string) => `<c r="A2" t="inlineStr"><is><t>${text}</t></is></c>`],
    ])('%s over the limit (lowered to 256 KB)', async (_what, cell) => {
      XLSX_LIMITS.cell = 256 * 1024;
      try {
        const file = await xlsx({ 'xl/worksheets/sheet1.xml': sheetXml(`${headerRow('Text')}<row r="2">${cell('a'.repeat(300 * 1024))}</row>`) });
        const error = await failure(readAll(file));
        expect(error.code).toBe('INPUT');
        expect(error.message).toMatch(/too large to read safely/);
        // Under the limit it reads.
        XLSX_LIMITS.cell = 512 * 1024;
        const { rows } = await readAll(file);
        expect((rows[0]?.cells[0] as string).length).toBe(300 * 1024);
      } finally {
        XLSX_LIMITS.cell = limit;
      }
    });

    // BUG (src/readers/xlsx/sheet-rows.ts SheetRowsHandler.text, src/readers/xlsx/shared-strings.ts
    // StringItem): the limit is checked on each piece of text (a run, a CDATA section), not on
    // the cell: in sheet-rows `text.length > maxCell` looks at the piece, and StringItem, used for
    // shared strings, has no check at all (only the scanner's bound on one piece). A cell of
    // many runs, each under the limit, passes however long it is.
    const run = (c: string) => `<r><t>${c.repeat(100 * 1024)}</t></r>`;
    test.each([
      ['an inline string of rich-text runs', { 'xl/worksheets/sheet1.xml': sheetXml(`${headerRow('Text')}<row r="2"><c r="A2" t="inlineStr"><is>${run('a')}${run('b')}${run('c')}</is></c></row>`) }],
      [
        'an inline string split by CDATA',
        { 'xl/worksheets/sheet1.xml': sheetXml(`${headerRow('Text')}<row r="2"><c r="A2" t="inlineStr"><is><t>${'a'.repeat(102400)}<![CDATA[${'b'.repeat(102400)}]]>${'c'.repeat(102400)}</t></is></c></row>`) },
      ],
      [
        'a shared string of rich-text runs',
        { 'xl/sharedStrings.xml': sharedStringsXml([run('a') + run('b') + run('c')]), 'xl/worksheets/sheet1.xml': sheetXml(`${headerRow('Text')}<row r="2"><c r="A2" t="s"><v>0</v></c></row>`) },
      ],
    ] as [string, Record<string, string>][])('%s of 300 KB in 100 KB pieces is over a 256 KB limit', async (_what, parts) => {
      const file = await xlsx(parts);
      XLSX_LIMITS.cell = 256 * 1024;
      try {
        const error = await failure(readAll(file));
        expect(error.message).toMatch(/too large to read safely/);
      } finally {
        XLSX_LIMITS.cell = limit;
      }
    });

    // Text with no tag after it yet is kept in pieces, not joined on every zip chunk: a long
    // cell reads in time linear in its length (a 32 MB cell once took minutes).
    test('a 3 MB cell reads whole', async () => {
      const text = 'a'.repeat(3 * 1048576);
      const file = await xlsx({ 'xl/worksheets/sheet1.xml': sheetXml(`${headerRow('Text')}<row r="2"><c r="A2" t="inlineStr"><is><t>${text}</t></is></c></row>`) });
      const { rows } = await readAll(file);
      expect(rows[0]?.cells[0]).toBe(text);
    });
  });
});

describe('through the mapping', () => {
  test('a text column gets what Excel shows, an integer duration the minutes, an uncalculated formula its reason', async () => {
    const file = await xlsx({
      'xl/styles.xml': stylesXml({ 164: '0000000', 165: '[h]:mm' }, [164, 165]),
      'xl/worksheets/sheet1.xml': sheetXml(
        headerRow('Title', 'Reference no', 'Duration') +
          `<row r="2">${str('A2', 'Byte av blandare')}${num('B2', 50002, 1)}${num('C2', 0.0625, 2)}</row>` +
          `<row r="3"><c r="A3" t="str"><f>CONCAT("Job ",B3)</f></c>${num('B3', 50003, 1)}${num('C3', 1.5, 2)}</row>`,
      ),
    });
    const { mapping } = await checkMapping(
      {
        timezone: 'Europe/Stockholm',
        columns: [
          { column: 'Title', field: 'title', required: true },
          { column: 'Reference no', field: 'referenceNo', type: 'string' },
          { column: 'Duration', field: 'duration', type: 'integer' },
        ],
      },
      'test',
    );
    const payloadsFile = path.join(dir, 'payloads.jsonl');
    const checked: CheckedRow[] = [];
    const { check: summary } = await checkFile({ file, mapping, payloadsFile, errorsFile: path.join(dir, 'mapping.errors.csv') }, (row) => void checked.push(row));
    expect(summary).toMatchObject({ rows: 2, valid: 1, invalid: 1 });

    expect(checked[0]?.mapped).toMatchObject({ row: 2, issues: [], job: { title: 'Byte av blandare', referenceNo: '0050002', duration: 90 } });
    const payloads = (await readFile(payloadsFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { row: number; job: Record<string, unknown> });
    expect(payloads).toEqual([{ row: 2, job: { title: 'Byte av blandare', referenceNo: '0050002', duration: 90 } }]);

    expect(checked[1]?.mapped.job).toMatchObject({ referenceNo: '0050003', duration: 2160 });
    expect(checked[1]?.mapped.issues).toEqual([{ row: 3, column: 'Title', field: 'title', message: expect.stringContaining('no calculated value') }]);
    expect(summary.issues.map((i) => i.message).join('\n')).not.toMatch(/required but empty/);
  });
});
