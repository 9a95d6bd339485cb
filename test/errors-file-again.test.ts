// An errors file imported again, nothing fixed: its own errors file has one Reason column, with
// this run's reasons.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

describe('an errors file imported again', () => {
  test('its errors file replaces the Reason column instead of adding a second', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const env = { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') };
    const input = path.join(dir, 'bad.csv');
    await writeFile(input, 'Title;Duration\r\nFirst;abc\r\nSecond;30\r\nThird;-5\r\n');
    expect((await cli(['import', input], env)).code).toBe(2);
    const errorsFile = path.join(dir, 'bad.errors.csv');
    const first = (await readFile(errorsFile, 'utf8')).replace(/^\ufeff/, '').split('\r\n');
    expect(first[0]).toBe('Title;Duration;Reason');

    const again = await cli(['import', errorsFile], env);
    expect(again.code).toBe(2);
    const second = (await readFile(path.join(dir, 'bad.errors.errors.csv'), 'utf8')).replace(/^\ufeff/, '').split('\r\n');
    expect(second[0]).toBe('Title;Duration;Reason');
    expect(second.filter(Boolean)).toHaveLength(3);
    for (const line of second.slice(1).filter(Boolean)) expect(line.split(';')).toHaveLength(3);
    expect(second[1]).toMatch(/^First;abc;.*number/);
    expect(s.jobs()).toHaveLength(0);
  });

  test('fixed and sent with --skip-invalid: its results file has the run\'s Reason only, not the old one after it', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const env = { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') };
    const fixed = path.join(dir, 'bad.errors.csv');
    await writeFile(fixed, 'Title;Duration;Reason\r\nFirst;45;Duration: expected a number, got "abc"\r\nThird;-5;Duration: must be 0 or more\r\n');
    const run = await cli(['import', fixed, '--skip-invalid', '--results', path.join(dir, 'r.csv')], env);
    expect(run.code).toBe(3); // the row still invalid is rejected
    const lines = (await readFile(path.join(dir, 'r.csv'), 'utf8')).replace(/^\ufeff/, '').split('\r\n');
    expect(lines[0]).toBe('Row;Outcome;Job id;UUID;Changed;Reason;Run;Title;Duration');
    expect(lines[1]).not.toContain('expected a number');
    expect(s.jobs()).toHaveLength(1);
  });
});
