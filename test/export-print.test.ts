// An exported workbook made to be read and printed: checked in the xlsx it writes (its XML, and
// read back by exceljs and our reader), not by printing it.
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import ExcelJS from 'exceljs';
import { createClient } from '../src/api/client.js';
import { isCdbError } from '../src/errors.js';
import { runExport, type ExportOptions } from '../src/export/run-export.js';
import { checkMapping, loadMapping } from '../src/mapping/load-mapping.js';
import { decodeEntities } from '../src/readers/xlsx/xml-scanner.js';
import { ZipPackage } from '../src/readers/xlsx/zip-package.js';
import type { Sandbox } from '../src/sandbox/server.js';
import { readAll, tempDir, TEMPLATES } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const MULTI_LINE = 'Rad ett: nyckel hos grannen.\nRad två: ring före.\nRad tre: parkering på baksidan.';
const LONG = 'Byt packning i blandaren i tvättstugan, kontrollera avloppet under diskbänken och provkör diskmaskinen efteråt.';

async function exportTo(s: Sandbox, name: string, extra: Partial<ExportOptions> = {}) {
  const out = path.join(await tempDir(), name);
  const { mapping } = await loadMapping();
  await runExport({ client: createClient({ baseUrl: s.url, apiKey: KEY }), mapping, output: out, stateDir: path.join(path.dirname(out), '.state'), ...extra });
  return out;
}

/** The parts of a workbook that hold its print setup. */
async function parts(file: string): Promise<{ sheet: string; workbook: string }> {
  const zip = await ZipPackage.open(file);
  try {
    return { sheet: (await zip.text('xl/worksheets/sheet1.xml', 1 << 24)) as string, workbook: (await zip.text('xl/workbook.xml', 1 << 20)) as string };
  } finally {
    zip.close();
  }
}

async function jobsWithText(): Promise<Sandbox> {
  const s = await sandbox({ generate: 20, seed: 4 });
  const api = createClient({ baseUrl: s.url, apiKey: KEY });
  await api.createJob({ title: 'Tre rader', description: MULTI_LINE });
  await api.createJob({ title: 'Lång text', description: LONG });
  await api.createJob({ title: 'Två\nrader' });
  return s;
}

