// The errors file of an xlsx input keeps each cell's type and format (a date stays a date, a
// formatted number a number in its format, a formula's result its value), marks each bad cell
// (light red, a note saying why), and imports once fixed; a csv errors file is as before.
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, test } from '@jest/globals';
import ExcelJS from 'exceljs';
import { createClient } from '../src/api/client.js';
import { runImport } from '../src/import/run-import.js';
import { rowChecker } from '../src/import/check-file.js';
import { bindHeader } from '../src/mapping/bind-header.js';
import { loadMapping } from '../src/mapping/load-mapping.js';
import { openSpreadsheet } from '../src/readers/spreadsheet.js';
import { wallToEpoch } from '../src/time/zone-time.js';
import { ErrorRows } from '../src/writers/error-rows.js';
import { tempDir } from './helpers/files.js';
import { STATE_DIR } from './helpers/state-dir.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const wall = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(Date.UTC(y, mo - 1, d, h, mi));
const stockholm = (y: number, mo: number, d: number, h: number, mi = 0) => wallToEpoch({ year: y, month: mo, day: d, hour: h, minute: mi, second: 0 }, 'Europe/Stockholm');

/** A workbook as a clerk's: a formatted job number, a start that is not a date on row 2, date cells, a formula. */
async function clerksWorkbook(file: string): Promise<void> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Blad1');
  sheet.addRow(['Title', 'Reference no', 'Start', 'End', 'Duration']);
  sheet.addRow(['Byte av blandare', 50002, 'imorgon', wall(2026, 3, 2, 10, 0), { formula: '45*2', result: 90 }]);
  sheet.addRow(['Service av värmepump', 50003, wall(2026, 3, 3, 8, 0), wall(2026, 3, 3, 9, 30), 60]);
  for (const r of [2, 3]) {
    sheet.getCell(r, 2).numFmt = '0000000';
    sheet.getCell(r, 4).numFmt = 'yyyy-mm-dd hh:mm';
  }
  sheet.getCell(3, 3).numFmt = 'yyyy-mm-dd hh:mm';
  await book.xlsx.writeFile(file);
}

