import { writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { CdbError } from '../src/errors.js';
import { cellText } from '../src/readers/cell.js';
import { openSpreadsheet } from '../src/readers/spreadsheet.js';
import { readAll, tempDir } from './helpers/files.js';
import { makeXlsx, sheetXml, stylesXml, zipArchive } from './helpers/zip-writer.js';

// What a tester found reading hostile and odd files: each is one clear problem, or read right.

let dir: string;
let count = 0;
beforeAll(async () => {
  dir = await tempDir();
});

const xlsx = (parts: Record<string, string | null>) => makeXlsx(path.join(dir, `h-${++count}.xlsx`), parts);
const str = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const header = `<row r="1">${str('A1', 'Title')}${str('B1', 'Value')}</row>`;

async function failure(promise: Promise<unknown>): Promise<CdbError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CdbError);
  return error as CdbError;
}

describe('odd cells are problems on the cell, never a guess', () => {
  test('TRUE/FALSE cells holding something else, numbers written as 0x10 or Infinity, a shared-string index of 1.5', async () => {
    const file = await xlsx({
      'xl/sharedStrings.xml': `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>zero</t></si><si><t>one</t></si></sst>`,
      'xl/worksheets/sheet1.xml': sheetXml(
        `${header}<row r="2">${str('A2', 'a')}<c r="B2" t="b"><v>2</v></c></row>` +
          `<row r="3">${str('A3', 'b')}<c r="B3"><v>0x10</v></c></row>` +
          `<row r="4">${str('A4', 'c')}<c r="B4" t="s"><v>1.5</v></c></row>` +
          `<row r="5">${str('A5', 'd')}<c r="B5" t="b"><v>0</v></c></row>`,
      ),
    });
    const { rows } = await readAll(file);
    expect(rows.map((r) => r.cells[1])).toEqual([
      { kind: 'unreadable', reason: expect.stringContaining('TRUE/FALSE') },
      { kind: 'unreadable', reason: expect.stringContaining('0x10') },
      { kind: 'unreadable', reason: expect.stringContaining('shared string 1.5') },
      false,
    ]);
  });

  test('built-in format 47 shows mm:ss.0', async () => {
    const file = await xlsx({ 'xl/styles.xml': stylesXml({}, [47]), 'xl/worksheets/sheet1.xml': sheetXml(`${header}<row r="2">${str('A2', 'a')}<c r="B2" s="1"><v>0.000123</v></c></row>`) });
    const { rows } = await readAll(file);
    expect(cellText(rows[0]?.cells[1])).toBe('00:10.6');
  });
});

describe('damaged and hostile packages', () => {
  test('a sheet cut short (no closing tags) is refused, not read without its last row', async () => {
    const file = await xlsx({ 'xl/worksheets/sheet1.xml': `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${header}<row r="2">${str('A2', 'Job 2')}</row><row r="3">${str('A3', 'Job 3')}` });
    const error = await failure(readAll(file));
    expect(error.message).toMatch(/ends before the sheet is complete/);
  });

  test('rows numbered 1e9, 0x10 or past Excel\'s last row are refused', async () => {
    for (const r of ['1e9', '0x10', '2000000']) {
      const file = await xlsx({ 'xl/worksheets/sheet1.xml': sheetXml(`${header}<row r="${r}">${str('A2', 'x')}</row>`) });
      const error = await failure(readAll(file));
      expect(error.message).toMatch(/row/);
    }
  });

  test('two parts with the same name (or the same but for case) make the package ambiguous: refused', async () => {
    const good = await xlsx({ 'xl/worksheets/sheet1.xml': sheetXml(`${header}<row r="2">${str('A2', 'GOOD')}</row>`) });
    // Rebuild the same workbook with a second sheet part whose name differs only in case.
    const yauzl = (await import('yauzl')).default;
    const entries: { name: string; data: Buffer }[] = await new Promise((resolve, reject) => {
      const out: { name: string; data: Buffer }[] = [];
      yauzl.open(good, { lazyEntries: true }, (error, zip) => {
        if (error) return reject(error);
        zip.on('entry', (entry: import('yauzl').Entry) => {
          zip.openReadStream(entry, (e, stream) => {
            if (e) return reject(e);
            const chunks: Buffer[] = [];
            stream.on('data', (c: Buffer) => chunks.push(c));
            stream.on('end', () => {
              out.push({ name: entry.fileName, data: Buffer.concat(chunks) });
              zip.readEntry();
            });
          });
        });
        zip.on('end', () => resolve(out));
        zip.readEntry();
      });
    });
    const evil = Buffer.from(sheetXml(`${header}<row r="2">${str('A2', 'EVIL')}</row>`));
    const file = path.join(dir, 'dup.xlsx');
    await writeFile(file, zipArchive([...entries, { name: 'XL/worksheets/Sheet1.xml', data: evil }]));
    const error = await failure(readAll(file));
    expect(error.message).toMatch(/two parts named/);
  });

  test('a cell at the last column (XFD) in every row is not kept: one warning, rows stay small', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `<row r="${i + 2}">${str(`A${i + 2}`, `Job ${i}`)}<c r="XFD${i + 2}"><v>1</v></c></row>`).join('');
    const file = await xlsx({ 'xl/worksheets/sheet1.xml': sheetXml(`${header}${rows}`) });
    const read = await readAll(file);
    expect(read.rows).toHaveLength(2000);
    expect(Math.max(...read.rows.map((r) => r.cells.length))).toBeLessThanOrEqual(2);
    expect(read.warnings).toEqual([expect.stringMatching(/^Column XFD has no header in row 1, so their 2000 values/)]);
  });
});

describe('files that are not files', () => {
  test('a named pipe is refused at once instead of hanging', async () => {
    const fifo = path.join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const error = await failure(openSpreadsheet(fifo));
    expect(error.message).toMatch(/not a regular file/);
  });
});

describe('dates', () => {
  test('a year before 1000 (0050-06-01, a typing slip) is a problem, not 1950', async () => {
    const { convertCell } = await import('../src/mapping/convert-cell.js');
    const { localeRules } = await import('../src/mapping/locale.js');
    const spec = { field: 'startTime', column: 'Start', aliases: [], required: false, trim: true, readOnly: false, type: 'datetime' as const };
    const converted = convertCell('0050-06-01 10:00', spec, { locale: localeRules('sv-SE'), timezone: 'Europe/Stockholm' });
    expect(converted).toEqual({ problem: expect.stringContaining('expected a date') });
  });
});

describe('csv', () => {
  test('lines that mix CR LF, LF and CR stay separate rows', async () => {
    const file = path.join(dir, 'mixed.csv');
    await writeFile(file, 'Title;Value\r\nAlpha;1\nBeta;2\r\nGamma;3\rDelta;4\n');
    const { rows } = await readAll(file);
    expect(rows.map((r) => r.cells[0])).toEqual(['Alpha', 'Beta', 'Gamma', 'Delta']);
  });
});

