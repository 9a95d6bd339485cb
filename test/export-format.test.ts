// Export refuses a name it cannot write (.xls, .ods, .pdf, none) before any request, exit 2;
// --format writes its format under any name; .tsv and .txt are tab-separated csv.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { isCdbError } from '../src/errors.js';
import { exportFormat, exportFormatProblem } from '../src/export/export-format.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

describe('the formats export writes', () => {
  test.each([
    ['jobb.xls', /"jobb.xls" is an Excel 97–2003 workbook \(.xls\), which export does not write; it writes .xlsx and .csv/],
    ['x.ods', /"x.ods" is an OpenDocument spreadsheet \(.ods\)/],
    ['bad.pdf', /"bad.pdf" is a PDF \(.pdf\)/],
    ['jobs.backup', /"jobs.backup" ends in .backup, which export does not write/],
    ['noext', /"noext" has no extension to say which format to write; export writes .xlsx and .csv/],
  ])('%s is refused, saying what it writes', (name, message) => {
    expect(exportFormatProblem(name)).toMatch(message);
    let thrown: unknown;
    try {
      exportFormat(path.join('out', name));
    } catch (error) {
      thrown = error;
    }
    expect(isCdbError(thrown) && thrown.code).toBe('USAGE');
    expect((thrown as Error).message).toMatch(message);
    expect(isCdbError(thrown) && thrown.hint).toMatch(/--format xlsx \(or csv\)/);
  });

  test('.xlsx and .csv by their extension (any case), .tsv and .txt as csv; --format wins over any name', () => {
    expect(exportFormat('a.XLSX')).toBe('xlsx');
    expect(exportFormat('a.csv')).toBe('csv');
    expect(exportFormat('a.tsv')).toBe('csv');
    expect(exportFormat('a.txt')).toBe('csv');
    expect(exportFormat('jobb.xls', 'csv')).toBe('csv');
    expect(exportFormat('noext', 'xlsx')).toBe('xlsx');
    expect(exportFormatProblem('noext', 'xlsx')).toBeUndefined();
    expect(exportFormatProblem('exports/jobs-{date}.xlsx')).toBeUndefined();
    expect(exportFormatProblem('exports/{name}')).toMatch(/no extension/);
  });
});

describe('export through the CLI', () => {
  test('jobb.xls, x.ods, bad.pdf and a name without extension: exit 2, no request, nothing written', async () => {
    const s = await sandbox({ generate: 3 });
    const dir = await tempDir();
    const env = { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') };
    for (const name of ['jobb.xls', 'x.ods', 'bad.pdf', 'noext']) {
      const run = await cli(['export', path.join(dir, name)], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^Error: ".+" .*writes \.xlsx and \.csv/);
      expect(run.stderr).toMatch(/give --format xlsx \(or csv\)/);
      expect(run.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    }
    expect(s.requests).toHaveLength(0);
    expect((await readdir(dir)).filter((n) => n !== 'state')).toEqual([]);
  });

  test('--format writes that format under any name; .tsv is tab-separated', async () => {
    const s = await sandbox({ generate: 3 });
    const dir = await tempDir();
    const env = { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') };
    const workbook = path.join(dir, 'nightly');
    expect((await cli(['export', workbook, '--format', 'xlsx'], env)).code).toBe(0);
    expect((await readFile(workbook)).subarray(0, 2).toString()).toBe('PK');
    const text = path.join(dir, 'jobb.xls');
    expect((await cli(['export', text, '--format', 'csv'], env)).code).toBe(0);
    expect((await readFile(text, 'utf8')).replace(/^\ufeff/, '')).toMatch(/^Title;Reference no;/);
    const tsv = path.join(dir, 'jobs.tsv');
    const run = await cli(['export', tsv, '--json'], env);
    expect(JSON.parse(run.stdout)).toMatchObject({ format: 'csv', rows: 3 });
    expect((await readFile(tsv, 'utf8')).replace(/^\ufeff/, '')).toMatch(/^Title\tReference no\t/);
    expect(existsSync(path.join(dir, 'noext'))).toBe(false);
  });
});