describe('an xlsx errors file', () => {
  test('keeps the good cells typed; the bad start fixed there, the errors file imports with the right dates', async () => {
    const s = await sandbox();
    const client = createClient({ baseUrl: s.url, apiKey: KEY });
    const dir = await tempDir();
    const input = path.join(dir, 'jobb.xlsx');
    await clerksWorkbook(input);
    const { mapping } = await loadMapping();
    const first = await runImport({ file: input, mapping, client, rate: 0, skipInvalid: true, stateDir: STATE_DIR });
    expect(first.counts).toMatchObject({ created: 1, rejected: 1 });

    const errorsFile = path.join(dir, 'jobb.errors.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(errorsFile);
    const sheet = book.worksheets[0] as ExcelJS.Worksheet;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['Title', 'Reference no', 'Start', 'End', 'Duration', 'Reason']);
    const row = sheet.getRow(2);
    expect(row.getCell(2).value).toBe(50002); // a number, shown 0050002 as in the input
    expect(row.getCell(2).numFmt).toBe('0000000');
    expect(row.getCell(3).value).toBe('imorgon');
    expect(row.getCell(4).value).toEqual(wall(2026, 3, 2, 10, 0)); // a date cell, not text
    expect(row.getCell(4).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(row.getCell(5).value).toBe(90); // the formula's result, as a number
    // The import marks the bad cell itself: a note saying why, and the others unmarked.
    expect(String((row.getCell(3).note as { texts?: { text: string }[] } | string | undefined) && JSON.stringify(row.getCell(3).note))).toMatch(/expected a date/);
    expect(row.getCell(1).note).toBeUndefined();
    expect(row.getCell(6).value).toMatch(/Start: expected a date/);

    // The clerk types the right start over the bad one, in the errors file itself.
    row.getCell(3).value = wall(2026, 3, 2, 8, 0);
    // A style of its own: exceljs shares one style object among the cells it read with the same style.
    row.getCell(3).style = { ...row.getCell(3).style, numFmt: 'yyyy-mm-dd hh:mm' };
    await book.xlsx.writeFile(errorsFile);
    const again = await runImport({ file: errorsFile, mapping, client, rate: 0, stateDir: STATE_DIR });
    expect(again.counts).toMatchObject({ created: 1, rejected: 0 });
    const job = s.jobs().find((j) => j.title === 'Byte av blandare');
    expect(job).toMatchObject({ referenceNo: '0050002', startTime: stockholm(2026, 3, 2, 8), endTime: stockholm(2026, 3, 2, 10), duration: 90 });
    expect(s.jobs()).toHaveLength(2);
  });

  test('each cell an issue names is marked: a light red fill and a note saying why; other cells are not', async () => {
    const dir = await tempDir();
    const input = path.join(dir, 'jobb.xlsx');
    await clerksWorkbook(input);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(input);
    const inputSheet = book.worksheets[0] as ExcelJS.Worksheet;
    inputSheet.getCell(2, 1).value = null; // a required title emptied too
    inputSheet.getCell(2, 5).value = { error: '#DIV/0!' };
    await book.xlsx.writeFile(input);

    const { mapping } = await loadMapping();
    const sheet = await openSpreadsheet(input);
    const bound = bindHeader(mapping, sheet.header, { file: input });
    const check = rowChecker(bound, mapping);
    const errorsFile = path.join(dir, 'errors.xlsx');
    const errors = new ErrorRows(errorsFile, sheet.header, sheet.detected);
    for await (const row of sheet.rows) {
      const { issues } = check(row);
      if (issues.length) await errors.add(row, issues.map((i) => `${i.column}: ${i.message}`).join('; '), issues);
    }
    await errors.close();

    const out = new ExcelJS.Workbook();
    await out.xlsx.readFile(errorsFile);
    const row = (out.worksheets[0] as ExcelJS.Worksheet).getRow(2);
    const fill = (cell: ExcelJS.Cell) => (cell.fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;
    expect(fill(row.getCell(1))).toBe('FFFFC7CE');
    expect(row.getCell(1).note).toBe('is required but empty');
    expect(fill(row.getCell(3))).toBe('FFFFC7CE');
    expect(row.getCell(3).note).toMatch(/^expected a date/);
    expect(row.getCell(5).value).toEqual({ error: '#DIV/0!' }); // the error value itself, marked
    expect(fill(row.getCell(5))).toBe('FFFFC7CE');
    expect(row.getCell(5).note).toMatch(/#DIV\/0!/);
    for (const good of [2, 4]) {
      expect(fill(row.getCell(good))).toBeUndefined();
      expect(row.getCell(good).note).toBeUndefined();
    }
    expect(row.getCell(4).value).toEqual(wall(2026, 3, 2, 10, 0));
  });

  test('the old call, a reason without issues, still writes the row (unmarked)', async () => {
    const dir = await tempDir();
    const input = path.join(dir, 'jobb.xlsx');
    await clerksWorkbook(input);
    const sheet = await openSpreadsheet(input);
    const errors = new ErrorRows(path.join(dir, 'errors.xlsx'), sheet.header, sheet.detected);
    for await (const row of sheet.rows) await errors.add(row, 'HTTP 400: refused');
    await errors.close();
    const out = new ExcelJS.Workbook();
    await out.xlsx.readFile(path.join(dir, 'errors.xlsx'));
    const rows = out.worksheets[0] as ExcelJS.Worksheet;
    expect(rows.getRow(3).getCell(3).value).toEqual(wall(2026, 3, 3, 8, 0));
    expect(rows.getRow(3).getCell(6).value).toBe('HTTP 400: refused');
    expect((rows.getRow(2).getCell(3).fill as ExcelJS.FillPattern | undefined)?.fgColor).toBeUndefined();
  });
});

describe('a csv errors file', () => {
  test('is as before: the input\'s text, the reason in the last column', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const input = path.join(dir, 'jobb.csv');
    await writeFile(input, 'Title;Start;Reference no\r\nA;imorgon;0050002\r\nB;2026-03-03 08:00;0050003\r\n');
    const { mapping } = await loadMapping();
    const run = await runImport({ file: input, mapping, client: createClient({ baseUrl: s.url, apiKey: KEY }), rate: 0, stateDir: STATE_DIR });
    expect(run.status).toBe('invalid');
    const text = (await readFile(path.join(dir, 'jobb.errors.csv'), 'utf8')).replace(/^\ufeff/, '');
    expect(text.split('\r\n')[0]).toBe('Title;Start;Reference no;Reason');
    expect(text.split('\r\n')[1]).toMatch(/^A;imorgon;0050002;"Start: expected a date/);
  });
});
