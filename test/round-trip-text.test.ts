// Text that a csv export neutralises ('=1+1) comes back as it was when that csv is imported, and
// every csv the tool writes (results, errors, headers) is neutralised.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { Sandbox } from '../src/sandbox/server.js';
import { openRowsWriter } from '../src/writers/rows-writer.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const TITLES = ['=1+1', '+46 70 123 45 67', '-5', '@home', '=SUM(A1:A2)', "'quoted by a person", 'Plain title'];

function env(s: Sandbox, dir: string) {
  return { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') };
}

describe('round trip of text that looks like a formula', () => {
  test('csv export then import into an empty account: the titles are identical; results and errors files are neutralised', async () => {
    const dir = await tempDir();
    const input = path.join(dir, 'jobs.csv');
    await writeFile(input, `Title;Reference no\r\n${TITLES.map((t, i) => `${t};${String(i + 1).padStart(7, '0')}`).join('\r\n')}\r\n`);
    const first = await sandbox();
    const imported = await cli(['import', input], env(first, dir));
    expect(imported.code).toBe(0);
    expect(first.jobs().map((j) => j.title).sort()).toEqual([...TITLES].sort());
    // The results file quotes the input's formula-like cells too.
    const results = await readFile(path.join(dir, 'jobs.results.csv'), 'utf8');
    expect(results).toContain(";'=1+1;");
    expect(results).not.toMatch(/;=1\+1;/);

    const exported = path.join(dir, 'export.csv');
    expect((await cli(['export', exported], env(first, dir))).code).toBe(0);
    expect(await readFile(exported, 'utf8')).toContain("'=1+1");

    const second = await sandbox();
    // The export's UUID column names each job: --key UUID makes them under those uuids here.
    const back = await cli(['import', exported, '--key', 'UUID'], env(second, dir));
    expect(back.stderr).not.toMatch(/Error/);
    expect(back.code).toBe(0);
    expect(second.jobs().map((j) => j.title).sort()).toEqual([...TITLES].sort());
  });

  test('an errors file keeps formula-like cells neutralised; so does a csv header', async () => {
    const dir = await tempDir();
    const input = path.join(dir, 'bad.csv');
    await writeFile(input, 'Title;Duration\r\n=1+1;-5\r\n@home;abc\r\n');
    const s = await sandbox();
    const run = await cli(['import', input], env(s, dir));
    expect(run.code).toBe(2);
    const errors = await readFile(path.join(dir, 'bad.errors.csv'), 'utf8');
    expect(errors).toContain("'=1+1;'-5");
    expect(errors).toContain("'@home;abc");
    const file = path.join(dir, 'headers.csv');
    const writer = await openRowsWriter(file, { header: ['Title', '=cmd|x', '@home'], format: 'csv', delimiter: ';' });
    await writer.write(['+1', 2]);
    await writer.close();
    expect(await readFile(file, 'utf8')).toBe("Title;'=cmd|x;'@home\r\n'+1;2\r\n");
  });
});
