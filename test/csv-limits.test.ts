import { execFile } from 'node:child_process';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { renderError } from '../src/cli/render-error.js';
import { CdbError } from '../src/errors.js';
import { checkFile } from '../src/import/check-file.js';
import { DEFAULT_MAPPING, loadMapping } from '../src/mapping/load-mapping.js';
import { CSV_LIMITS } from '../src/readers/csv-reader.js';
import { PACKAGE_ROOT } from '../src/tool-version.js';
import { readAll, tempDir } from './helpers/files.js';

/** A csv whose row 3 is one field of `bytes` bytes (written in chunks: no 40 MB string here). */
async function fileWithLongRow(bytes: number, quoted: boolean): Promise<string> {
  const file = path.join(await tempDir(), 'long-row.csv');
  const handle = await open(file, 'w');
  try {
    await handle.write('Title;Customer\nShort;Acme\n');
    if (quoted) await handle.write('"');
    const chunk = Buffer.alloc(1048576, 'x');
    for (let written = 0; written < bytes; written += chunk.length) await handle.write(chunk);
    await handle.write(quoted ? '";Acme\nAfter;Acme\n' : ';Acme\nAfter;Acme\n');
  } finally {
    await handle.close();
  }
  return file;
}

/**
 * Reads a file with the built reader in a plain node process: csv-parse's character loop runs
 * some twenty times slower inside jest's module sandbox (25 s against 1.3 s for 40 MB), and the
 * test is about the limit, not about jest.
 */
async function readInChild(file: string): Promise<{ error?: { code: string; message: string; context: unknown; exitCode: number }; grewBytes: number }> {
  const script = `
    const { openSpreadsheet } = await import(${JSON.stringify(pathToFileURL(path.join(PACKAGE_ROOT, 'dist', 'src', 'readers', 'spreadsheet.js')).href)});
    const { renderError } = await import(${JSON.stringify(pathToFileURL(path.join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'render-error.js')).href)});
    const before = process.memoryUsage().rss;
    let error;
    try {
      const sheet = await openSpreadsheet(process.argv[1]);
      for await (const row of sheet.rows) void row;
    } catch (caught) {
      error = { code: caught.code, message: caught.message, context: caught.context, exitCode: renderError(caught).exitCode };
    }
    console.log(JSON.stringify({ error, grewBytes: process.memoryUsage().rss - before }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, file]);
  return JSON.parse(stdout) as Awaited<ReturnType<typeof readInChild>>;
}

describe('csv limits', () => {
  test.each([false, true])('a 40 MB row (quoted: %s) stops the file with the limit and the row, exit 2', async (quoted) => {
    const file = await fileWithLongRow(40 * 1048576, quoted);
    const { error, grewBytes } = await readInChild(file);
    expect(error).toEqual({ code: 'INPUT', message: "This row is longer than 32 MB, this tool's limit for one csv row.", context: { file, row: 3 }, exitCode: 2 });
    // The record is cut off at the limit: well under a few copies of it.
    expect(grewBytes).toBeLessThan(8 * CSV_LIMITS.record);
    await rm(path.dirname(file), { recursive: true });
  });
});

describe('a header wider than Excel allows (issue 17, item 7)', () => {
  test('3.5 million columns (30 MB, under the row limit) are refused as the header is read, exit 2', async () => {
    const file = path.join(await tempDir(), 'wide.csv');
    const handle = await open(file, 'w');
    const chunk = 'Col;'.repeat(262_144); // 1 MB
    for (let written = 0; written < 30; written++) await handle.write(chunk);
    await handle.write('Last\nJob;2026-03-01\n');
    await handle.close();
    const before = process.memoryUsage().rss;
    const error = await readAll(file).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(CdbError);
    expect((error as CdbError).message).toBe('This row has more than 16,384 fields, more columns than Excel allows: it cannot be a header of jobs.');
    expect((error as CdbError).context).toEqual({ file, row: 1 });
    expect(renderError(error as CdbError).exitCode).toBe(2);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1048576);
    await rm(path.dirname(file), { recursive: true });
  });

  test('16,384 columns are read; quoted delimiters and a sep= line are not counted as columns', async () => {
    const dir = await tempDir();
    const widest = path.join(dir, 'widest.csv');
    await writeFile(widest, `${Array.from({ length: 16_384 }, (_, i) => `C${i}`).join(',')}\n${'x,'.repeat(16_383)}x\n`);
    expect((await readAll(widest)).header).toHaveLength(16_384);
    const quoted = path.join(dir, 'quoted.csv');
    await writeFile(quoted, `sep=;\n"${';'.repeat(20_000)}";"a ""quoted"" ;; name"\nx;y\n`);
    const { header, rows } = await readAll(quoted);
    expect(header).toEqual([';'.repeat(20_000), 'a "quoted" ;; name']);
    expect(rows).toEqual([{ row: 2, cells: ['x', 'y'] }]);
    const below = path.join(dir, 'below.csv');
    await writeFile(below, `Title\n${'x;'.repeat(20_000)}\n`);
    await expect(readAll(below, { headerRow: 2, delimiter: ';' })).rejects.toMatchObject({ context: { row: 2 } });
  });
});

describe('NUL bytes and UTF-16 without a BOM (issue 17, item 8)', () => {
  test('a NUL byte in a cell is a problem on that cell, row and column named; the row is not sent', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'nul.csv');
    await writeFile(file, 'Title;Description\nByte av filter;ok\nService;bad\0byte\n');
    const { mapping } = await loadMapping(DEFAULT_MAPPING);
    const plan = (await checkFile({ file, mapping, errorsFile: path.join(dir, 'nul.errors.csv') })).check;
    expect(plan).toMatchObject({ rows: 2, valid: 1, invalid: 1 });
    expect(plan.issues).toEqual([{ row: 3, column: 'Description', field: 'description', message: expect.stringContaining('NUL character (byte 0)') }]);
    // The errors file keeps the rest of the cell, to fix it there.
    expect((await readFile(path.join(dir, 'nul.errors.csv'), 'utf8')).split(/\r?\n/)[1]).toMatch(/^Service;badbyte;/);
  });

  test.each(['utf-16le', 'utf-16be'] as const)('%s without a BOM is recognised and read', async (encoding) => {
    const file = path.join(await tempDir(), 'unicode.txt');
    const text = 'Title\tPlats\nRensning av avlopp\tÖstra Ågatan 3, Västerås\n';
    const bytes = Buffer.from(text, 'utf16le');
    await writeFile(file, encoding === 'utf-16be' ? bytes.swap16() : bytes);
    const { header, detected, rows } = await readAll(file);
    expect(detected).toMatchObject({ encoding, delimiter: '\t', bom: false });
    expect(header).toEqual(['Title', 'Plats']);
    expect(rows).toEqual([{ row: 2, cells: ['Rensning av avlopp', 'Östra Ågatan 3, Västerås'] }]);
  });

  test('a header holding NUL bytes names the likely encoding instead of printing them', async () => {
    const file = path.join(await tempDir(), 'nul-header.csv');
    await writeFile(file, 'Ti\0tle;Start\nJob;2026-03-01\n');
    const error = await readAll(file).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(CdbError);
    expect((error as CdbError).message).toBe('The header holds a NUL character (byte 0) in column A: the file is not utf-8 text.');
    expect((error as CdbError).hint).toMatch(/--encoding utf-16le/);
  });
});
