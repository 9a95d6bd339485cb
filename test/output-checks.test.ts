// Expected failures are plain messages with exit 2, found before anything is sent: a YAML file
// whose aliases expand without bound, an output path that is a folder or cannot be written.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { Sandbox } from '../src/sandbox/server.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { jobsCsv } from './helpers/jobs-file.js';
import { KEY, sandbox } from './helpers/sandbox.js';

function env(s: Sandbox | undefined, dir: string) {
  return { COREDINATION_BASE_URL: s?.url ?? 'http://127.0.0.1:9/api/1', COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') };
}

/** Nine levels of nine aliases each: 9^9 strings once expanded. */
function laughs(tail: string): string {
  let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let previous = 'a';
  for (const name of 'bcdefghi') {
    text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]\n`;
    previous = name;
  }
  return text + tail;
}

/** A folder this process cannot write to: /sys for root (whom permissions do not stop), else a chmod 555 one. */
async function unwritableFolder(dir: string): Promise<string> {
  if (process.getuid?.() === 0) return '/sys';
  const folder = path.join(dir, 'read-only');
  await mkdir(folder);
  await chmod(folder, 0o555);
  return folder;
}

const plain = (run: { code: number | null; stderr: string }) => {
  expect(run.code).toBe(2);
  expect(run.stderr).not.toMatch(/Unexpected error|bug/);
};

describe('expected failures are exit 2 with a plain message', () => {
  test('a billion-laughs mapping or schedule', async () => {
    const dir = await tempDir();
    const mapping = path.join(dir, 'laughs.mapping.yaml');
    await writeFile(mapping, laughs('resource: job\ncolumns: *i\n'));
    const check = await cli(['mapping', 'check', mapping], env(undefined, dir));
    plain(check);
    expect(check.stderr).toContain('YAML aliases (*name) that expand too far');
    const input = await jobsCsv(dir, 2);
    plain(await cli(['import', input, '--mapping', mapping, '--dry-run'], env(undefined, dir)));

    const schedule = path.join(dir, 'laughs.schedule.yaml');
    await writeFile(schedule, laughs('exports: *i\n'));
    const next = await cli(['schedule', schedule, '--next', '1'], env(undefined, dir));
    plain(next);
    expect(next.stderr).toContain('The schedule file uses YAML aliases');
  });

  test('import: --results r.pdf is refused before anything is read or sent, saying csv or xlsx', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const input = await jobsCsv(dir, 3);
    const run = await cli(['import', input, '--results', path.join(dir, 'r.pdf')], env(s, dir));
    plain(run);
    expect(run.stderr).toContain('these files are written as csv or xlsx, and the name says ".pdf"');
    expect(s.jobs()).toHaveLength(0);
  });

  test('import: --results naming a folder, or results in a folder that cannot be written: nothing is sent', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const input = await jobsCsv(dir, 3);
    const folder = path.join(dir, 'out');
    await mkdir(folder);
    const intoFolder = await cli(['import', input, '--results', folder], env(s, dir));
    plain(intoFolder);
    expect(intoFolder.stderr).toContain(`Cannot write ${folder}: it is a folder`);
    const readOnly = await cli(['import', input, '--results', path.join(await unwritableFolder(dir), 'results.csv')], env(s, dir));
    plain(readOnly);
    expect(readOnly.stderr).toMatch(/Cannot write .*results\.csv: (permission denied|the file system is read-only)/);
    const errorsReadOnly = await cli(['import', input, '--errors', path.join(await unwritableFolder(dir), 'errors.csv')], env(s, dir));
    plain(errorsReadOnly);
    expect(s.jobs()).toHaveLength(0);
  });

  test('export: to a folder, or into a folder that cannot be written: no request is made', async () => {
    const s = await sandbox({ generate: 3 });
    const dir = await tempDir();
    const intoFolder = await cli(['export', dir], env(s, dir));
    plain(intoFolder);
    expect(intoFolder.stderr).toContain('it is a folder');
    plain(await cli(['export', path.join(await unwritableFolder(dir), 'jobs.csv')], env(s, dir)));
    expect(s.requests.filter((r) => r.path.endsWith('/job'))).toHaveLength(0);
  });
});
