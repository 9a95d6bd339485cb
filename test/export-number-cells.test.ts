import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { describe, expect, test } from '@jest/globals';
import ExcelJS from 'exceljs';
import { createClient } from '../src/api/client.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

describe('export: a JSON number is a number cell', () => {
  test('--all-fields --details: custom field numbers are number cells in xlsx, numbers in csv; text stays text', async () => {
    const s = await sandbox();
    await createClient({ baseUrl: s.url, apiKey: KEY }).createJob({
      title: 'Service',
      referenceNo: '00123',
      customFields: { kostnadsstalle: 18524, timpris: 612.5, avtal: 'Fastpris', kod: '0042' },
    });
    const dir = await tempDir();
    const env = { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: dir };
    const xlsx = path.join(dir, 'all.xlsx');
    const run = await cli(['export', xlsx, '--all-fields', '--details'], env);
    expect(run.code).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsx);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const cell = (name: string) => sheet.getCell(2, header.indexOf(name) + 1);
    expect(cell('customFields.kostnadsstalle').value).toBe(18524);
    expect(cell('customFields.kostnadsstalle').type).toBe(ExcelJS.ValueType.Number);
    expect(cell('customFields.kostnadsstalle').numFmt).not.toBe('@');
    expect(cell('customFields.timpris').value).toBe(612.5);
    expect(cell('customFields.avtal').value).toBe('Fastpris');
    expect(cell('customFields.kod').value).toBe('0042');

    // The default mapping is sv-SE: a decimal comma in csv, as Excel there reads numbers.
    const csv = path.join(dir, 'all.csv');
    expect((await cli(['export', csv, '--all-fields', '--details'], env)).code).toBe(0);
    const [head, row] = (await readFile(csv, 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((line) => line.split(';'));
    const at = (name: string) => row?.[head?.indexOf(name) ?? -1];
    expect(at('customFields.kostnadsstalle')).toBe('18524');
    expect(at('customFields.timpris')).toBe('612,5');
  });
});
