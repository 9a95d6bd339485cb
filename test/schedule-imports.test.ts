// Watched import folders, against the sandbox: a good file, a bad file, the same file twice, a new
// file under an old name, the error budget, files left alone, a stop and a kill -9 mid-file.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, test } from '@jest/globals';
import { globMatcher, isTemporaryName } from '../src/schedule/glob.js';
import type { RunRecord } from '../src/schedule/schedule-record.js';
import type { Sandbox } from '../src/sandbox/server.js';
import { cli, CLI } from './helpers/cli.js';
import { TEMPLATES, tempDir } from './helpers/files.js';
import { jobsCsv } from './helpers/jobs-file.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const MAPPING = path.join(TEMPLATES, 'jobs.mapping.yaml');

function envFor(s: Sandbox, dir: string) {
  return { PATH: process.env.PATH, COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') };
}

async function scheduleFile(dir: string, entries: string[]): Promise<string> {
  const file = path.join(dir, 'schedules.yaml');
  await writeFile(file, ['timezone: Europe/Stockholm', 'imports:', ...entries, ''].join('\n'));
  return file;
}

const entry = (name: string, extra: string[] = []) => [
  `  - name: ${name}`,
  `    watch: ${name}-inbox`,
  '    pattern: "*.csv"',
  `    mapping: ${MAPPING}`,
  `    archive: ${name}-inbox/done`,
  `    failed: ${name}-inbox/failed`,
  ...extra.map((line) => `    ${line}`),
];

/** A csv of rows for the default mapping; `bad` of them have a start that is not a date. */
async function csv(file: string, rows: number, options: { from?: number; bad?: number } = {}): Promise<void> {
  const lines = ['Title;Reference no;Start;Duration'];
  const from = options.from ?? 1;
  for (let i = from; i < from + rows; i++) lines.push(`Service ${i};${String(i).padStart(7, '0')};${i - from < (options.bad ?? 0) ? 'tomorrow' : '2026-12-03 08:00'};30`);
  await writeFile(file, `${lines.join('\r\n')}\r\n`);
}

const references = (s: Sandbox) => s.jobs().map((j) => String(j.referenceNo)).sort();
const posts = (s: Sandbox) => s.requests.filter((r) => r.method === 'POST').length;

async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(50);
  }
}

