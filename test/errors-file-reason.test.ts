// An errors file this tool wrote, fixed and imported again as the README says: its own Reason
// column is expected there, and is no "column the mapping reads nothing of".
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import ExcelJS from 'exceljs';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { makeXlsx, sheetXml } from './helpers/zip-writer.js';

const MAPPING = 'timezone: Europe/Stockholm\ncolumns:\n  - column: Title\n    field: title\n  - column: Duration\n    field: duration\n    type: integer\n';

describe("an errors file's own Reason column (issue 17, item 8)", () => {
  test('csv: fixed and imported with the mapping, no warning for Reason; another unmapped column still warns', async () => {
    const dir = await tempDir();
    const mapping = path.join(dir, 'some.mapping.yaml');
    await writeFile(mapping, MAPPING);
    const input = path.join(dir, 'bad.csv');
    await writeFile(input, 'Title;Duration;Note\r\nFirst;abc;x\r\nSecond;30;y\r\n');
    expect((await cli(['import', input, '-m', mapping, '--dry-run', '--offline'])).code).toBe(2);
    const errorsFile = path.join(dir, 'bad.errors.csv');
    const written = await readFile(errorsFile, 'utf8');
    expect(written.replace(/^\ufeff/, '').split('\r\n')[0]).toBe('Title;Duration;Note;Reason');
    await writeFile(errorsFile, written.replace('First;abc;', 'First;45;'));

    const again = await cli(['import', errorsFile, '-m', mapping, '--dry-run', '--offline', '--json']);
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout) as { warnings: { kind: string; columns?: string[] }[] };
    expect(summary.warnings).toEqual([expect.objectContaining({ kind: 'unread-columns', columns: ['Note'] })]);
    const human = await cli(['import', errorsFile, '-m', mapping, '--dry-run', '--offline']);
    expect(human.stdout + human.stderr).toContain('Warning: The mapping reads no column named "Note"');
    expect(human.stdout + human.stderr).not.toContain('"Reason"');
  });

  test('xlsx: the errors workbook of an xlsx input, imported again, raises no warning for its Reason column', async () => {
    const dir = await tempDir();
    const mapping = path.join(dir, 'some.mapping.yaml');
    await writeFile(mapping, MAPPING);
    const text = (ref: string, value: string) => `<c r="${ref}" t="inlineStr"><is><t>${value}</t></is></c>`;
    const input = await makeXlsx(path.join(dir, 'bad.xlsx'), {
      'xl/worksheets/sheet1.xml': sheetXml(`<row r="1">${text('A1', 'Title')}${text('B1', 'Duration')}</row><row r="2">${text('A2', 'First')}${text('B2', 'abc')}</row>`),
    });
    expect((await cli(['import', input, '-m', mapping, '--dry-run', '--offline'])).code).toBe(2);
    const errorsFile = path.join(dir, 'bad.errors.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(errorsFile);
    const sheet = book.worksheets[0];
    expect(sheet?.getRow(1).values).toEqual([undefined, 'Title', 'Duration', 'Reason']);
    sheet!.getCell('B2').value = 45;
    await book.xlsx.writeFile(errorsFile);

    const again = await cli(['import', errorsFile, '-m', mapping, '--dry-run', '--offline', '--json']);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as { warnings: unknown[] }).warnings).toEqual([]);
  });

  test('a column named Reason that is not the last is the input\'s own, and warns as any other', async () => {
    const dir = await tempDir();
    const mapping = path.join(dir, 'some.mapping.yaml');
    await writeFile(mapping, MAPPING);
    const input = path.join(dir, 'own.csv');
    await writeFile(input, 'Title;Reason;Duration\r\nFirst;broken pipe;30\r\n');
    const run = await cli(['import', input, '-m', mapping, '--dry-run', '--offline', '--json']);
    expect((JSON.parse(run.stdout) as { warnings: unknown[] }).warnings).toEqual([expect.objectContaining({ kind: 'unread-columns', columns: ['Reason'] })]);
  });
});