describe('an exported xlsx, made to print', () => {
  test('landscape on A4, one page wide, the header row on every page, gridlines, page numbers; frozen header and autofilter as before', async () => {
    const out = await exportTo(await jobsWithText(), 'jobs.xlsx');
    const { sheet, workbook } = await parts(out);
    expect(sheet).toContain('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>');
    const pageSetup = /<pageSetup [^>]*\/>/.exec(sheet)?.[0];
    expect(pageSetup).toMatch(/ paperSize="9"/);
    expect(pageSetup).toMatch(/ orientation="landscape"/);
    expect(pageSetup).toMatch(/ fitToWidth="1"/);
    expect(pageSetup).toMatch(/ fitToHeight="0"/);
    expect(sheet).toContain('<printOptions gridLines="1"/>');
    // printOptions comes before pageMargins, as the schema orders them (Excel refuses otherwise)
    expect(sheet.indexOf('<printOptions')).toBeLessThan(sheet.indexOf('<pageMargins'));
    expect(decodeEntities(/<oddFooter>(.*?)<\/oddFooter>/.exec(sheet)?.[1] ?? '')).toBe('&L&A&R&P / &N');
    const titles = /<definedName name="_xlnm.Print_Titles" localSheetId="0">(.*?)<\/definedName>/.exec(workbook)?.[1];
    expect(decodeEntities(titles ?? '')).toBe("'Uppdrag'!$1:$1");
    expect(sheet).toMatch(/<pane [^>]*ySplit="1"[^>]*state="frozen"/);
    expect(sheet).toContain('<autoFilter ref="A1:P24"/>');

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const read = book.getWorksheet('Uppdrag') as ExcelJS.Worksheet;
    expect(read.pageSetup).toMatchObject({ orientation: 'landscape', fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' });
  });

  test('a named header font; columns at most 50 wide; multi-line cells and long text columns wrap, their rows tall enough', async () => {
    const out = await exportTo(await jobsWithText(), 'jobs.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const sheet = book.worksheets[0] as ExcelJS.Worksheet;
    const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const column = (name: string) => header.indexOf(name) + 1;
    const rowOf = (title: string) => (sheet.getColumn(column('Title')).values as unknown[]).indexOf(title);
    expect(sheet.getRow(1).getCell(1).font).toMatchObject({ name: 'Calibri', size: 11, bold: true });
    for (let i = 1; i <= header.length; i++) expect(sheet.getColumn(i).width ?? 9).toBeLessThanOrEqual(50); // none: the default width
    expect(sheet.getColumn(column('Description')).width).toBe(50);

    const three = sheet.getRow(rowOf('Tre rader'));
    expect(three.getCell(column('Description')).value).toBe(MULTI_LINE);
    expect(three.getCell(column('Description')).alignment).toMatchObject({ wrapText: true, vertical: 'top' });
    expect(three.height).toBeGreaterThanOrEqual(45);
    expect(three.getCell(column('Title')).alignment).toMatchObject({ vertical: 'top' }); // beside the first line
    const long = sheet.getRow(rowOf('Lång text'));
    expect(long.getCell(column('Description')).alignment?.wrapText).toBe(true); // the column wraps: its text is longer than 50
    expect(long.height).toBeGreaterThanOrEqual(30);
    // Title is a short column: only its cell with a line break wraps.
    const two = sheet.getRow(rowOf('Två\nrader'));
    expect(two.getCell(column('Title')).alignment?.wrapText).toBe(true);
    expect(sheet.getRow(rowOf('Lång text')).getCell(column('Title')).alignment?.wrapText).toBeFalsy();
    const plain = sheet.getRow(2);
    expect(plain.height ?? 15).toBeLessThanOrEqual(15);
  });

  test('an apostrophe in the sheet name is doubled in the print titles; a name Excel refuses is a usage error before any request', async () => {
    const s = await jobsWithText();
    const out = await exportTo(s, 'jobs.xlsx', { sheet: "Anna's jobb" });
    const { workbook } = await parts(out);
    expect(decodeEntities(/<definedName name="_xlnm.Print_Titles"[^>]*>(.*?)</.exec(workbook)?.[1] ?? '')).toBe("'Anna''s jobb'!$1:$1");
    expect((await readAll(out, { sheet: "Anna's jobb" })).rows).toHaveLength(23);

    const before = s.requests.length;
    let thrown: unknown;
    try {
      await exportTo(s, 'bad.xlsx', { sheet: 'Jobb 2026/27' });
    } catch (error) {
      thrown = error;
    }
    expect(isCdbError(thrown) && thrown.code).toBe('USAGE');
    expect((thrown as Error).message).toBe('The sheet name "Jobb 2026/27" contains "/", which Excel does not allow in a sheet name (nor any of \\ / ? * [ ] :).');
    expect(s.requests.length).toBe(before);
  });
});

describe('the sheet follows the mapping', () => {
  test('Uppdrag under sv-SE (the default mapping, and the Swedish template), Jobs under en-GB, the mapping\'s own sheet when it names one; Letter under en-US', async () => {
    const s = await sandbox({ generate: 2 });
    const client = createClient({ baseUrl: s.url, apiKey: KEY });
    const dir = await tempDir();
    const sheetOf = async (yaml: string) => {
      const { mapping } = await checkMapping((await import('yaml')).parse(yaml), 'test.mapping.yaml');
      const out = path.join(dir, `${Math.random().toString(36).slice(2)}.xlsx`);
      await runExport({ client, mapping, output: out, stateDir: path.join(dir, 'state') });
      const { detected } = await readAll(out);
      const { sheet } = await parts(out);
      return { name: detected.sheet, paper: /paperSize="(\d+)"/.exec(sheet)?.[1] };
    };
    const columns = 'columns:\n  - column: Title\n    field: title\n';
    expect(await sheetOf(`resource: job\nlocale: sv-SE\n${columns}`)).toEqual({ name: 'Uppdrag', paper: '9' });
    expect(await sheetOf(`resource: job\nlocale: en-GB\n${columns}`)).toEqual({ name: 'Jobs', paper: '9' });
    expect(await sheetOf(`resource: job\nlocale: en-US\n${columns}`)).toEqual({ name: 'Jobs', paper: '1' });
    expect(await sheetOf(`resource: job\nlocale: sv-SE\nsheet: Ordrar\n${columns}`)).toEqual({ name: 'Ordrar', paper: '9' });
    expect(await sheetOf(`resource: job\nlocale: nb-NO\nsheet: 2\n${columns}`)).toEqual({ name: 'Oppdrag', paper: '9' });
    const sv = await loadMapping(path.join(TEMPLATES, 'jobs.sv.mapping.yaml'));
    expect(sv.mapping.sheet).toBeUndefined(); // an import reads any sheet
  });
});
