// A worksheet holding a cell or a row twice is damaged (Excel repairs it as it opens it): which
// value is meant cannot be known, so the file is refused naming the sheet, the row and the cell.
import path from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { cli } from './helpers/cli.js';
import { readAll, tempDir } from './helpers/files.js';
import { makeXlsx, sheetXml } from './helpers/zip-writer.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});

const text = (ref: string, value: string) => `<c r="${ref}" t="inlineStr"><is><t>${value}</t></is></c>`;
const header = `<row r="1">${text('A1', 'Title')}${text('B1', 'Reference no')}</row>`;
const workbook = (name: string, rows: string) => makeXlsx(path.join(dir, name), { 'xl/worksheets/sheet1.xml': sheetXml(header + rows) });

describe('a cell or a row written twice (issue 19, item 1)', () => {
  test('two <c r="A2"> in a row: refused, naming sheet, row, cell and both values; nothing sent; exit 2', async () => {
    const file = await workbook('cell-twice.xlsx', `<row r="2">${text('A2', 'Old title')}${text('A2', 'New title')}${text('B2', 'R1')}</row>`);
    const payloads = path.join(dir, 'cell-twice.jsonl');
    const run = await cli(['import', file, '--dry-run', '--offline', '--payloads', payloads]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `Error: ${file}, sheet "Sheet1", row 2: The workbook could not be read: the cell A2 is in row 2 twice ("Old title", then "New title"), so which value is meant cannot be known.`,
    );
    expect(run.stderr).toContain('wrote this cell twice. Open the file in Excel (it offers to repair it), check that row there, and save it');
    expect(run.stdout).not.toContain('New title');
  });

  test('two <row r="2">: refused naming the row, not imported as two rows both called row 2', async () => {
    const file = await workbook('row-twice.xlsx', `<row r="2">${text('A2', 'First')}${text('B2', 'R1')}</row><row r="2">${text('A2', 'Second')}${text('B2', 'R2')}</row>`);
    await expect(readAll(file)).rejects.toMatchObject({
      message: 'The workbook could not be read: row 2 is in the sheet twice, so which of its cells are meant cannot be known.',
      context: { file, sheet: 'Sheet1', row: 2 },
      hint: expect.stringContaining('wrote this row twice'),
    });
    // Apart, too, as long as it comes again (rows 2, 3, 2).
    const apart = await workbook('row-again.xlsx', `<row r="2">${text('A2', 'First')}</row><row r="3">${text('A3', 'Next')}</row><row r="2">${text('A2', 'Again')}</row>`);
    await expect(readAll(apart)).rejects.toMatchObject({ context: { row: 2 } });
    // A row without r= after row 1 is row 2, so a <row r="2"> after it is a repeat as well.
    const implied = await workbook('row-implied.xlsx', `<row>${text('A2', 'First')}</row><row r="2">${text('A2', 'Again')}</row>`);
    await expect(readAll(implied)).rejects.toMatchObject({ context: { row: 2 } });
  });

  test('cells and rows without r=, out of order, or an empty cell written over are read as before', async () => {
    const plain = await workbook(
      'plain.xlsx',
      `<row><c t="inlineStr"><is><t>A</t></is></c><c t="inlineStr"><is><t>R1</t></is></c></row>` +
        `<row r="4">${text('B4', 'R4')}${text('A4', 'D')}</row><row r="3"><c r="A3"/>${text('B3', 'R3')}${text('A3', 'C')}</row>`,
    );
    const { rows } = await readAll(plain);
    expect(rows).toEqual([
      { row: 2, cells: ['A', 'R1'] },
      { row: 4, cells: ['D', 'R4'] },
      { row: 3, cells: ['C', 'R3'] },
    ]);
  });
});
