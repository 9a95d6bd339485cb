// `template`: each column one validation, read from the written xlsx's XML; a mapped or enum
// column a drop-down of its words, a boolean one the locale's words.
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import ExcelJS from 'exceljs';
import { parse } from 'yaml';
import { checkMapping, loadMapping } from '../src/mapping/load-mapping.js';
import { decodeEntities } from '../src/readers/xlsx/xml-scanner.js';
import { ZipPackage } from '../src/readers/xlsx/zip-package.js';
import { writeTemplate } from '../src/template/write-template.js';
import { readAll, tempDir, TEMPLATES } from './helpers/files.js';

const CATEGORIES = Array.from({ length: 30 }, (_, i) => `Kategori nummer ${i + 1}, med komma`);

const SWEDISH = `
resource: job
locale: sv-SE
columns:
  - { column: Titel, field: title, required: true }
  - { column: Prioritet, field: priority, type: integer, map: { Hög: 1, Normal: 2, Låg: 3 } }
  - { column: Avtal, field: customFields.avtal, type: enum, values: [Serviceavtal, Löpande, Fastpris] }
  - { column: Heldag, field: allDay, type: boolean }
  - { column: Tid (min), field: duration, type: integer }
  - { column: Start, field: startTime, type: datetime }
  - { column: Kategori, field: customFields.kategori, type: enum, values: [${CATEGORIES.map((c) => JSON.stringify(c)).join(', ')}] }
  - { column: Status, field: state }
`;

interface Validation {
  type: string;
  sqref: string;
  formula: string;
}

/** The validations of the first sheet, and the workbook's sheets, as written. */
async function written(file: string): Promise<{ validations: Validation[]; workbook: string }> {
  const zip = await ZipPackage.open(file);
  try {
    const sheet = (await zip.text('xl/worksheets/sheet1.xml', 1 << 24)) as string;
    const validations = [...sheet.matchAll(/<dataValidation ([^>]*)>(.*?)<\/dataValidation>/g)].map((m) => ({
      type: /type="(\w+)"/.exec(m[1] as string)?.[1] ?? '',
      sqref: /sqref="([^"]+)"/.exec(m[1] as string)?.[1] ?? '',
      formula: decodeEntities(/<formula1>(.*?)<\/formula1>/.exec(m[2] as string)?.[1] ?? ''),
    }));
    return { validations, workbook: (await zip.text('xl/workbook.xml', 1 << 20)) as string };
  } finally {
    zip.close();
  }
}

async function templateOf(yaml: string): Promise<string> {
  const { mapping } = await checkMapping(parse(yaml), 'test.mapping.yaml');
  const file = path.join(await tempDir(), 'mall.xlsx');
  await writeTemplate(file, mapping, 50);
  return file;
}

describe('template', () => {
  test('one validation per column: the words of a map or an enum, Ja/Nej under sv-SE, a whole number only where no words are', async () => {
    const file = await templateOf(SWEDISH);
    const { validations, workbook } = await written(file);
    const byColumn = new Map(validations.map((v) => [v.sqref.replace(/\d.*$/, ''), v]));
    expect(validations.map((v) => v.sqref)).toEqual(['B2:B51', 'C2:C51', 'D2:D51', 'E2:E51', 'F2:F51', 'G2:G51']); // each column once; the title none
    expect(byColumn.get('B')).toMatchObject({ type: 'list', formula: '"Hög,Normal,Låg"' }); // Prioritet: its words, not "a whole number"
    expect(byColumn.get('C')).toMatchObject({ type: 'list', formula: '"Serviceavtal,Löpande,Fastpris"' });
    expect(byColumn.get('D')).toMatchObject({ type: 'list', formula: '"Ja,Nej"' });
    expect(byColumn.get('E')).toMatchObject({ type: 'whole', formula: '0' });
    expect(byColumn.get('F')).toMatchObject({ type: 'date' });
    // Words with commas, or too many for Excel's 255 characters inline: a range on a hidden sheet.
    expect(byColumn.get('G')).toMatchObject({ type: 'list', formula: 'Lists!$A$1:$A$30' });
    expect(workbook).toMatch(/<sheet sheetId="\d+" name="Lists" state="hidden"/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    expect(book.getWorksheet('Lists')?.getCell('A30').value).toBe(CATEGORIES[29]);
    const sheet = book.worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.name).toBe('Uppdrag');
    expect(sheet.getCell('B1').note).toContain('Choose: Hög, Normal, Låg');
    expect(sheet.getCell('A1').font).toMatchObject({ name: 'Calibri', bold: true });
    // The server-set State is not in an import workbook; the workbook reads back as a blank import.
    expect((await readAll(file)).header).toEqual(['Titel', 'Prioritet', 'Avtal', 'Heldag', 'Tid (min)', 'Start', 'Kategori']);
  });

  test('a boolean column under en-GB offers Yes/No; one with a map offers the map\'s words', async () => {
    const file = await templateOf(`
resource: job
locale: en-GB
columns:
  - { column: All day, field: allDay, type: boolean }
  - { column: Urgent, field: customFields.urgent, type: boolean, map: { Urgent: true, Later: false } }
`);
    const { validations } = await written(file);
    expect(validations.map((v) => [v.sqref, v.formula])).toEqual([['A2:A51', '"Yes,No"'], ['B2:B51', '"Urgent,Later"']]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    expect(book.worksheets[0]?.name).toBe('Jobs');
  });

  test('the default and the Swedish mapping templates: one validation per column, Heldag Ja/Nej from its map', async () => {
    for (const [name, allDay] of [['jobs.mapping.yaml', 'H'], ['jobs.sv.mapping.yaml', 'H']] as const) {
      const { mapping } = await loadMapping(path.join(TEMPLATES, name));
      const file = path.join(await tempDir(), 'mall.xlsx');
      await writeTemplate(file, mapping);
      const { validations } = await written(file);
      const columns = validations.map((v) => v.sqref.replace(/\d.*$/, ''));
      expect(new Set(columns).size).toBe(columns.length);
      expect(validations.find((v) => v.sqref.startsWith(allDay))).toMatchObject({ type: 'list', formula: '"Ja,Nej"' });
    }
  });

  test('a field read from several columns gets those columns: a date and a time of day, the parts a template joins', async () => {
    const file = await templateOf(`
locale: sv-SE
columns:
  - { column: Titel, field: title }
  - { column: [Startdatum, Starttid], field: startTime }
  - { field: 'destinations[0].location.placeName', template: '{Adress}, {Postnr} {Ort}' }
`);
    const { header } = await readAll(file);
    expect(header).toEqual(['Titel', 'Startdatum', 'Starttid', 'Adress', 'Postnr', 'Ort']);
    const { validations } = await written(file);
    expect(validations.map((v) => [v.sqref.replace(/\d.*$/, ''), v.type])).toEqual([['B', 'date'], ['C', 'decimal']]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    expect(book.worksheets[0]?.getCell('C2').numFmt).toBe('hh:mm');
  });
});