const hooks: http.Server[] = [];
afterEach(async () => {
  await Promise.all(hooks.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function webhook(): Promise<{ url: string; bodies: Record<string, unknown>[] }> {
  const bodies: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(body) as Record<string, unknown>);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hooks.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

describe('watched import folders', () => {
  test('--next says that a watched folder is missing, before the daemon runs; once it is made, nothing is said', async () => {
    const dir = await tempDir();
    const file = await scheduleFile(dir, entry('erp'));
    const missing = await cli(['schedule', file, '--next', '2', '--json'], { PATH: process.env.PATH });
    expect(missing.code).toBe(0);
    expect(missing.stderr).toContain(`"erp": its watched folder ${path.join(dir, 'erp-inbox')} does not exist`);
    expect(JSON.parse(missing.stdout)).toMatchObject({ entries: [{ name: 'erp', problem: expect.stringContaining('does not exist') }] });
    await mkdir(path.join(dir, 'erp-inbox'));
    const made = await cli(['schedule', file, '--next', '2'], { PATH: process.env.PATH });
    expect(made.stderr).toBe('');
    expect(made.stdout).toContain('erp: looks at its folder every');
  });

  test('names: the pattern ignores case and takes {a,b}; temporary names are never picked', () => {
    const match = globMatcher('*.{csv,xlsx}');
    expect(['jobs.csv', 'JOBS.CSV', 'a b.xlsx'].map(match)).toEqual([true, true, true]);
    expect(['jobs.csv.bak', 'jobs.ods', 'csv'].map(match)).toEqual([false, false, false]);
    expect(['.jobs.csv', '~$jobs.xlsx', 'jobs.csv.tmp', 'jobs.TMP'].map(isTemporaryName)).toEqual([true, true, true, true]);
    expect(isTemporaryName('jobs.csv')).toBe(false);
  });

  test('a good file is archived with its results, a bad one goes to failed/ with its errors and is told; the same file again sends nothing; a new file under an old name is new', async () => {
    const s = await sandbox();
    const hook = await webhook();
    const dir = await tempDir();
    const file = await scheduleFile(dir, [...entry('erp', ['settle: 0s', 'notify:', `  - webhook: ${hook.url}`])]);
    const inbox = path.join(dir, 'erp-inbox');
    await mkdir(inbox);
    await csv(path.join(inbox, 'good.csv'), 5);
    await sleep(20);
    await csv(path.join(inbox, 'bad.csv'), 4, { from: 100, bad: 2 });
    // Never picked, whatever the pattern says: hidden, an Excel lock file, not matching.
    for (const name of ['.good.csv', '~$good.csv', 'notes.txt']) await writeFile(path.join(inbox, name), 'x');
    const env = envFor(s, dir);

    const first = await cli(['schedule', file, '--once', 'erp'], env);
    expect(first.code).toBe(2); // the worst of the files: bad.csv's invalid rows (nothing of it sent)
    const records = first.lines as unknown as RunRecord[];
    expect(records.map((r) => [r.source, r.outcome])).toEqual([['good.csv', 'ok'], ['bad.csv', 'failed']]);
    expect(records[0]).toMatchObject({ kind: 'import', file: path.join(inbox, 'done', 'good.csv'), results: path.join(inbox, 'done', 'good.results.csv'), errors: null, counts: { rows: 5, created: 5 } });
    expect(records[1]).toMatchObject({ file: path.join(inbox, 'failed', 'bad.csv'), results: null, errors: path.join(inbox, 'failed', 'bad.errors.csv'), counts: { rows: 4, invalid: 2 } });
    expect(records[1]?.error).toMatch(/^2 of 4 rows are invalid: nothing was sent/);
    expect(references(s)).toEqual(['0000001', '0000002', '0000003', '0000004', '0000005']);
    expect((await readFile(path.join(inbox, 'done', 'good.results.csv'), 'utf8')).split('\n')[1]).toMatch(/^\uFEFF?2;created;/);
    expect(await readFile(path.join(inbox, 'failed', 'bad.errors.csv'), 'utf8')).toMatch(/tomorrow/);
    expect((await readdir(inbox)).sort()).toEqual(['.coredination-batch', '.good.csv', 'done', 'failed', 'notes.txt', '~$good.csv']);
    expect(await readdir(path.join(inbox, '.coredination-batch'))).toEqual([]);
    // Only the failure is told (on: [failure] by default).
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]).toMatchObject({ entry: 'erp', kind: 'import', outcome: 'failed', file: path.join(inbox, 'failed', 'bad.csv'), errors: path.join(inbox, 'failed', 'bad.errors.csv'), counts: { rows: 4, invalid: 2 } });
    expect(hook.bodies[0]?.text).toMatch(/import erp FAILED: .*bad\.csv \(4 rows: 0 created, 0 updated, 2 not sent, 2 invalid\): 2 of 4 rows are invalid/);

    // The same file again: nothing sent, archived beside the first under a new name.
    await csv(path.join(inbox, 'good.csv'), 5);
    const before = posts(s);
    const again = await cli(['schedule', file, '--once', 'erp'], env);
    expect(again.code).toBe(0);
    expect(again.lines[0]).toMatchObject({ source: 'good.csv', outcome: 'ok', file: path.join(inbox, 'done', 'good-2.csv'), results: path.join(inbox, 'done', 'good-2.results.csv'), counts: { rows: 5, created: 0, skipped: 5 } });
    expect(posts(s)).toBe(before);
    expect(s.jobs()).toHaveLength(5);

    // Tomorrow's file, under today's name: new rows, sent.
    await csv(path.join(inbox, 'good.csv'), 3, { from: 6 });
    const next = await cli(['schedule', file, '--once', 'erp'], env);
    expect(next.lines[0]).toMatchObject({ outcome: 'ok', file: path.join(inbox, 'done', 'good-3.csv'), counts: { rows: 3, created: 3 } });
    expect(s.jobs()).toHaveLength(8);
    expect((await readdir(path.join(inbox, 'done'))).sort()).toEqual(['good-2.csv', 'good-2.results.csv', 'good-3.csv', 'good-3.results.csv', 'good.csv', 'good.results.csv']);
  });

  test('skipInvalid sends the valid rows and moves the file to failed/ with results and errors; over maxErrors, nothing is sent; a file still changing is left alone', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const file = await scheduleFile(dir, [...entry('lenient', ['skipInvalid: true', 'maxErrors: 1', 'settle: 0s']), ...entry('slow', ['settle: 1m'])]);
    for (const name of ['lenient-inbox', 'slow-inbox']) await mkdir(path.join(dir, name));
    await csv(path.join(dir, 'lenient-inbox', 'one-bad.csv'), 4, { bad: 1 });
    await sleep(20);
    await csv(path.join(dir, 'lenient-inbox', 'garbage.csv'), 4, { from: 50, bad: 3 });
    await csv(path.join(dir, 'slow-inbox', 'fresh.csv'), 2, { from: 80 });
    const env = envFor(s, dir);
    const run = await cli(['schedule', file, '--once', 'lenient'], env);
    const [oneBad, garbage] = run.lines as unknown as RunRecord[];
    expect(oneBad).toMatchObject({ source: 'one-bad.csv', outcome: 'failed', counts: { rows: 4, created: 3, rejected: 1 } });
    expect(oneBad?.error).toMatch(/^1 of 4 rows did not go through; the errors file beside it says why/);
    const failed = path.join(dir, 'lenient-inbox', 'failed');
    expect(oneBad).toMatchObject({ file: path.join(failed, 'one-bad.csv'), results: path.join(failed, 'one-bad.results.csv'), errors: path.join(failed, 'one-bad.errors.csv') });
    expect(garbage).toMatchObject({ source: 'garbage.csv', outcome: 'failed', counts: { rows: 4, invalid: 3 } });
    expect(garbage?.error).toMatch(/^3 of 4 rows are invalid, more than maxErrors \(1\) allows: nothing was sent/);
    expect(references(s)).toEqual(['0000002', '0000003', '0000004']);
    expect(run.code).toBe(2);

    const slow = await cli(['schedule', file, '--once', 'slow'], env);
    expect(slow.code).toBe(0);
    expect(slow.lines).toEqual([]);
    expect(existsSync(path.join(dir, 'slow-inbox', 'fresh.csv'))).toBe(true);
  });

  test('a missing watched folder is exit 2 at start; archive on another disk is refused', async () => {
    const dir = await tempDir();
    const file = await scheduleFile(dir, entry('erp'));
    const run = await cli(['schedule', file], { COREDINATION_BASE_URL: 'http://127.0.0.1:9/api/1', COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`The watched folder ${path.join(dir, 'erp-inbox')} of "erp" does not exist.`);
    // /dev/shm is another file system than the temporary folder, where it exists.
    if (existsSync('/dev/shm') && (await stat('/dev/shm')).dev !== (await stat(dir)).dev) {
      await mkdir(path.join(dir, 'inbox'));
      const other = await tempDir();
      await writeFile(file, ['imports:', '  - name: erp', '    watch: inbox', '    pattern: "*.csv"', `    mapping: ${MAPPING}`, `    archive: /dev/shm/cdb-archive-${path.basename(other)}`, '    failed: failed', ''].join('\n'));
      const apart = await cli(['schedule', file, '--once', 'erp'], { COREDINATION_BASE_URL: 'http://127.0.0.1:9/api/1', COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') });
      expect(apart.code).toBe(2);
      expect(apart.lines[0]?.error).toMatch(/is on another disk than .*inbox; files are moved by renaming/);
    }
  });

  interface Daemon {
    child: ChildProcess;
    records: RunRecord[];
    exited: Promise<number | null>;
    stderr: () => string;
  }

  /** `schedule <file>` in a process of its own, for the kill -9 and the SIGTERM. */
  function daemon(file: string, env: NodeJS.ProcessEnv): Daemon {
    const child = spawn(process.execPath, [CLI, 'schedule', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const records: RunRecord[] = [];
    let buffer = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) records.push(JSON.parse(line) as RunRecord);
    });
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    return { child, records, exited: new Promise((resolve) => child.on('close', resolve)), stderr: () => stderr };
  }

  test('kill -9 of the daemon mid-file: the next start continues the file, every row once', async () => {
    const s = await sandbox({ latency: 150 });
    const dir = await tempDir();
    const file = await scheduleFile(dir, entry('erp', ['settle: 0s', 'concurrency: 2', 'rate: 0']));
    const inbox = path.join(dir, 'erp-inbox');
    await mkdir(inbox);
    // Written elsewhere, then renamed in: a file appears whole.
    await jobsCsv(dir, 40, 'nightly.csv');
    await rename(path.join(dir, 'nightly.csv'), path.join(inbox, 'nightly.csv'));
    const first = daemon(file, envFor(s, dir));
    await until(() => s.jobs().length >= 8);
    first.child.kill('SIGKILL');
    await first.exited;
    const made = s.jobs().length;
    expect(made).toBeLessThan(40);
    s.setFaults({ latency: 0 }); // slow only while there was a run to kill
    // The file waits in the work folder, journaled.
    expect((await readdir(path.join(inbox, '.coredination-batch'))).filter((n) => /^nightly\.[0-9a-f]{16}\.csv$/.test(n))).toHaveLength(1);

    const second = daemon(file, envFor(s, dir));
    await until(() => second.records.some((r) => r.outcome === 'ok'));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const done = second.records.find((r) => r.outcome === 'ok');
    expect(done).toMatchObject({ source: 'nightly.csv', file: path.join(inbox, 'done', 'nightly.csv'), counts: { rows: 40, failed: 0, unknown: 0 } });
    // What the killed daemon had sent is known from its journal (or found on the server by the
    // uuid it sent, for the requests whose answers the kill lost): skipped, not sent again.
    expect(done?.counts).toMatchObject({ skipped: made, created: 40 - made });
    const refs = references(s);
    expect(refs).toHaveLength(40);
    expect(new Set(refs).size).toBe(40);
    expect(second.stderr()).toMatch(/erp: watching .*erp-inbox for \*\.csv every 2 s/);
  });

  test('SIGTERM mid-file stops sending at once and exits 0; the file is continued by the next look', async () => {
    const s = await sandbox({ latency: 150 });
    const dir = await tempDir();
    const file = await scheduleFile(dir, entry('erp', ['settle: 0s', 'concurrency: 2', 'rate: 0']));
    const inbox = path.join(dir, 'erp-inbox');
    await mkdir(inbox);
    await jobsCsv(dir, 40, 'nightly.csv');
    await rename(path.join(dir, 'nightly.csv'), path.join(inbox, 'nightly.csv'));
    const d = daemon(file, envFor(s, dir));
    await until(() => s.jobs().length >= 6);
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    expect(d.records.at(-1)).toMatchObject({ source: 'nightly.csv', outcome: 'stopped' });
    expect(d.records.at(-1)?.error).toMatch(/the next start continues it/);
    expect(s.jobs().length).toBeLessThan(40);
    s.setFaults({ latency: 0 }); // slow only while there was a run to stop
    const rest = await cli(['schedule', file, '--once', 'erp'], envFor(s, dir));
    expect(rest.code).toBe(0);
    expect(rest.lines[0]).toMatchObject({ outcome: 'ok', counts: { rows: 40 } });
    expect(new Set(references(s)).size).toBe(40);
    expect(s.jobs()).toHaveLength(40);
  });
});
