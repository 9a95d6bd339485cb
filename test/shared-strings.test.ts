// The shared strings table: read back exactly across its buffers, and bounded (issue 17, item 7:
// a 0.5 MB xlsx whose strings unpacked to 500 MB peaked at 645 MB; bench/shared-strings.ts
// measures the peak, these check the refusal and the reading).
import path from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { CdbError } from '../src/errors.js';
import { SharedStrings } from '../src/readers/xlsx/shared-strings.js';
import { XLSX_LIMITS } from '../src/readers/xlsx-reader.js';
import { readAll, tempDir } from './helpers/files.js';
import { makeXlsx, sharedStringsXml, sheetXml } from './helpers/zip-writer.js';

const limits = { ...XLSX_LIMITS };
afterEach(() => {
  Object.assign(XLSX_LIMITS, limits);
});

describe('the table in memory', () => {
  test('strings of every size, empty ones among them, read back across many buffers', () => {
    const table = new SharedStrings();
    const texts = Array.from({ length: 20_000 }, (_, i) => (i % 7 === 0 ? '' : `${'åäö'.repeat(i % 50)}#${i}`));
    texts.push('x'.repeat(3 * 1048576), '', 'last');
    for (const text of texts) table.add(text);
    expect(table.count).toBe(texts.length);
    for (const i of [0, 1, 7, 6999, 14_000, 19_999, 20_000, 20_001, 20_002, 3, 19_998, 0]) expect(table.get(i)).toBe(texts[i]);
    expect(texts.every((text, i) => table.get(i) === text)).toBe(true);
    expect([table.get(-1), table.get(texts.length), table.get(1.5)]).toEqual([undefined, undefined, undefined]);
  });

  test('the announced count is room made once; a false one costs nothing', () => {
    const table = new SharedStrings({ bytes: 1e6, count: 100 });
    table.reserve(1e9);
    for (let i = 0; i < 100; i++) table.add(String(i));
    expect(table.get(99)).toBe('99');
    expect(() => table.add('one too many')).toThrow(/more than 100 strings/);
  });
});

describe('limits, through the reader', () => {
  const book = async (items: string[]) =>
    makeXlsx(path.join(await tempDir(), 'strings.xlsx'), {
      'xl/sharedStrings.xml': sharedStringsXml(items.map((t) => `<t>${t}</t>`)),
      'xl/worksheets/sheet1.xml': sheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'),
    });

  test('the documented limits: 128 MB of text, 8,388,608 strings', () => {
    expect([XLSX_LIMITS.sharedStringBytes, XLSX_LIMITS.sharedStringCount]).toEqual([128 * 1048576, 8 * 1048576]);
  });

  test('more text than the limit is refused, exit 2, before any row is read', async () => {
    const file = await book(['Title', 'a'.repeat(3000), 'b'.repeat(3000)]);
    XLSX_LIMITS.sharedStringBytes = 4096;
    const error = await readAll(file).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CdbError);
    expect((error as CdbError).message).toBe("The workbook is too large to read safely: the shared strings table holds more than 0 MB of text, this reader's limit for it.");
    XLSX_LIMITS.sharedStringBytes = limits.sharedStringBytes;
    expect((await readAll(file)).rows[0]?.cells).toEqual(['a'.repeat(3000)]);
  });

  test('more strings than the limit are refused', async () => {
    const file = await book(['Title', ...Array.from({ length: 50 }, (_, i) => `s${i}`)]);
    XLSX_LIMITS.sharedStringCount = 10;
    await expect(readAll(file)).rejects.toMatchObject({ code: 'INPUT', message: expect.stringContaining('more than 10 strings') });
  });
});
