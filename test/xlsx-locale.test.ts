// Excel's built-in formats as Excel in the mapping's locale shows them (issue 19, item 2): the
// README's table, locale by locale. Patterns written in the file are shown as written everywhere.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { checkFile } from '../src/import/check-file.js';
import { checkMapping } from '../src/mapping/load-mapping.js';
import { cellText } from '../src/readers/cell.js';
import { PACKAGE_ROOT } from '../src/tool-version.js';
import { readAll, tempDir } from './helpers/files.js';
import { makeXlsx, sheetXml, stylesXml } from './helpers/zip-writer.js';

const NBSP = '\u00a0';
/** 2026-03-01 08:00, and an elapsed 1:02:03.4. */
const DATE = 46082 + 8 / 24;
const ELAPSED = 3723.4 / 86_400;

/** The cells of the sheet: built-in ids (no numFmt), then patterns written in the file. */
const CELLS: { value: number; id?: number; code?: string }[] = [
  { value: DATE, id: 14 },
  { value: DATE, id: 15 },
  { value: DATE, id: 16 },
  { value: DATE, id: 17 },
  { value: DATE, id: 22 },
  { value: ELAPSED, id: 45 },
  { value: ELAPSED, id: 46 },
  { value: ELAPSED, id: 47 },
  { value: DATE, code: '[$-F800]dddd, mmmm dd, yyyy' },
  { value: DATE, code: '[$-F400]h:mm:ss AM/PM' },
  { value: 1234.5, id: 4 },
  { value: 1234.5 },
  { value: DATE, code: 'yyyy-mm-dd hh:mm' },
  { value: DATE, code: 'd/m/yyyy' },
];

/** What each locale shows for CELLS (the README's table, then the written patterns, alike in all). */
const SHOWN: Record<string, string[]> = {
  'sv-SE': ['2026-03-01', '01-mar-26', '01-mar', 'mar-26', '2026-03-01 08:00', '02:03', '1:02:03', '02:03,4', 'den 1 mars 2026', '08:00:00', `1${NBSP}234,50`, '1234,5'],
  'en-US': ['3/1/2026', '1-Mar-26', '1-Mar', 'Mar-26', '3/1/2026 8:00', '02:03', '1:02:03', '02:03.4', 'Sunday, March 1, 2026', '8:00:00 AM', '1,234.50', '1234.5'],
  'en-GB': ['01/03/2026', '01-Mar-26', '01-Mar', 'Mar-26', '01/03/2026 08:00', '02:03', '1:02:03', '02:03.4', '01 March 2026', '08:00:00', '1,234.50', '1234.5'],
  'de-DE': ['01.03.2026', '01. Mrz 26', '01. Mrz', 'Mrz 26', '01.03.2026 08:00', '02:03', '1:02:03', '02:03,4', 'Sonntag, 1. März 2026', '08:00:00', '1.234,50', '1234,5'],
  'nb-NO': ['01.03.2026', '01.mar.26', '01.mar', 'mar.26', '01.03.2026 08:00', '02:03', '1:02:03', '02:03,4', 'søndag 1. mars 2026', '08:00:00', `1${NBSP}234,50`, '1234,5'],
  'da-DK': ['01-03-2026', '01-mar-26', '01-mar', 'mar-26', '01-03-2026 08:00', '02:03', '1:02:03', '02:03,4', '1. marts 2026', '08:00:00', '1.234,50', '1234,5'],
  'fi-FI': ['1.3.2026', '1.maalis.26', '1.maalis', 'maalis.26', '1.3.2026 8:00', '02:03', '1:02:03', '02:03,4', 'sunnuntai 1. maaliskuu 2026', '8.00.00', `1${NBSP}234,50`, '1234,5'],
};
const WRITTEN = ['2026-03-01 08:00', '1/3/2026'];

let file: string;
beforeAll(async () => {
  const custom: Record<number, string> = {};
  const ids = CELLS.map((cell, i) => {
    if (cell.code === undefined) return cell.id ?? 0;
    custom[164 + i] = cell.code;
    return 164 + i;
  });
  const letter = (i: number) => String.fromCharCode(65 + i);
  const header = `<row r="1">${CELLS.map((_, i) => `<c r="${letter(i)}1" t="inlineStr"><is><t>C${i}</t></is></c>`).join('')}</row>`;
  const values = `<row r="2">${CELLS.map((cell, i) => `<c r="${letter(i)}2" s="${i + 1}"><v>${cell.value}</v></c>`).join('')}</row>`;
  file = await makeXlsx(path.join(await tempDir(), 'locales.xlsx'), { 'xl/styles.xml': stylesXml(custom, ids), 'xl/worksheets/sheet1.xml': sheetXml(header + values) });
});

describe('built-in formats follow the locale; written patterns do not', () => {
  test.each(Object.keys(SHOWN))('%s', async (locale) => {
    const { rows } = await readAll(file, { locale });
    expect(rows[0]?.cells.map(cellText)).toEqual([...(SHOWN[locale] as string[]), ...WRITTEN]);
  });

  test('without a locale the reader shows US English, as before', async () => {
    const { rows } = await readAll(file);
    expect(rows[0]?.cells.map(cellText)).toEqual([...(SHOWN['en-US'] as string[]), ...WRITTEN]);
  });

  test("the README's table is what the reader shows", async () => {
    const readme = await readFile(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const table = Object.fromEntries(
      [...readme.matchAll(/^ {2}\| ([a-z]{2}-[A-Z]{2}) \| (.*) \|$/gm)].map((m): [string, string[]] => [m[1] as string, (m[2] as string).split(' | ').map((cell) => cell.replace(/^`|`$/g, ''))]),
    );
    expect(table).toEqual(SHOWN);
  });

  test('a locale numfmt does not know gets its separators from Intl', async () => {
    const { rows } = await readAll(file, { locale: 'et-EE' });
    expect(rows[0]?.cells.map(cellText)[10]).toBe(`1${NBSP}234,50`);
  });
});

describe('through the mapping', () => {
  test("a Swedish clerk's date column imported into a text field reads as her Excel shows it", async () => {
    const dir = await tempDir();
    const payloadsFile = path.join(dir, 'payloads.jsonl');
    const mapping = async (locale: string) =>
      (await checkMapping({ locale, timezone: 'Europe/Stockholm', columns: [{ column: 'C0', field: 'title' }, { column: 'C4', field: 'description' }, { column: 'C10', field: 'customerName' }] }, 'test')).mapping;
    const titles: unknown[] = [];
    for (const locale of ['sv-SE', 'en-US']) {
      await checkFile({ file, mapping: await mapping(locale), payloadsFile, errorsFile: path.join(dir, 'errors.csv') });
      titles.push(JSON.parse((await readFile(payloadsFile, 'utf8')).trim()));
    }
    expect(titles).toEqual([
      { row: 2, job: { title: '2026-03-01', description: '2026-03-01 08:00', customerName: `1${NBSP}234,50` } },
      { row: 2, job: { title: '3/1/2026', description: '3/1/2026 8:00', customerName: '1,234.50' } },
    ]);
  });
});
