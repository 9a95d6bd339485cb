import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { CdbError } from '../src/errors.js';
import { runImport, type ImportOptions } from '../src/import/run-import.js';
import { loadMapping } from '../src/mapping/load-mapping.js';
import type { Sandbox } from '../src/sandbox/server.js';
import { CLI, cli } from './helpers/cli.js';
import { readAll, tempDir } from './helpers/files.js';
import { STATE_DIR } from './helpers/state-dir.js';
import { jobsCsv } from './helpers/jobs-file.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50 };

async function importInto(s: Sandbox, file: string, extra: Partial<ImportOptions> = {}) {
  const { mapping } = await loadMapping();
  return runImport({ file, mapping, client: createClient({ baseUrl: s.url, apiKey: KEY }), rate: 0, concurrency: 8, retry: FAST_RETRY, stateDir: STATE_DIR, ...extra });
}

const references = (s: Sandbox) => s.jobs().map((j) => j.referenceNo as string).sort();
const expectedRefs = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1).padStart(7, '0'));

describe('no duplicate, no loss, whatever fails', () => {
  test('two imports of the same file at once: the second is refused with who holds the lock', async () => {
    const s = await sandbox({ latency: 30 });
    const stateDir = await tempDir();
    const file = await jobsCsv(await tempDir(), 40);
    const first = importInto(s, file, { stateDir, concurrency: 2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await importInto(s, file, { stateDir }).then(() => undefined, (e: unknown) => e as CdbError);
    expect(second).toBeInstanceOf(CdbError);
    expect(second?.code).toBe('LOCKED');
    expect(second?.message).toContain(`process ${process.pid}`);
    expect((await first).counts.created).toBe(40);
    expect(references(s)).toEqual(expectedRefs(40));
    // The lock goes with the run: the next one may start.
    expect((await importInto(s, file, { stateDir })).counts.skipped).toBe(40);
  });

  test('identical rows whose answers are lost are each settled by their own uuid: one job per row', async () => {
    const s = await sandbox({ dropAfterCommit: 0.5, seed: 3 });
    const dir = await tempDir();
    const file = path.join(dir, 'same.csv');
    await writeFile(file, `Title;Reference no\n${Array(12).fill('Samma jobb;0000001').join('\n')}\n`);
    const summary = await importInto(s, file);
    expect(summary.counts).toMatchObject({ created: 12, unknown: 0 });
    expect(s.jobs()).toHaveLength(12);
  });

  test('a server that stores a POST and then answers 500: the row is looked up by its uuid, never sent twice', async () => {
    const s = await sandbox({ errorAfterCommit: 0.4, seed: 5 });
    const file = await jobsCsv(await tempDir(), 50);
    const summary = await importInto(s, file);
    expect(summary.counts).toMatchObject({ created: 50, unknown: 0, failed: 0 });
    expect(references(s)).toEqual(expectedRefs(50));
  });

  test('a server that ignores the POST uuid: a lost answer stays unknown until --unknown says what to do', async () => {
    const s = await sandbox({ ignorePostUuid: true, dropAfterCommit: 0.3, seed: 11 });
    const stateDir = await tempDir();
    const file = await jobsCsv(await tempDir(), 30);
    const first = await importInto(s, file, { stateDir });
    expect(first.counts.unknown).toBeGreaterThan(0);
    expect(first.counts.created + first.counts.unknown).toBe(30);
    expect(references(s)).toEqual(expectedRefs(30)); // the lost ones were stored: none sent twice
    s.setFaults({ dropAfterCommit: 0 });
    const again = await importInto(s, file, { stateDir });
    expect(again.counts.unknown).toBe(first.counts.unknown);
    const results = await readAll(again.resultsFile as string);
    expect(results.rows.find((r) => r.cells[1] === 'unknown')?.cells[5]).toMatch(/--unknown send or --unknown skip/);
    const skipped = await importInto(s, file, { stateDir, unknown: 'skip' });
    expect(skipped.counts).toMatchObject({ unknown: 0, skipped: 30 });
    expect(references(s)).toEqual(expectedRefs(30));
  });

  test('a server that ignores the POST uuid and fails after storing: no lookup is trusted before it is known, no duplicate', async () => {
    const s = await sandbox({ ignorePostUuid: true, errorAfterCommit: 0.3, seed: 7 });
    const file = await jobsCsv(await tempDir(), 300);
    const summary = await importInto(s, file);
    expect(summary.counts.created + summary.counts.unknown).toBe(300);
    expect(references(s)).toEqual(expectedRefs(300)); // every row once: the 500s were stored, never sent again
  });

  test('another file under a name an earlier run imported: its rows are known by what they send, and created', async () => {
    const s = await sandbox();
    const stateDir = await tempDir();
    const a = await jobsCsv(await tempDir(), 5);
    await importInto(s, a, { stateDir });
    const b = path.join(await tempDir(), 'jobs.csv');
    await writeFile(b, (await readFile(a, 'utf8')).replace(/Service av värmepump/g, 'Annat jobb'));
    const again = await importInto(s, b, { stateDir });
    expect(again.counts).toMatchObject({ created: 5, rejected: 0, skipped: 0 });
    expect(s.jobs()).toHaveLength(10);
  });

  test('a journal cut mid-line is cut back to its last whole line before the next run writes', async () => {
    const s = await sandbox();
    const stateDir = await tempDir();
    const file = await jobsCsv(await tempDir(), 5);
    const first = await importInto(s, file, { stateDir, limit: 2 });
    await appendFile(first.journalFile as string, '{"t":"done","row":2');
    await importInto(s, file, { stateDir });
    const third = await importInto(s, file, { stateDir });
    expect(third.counts.skipped).toBe(5);
    expect(references(s)).toEqual(expectedRefs(5));
  });

  test('a re-run that sends nothing says so, not "Sending 20 rows … about 2 s" (issue 13)', async () => {
    const s = await sandbox();
    const stateDir = await tempDir();
    const file = await jobsCsv(await tempDir(), 20);
    await importInto(s, file, { stateDir, rate: 10 });
    const said: string[] = [];
    await importInto(s, file, { stateDir, rate: 10, reporter: { info: (m) => said.push(m), detail() {}, warn() {} } });
    expect(said.join('\n')).toContain('Nothing to send: all 20 rows were done by an earlier run.');
    expect(said.join('\n')).not.toMatch(/Sending/);
  });

  test('a row edited after its POST was lost is a new job, and the job the lost POST made is found and named', async () => {
    const s = await sandbox({ dropAfterCommit: 1 });
    const stateDir = await tempDir();
    const dir = await tempDir();
    const file = await jobsCsv(dir, 3);
    // The first run cannot settle the lost answers (as if the server did not keep uuids).
    const first = await importInto(s, file, { stateDir, postKeepsUuid: false, retry: { ...FAST_RETRY, limit: 0 } });
    expect(first.counts.unknown).toBe(3);
    s.setFaults({ dropAfterCommit: 0 });
    await writeFile(file, (await readFile(file, 'utf8')).replace('Service av värmepump 2', 'Service av värmepump 2, ändrad'));
    const dry = await importInto(s, file, { stateDir, dryRun: true });
    expect(dry.plan?.counts).toMatchObject({ settle: 2, create: 1 });
    expect(dry.plan?.orphans).toBe(1);
    const again = await importInto(s, file, { stateDir });
    expect(again.counts).toMatchObject({ skipped: 2, created: 1, unknown: 0 });
    expect(again.orphansFound.map((j) => j.title)).toEqual(['Service av värmepump 2']);
    expect(s.jobs()).toHaveLength(4);
    // Settled once: the next run neither looks it up again nor sends anything.
    const third = await importInto(s, file, { stateDir });
    expect(third.counts).toMatchObject({ skipped: 3, created: 0 });
    expect(third.orphansFound).toEqual([]);
    expect(s.jobs()).toHaveLength(4);
  });

  test('the journal is found whatever the results folder, the spelling of the base URL or the input\'s folder', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const file = await jobsCsv(dir, 20);
    const state = await tempDir();
    const env = (url: string) => ({ COREDINATION_BASE_URL: url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: state });
    expect((await cli(['import', file, '--rate', '0'], env(s.url))).code).toBe(0);
    const localhost = s.url.replace('127.0.0.1', 'localhost');
    const again = await cli(['import', file, '--rate', '0', '--results', path.join(await tempDir(), 'r.csv'), '--json'], env(localhost));
    expect((JSON.parse(again.stdout) as { counts: object }).counts).toMatchObject({ skipped: 20, created: 0 });
    const moved = path.join(await tempDir(), 'jobs.csv');
    await writeFile(moved, await readFile(file));
    const third = await cli(['import', moved, '--rate', '0', '--json'], env(s.url));
    expect((JSON.parse(third.stdout) as { counts: object }).counts).toMatchObject({ skipped: 20, created: 0 });
    expect(references(s)).toEqual(expectedRefs(20));
  });

  test('a damaged journal stops the run with what to do; a cut last line is reported and its row sent', async () => {
    const s = await sandbox();
    const stateDir = await tempDir();
    const file = await jobsCsv(await tempDir(), 5);
    const first = await importInto(s, file, { stateDir });
    const journal = first.journalFile as string;
    const text = await readFile(journal, 'utf8');
    const lines = text.split('\n');
    await writeFile(journal, [...lines.slice(0, 2), 'garbage{', ...lines.slice(2)].join('\n'));
    const error = await importInto(s, file, { stateDir }).then(() => undefined, (e: unknown) => e as CdbError);
    expect(error?.message).toMatch(/journal is damaged at line 3/);
    expect(error?.hint).toMatch(/--fresh/);
    await writeFile(journal, `${text}{"t":"send","row":`);
    const warnings: string[] = [];
    const again = await importInto(s, file, { stateDir, reporter: { info() {}, detail() {}, warn: (m) => warnings.push(m) } });
    expect(again.counts.skipped).toBe(5);
    expect(warnings.join('\n')).toMatch(/last line was cut off/);
    expect(references(s)).toEqual(expectedRefs(5));
  });

  test('a file over the kept size changed between the check and the send pass is not sent', async () => {
    const s = await sandbox();
    const file = await jobsCsv(await tempDir(), 30);
    const swapped = (await readFile(file, 'utf8')).replace('Title;Reference no', 'Reference no;Title');
    const summary = await importInto(s, file, {
      keepRows: 5,
      reporter: {
        info: (message) => {
          // The validation pass is over when the sending starts: the file changes under it.
          if (message.startsWith('Sending')) void appendFile(file, '').then(() => writeFile(file, swapped));
        },
        detail() {},
        warn() {},
      },
    });
    expect(summary.status).toBe('aborted');
    expect(summary.error?.message).toMatch(/file changed after it was checked/);
    expect(s.jobs()).toHaveLength(0);
  });

  test('a stopped run lists every input row in its results: the ones never sent are not-sent', async () => {
    const s = await sandbox({ latency: 20 });
    const file = await jobsCsv(await tempDir(), 60);
    const controller = new AbortController();
    const summary = await importInto(s, file, {
      concurrency: 2,
      signal: controller.signal,
      reporter: { info() {}, detail() {}, warn() {}, progress: (p) => void (p.done === 6 && controller.abort()) },
    });
    expect(summary.status).toBe('interrupted');
    const results = await readAll(summary.resultsFile as string);
    expect(results.rows).toHaveLength(60);
    const outcomes = new Set(results.rows.map((r) => r.cells[1]));
    expect([...outcomes].sort()).toEqual(['created', 'not-sent']);
    expect(summary.counts['not-sent'] + summary.counts.created).toBe(60);
  });
});

describe('journal writes on a full disk', () => {
  test('a write that fails stops the import with a message; the re-run creates nothing twice', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const file = await jobsCsv(dir, 300);
    const state = await tempDir();
    const env = { PATH: process.env.PATH, COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: state };
    // ulimit -f: files of at most 8 KiB; the journal meets it part-way (EFBIG, as a full disk would).
    // A process of its own: the limit is the process's.
    const child = spawn('sh', ['-c', 'ulimit -f 16 && exec "$0" "$@"', process.execPath, CLI, 'import', file, '--rate', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/could not be written \((the disk is full|the file is larger than this system allows)\)/);
    expect(stderr).not.toMatch(/bug|at .*\.js:\d+/);
    const made = s.jobs().length;
    expect(made).toBeLessThan(300);
    const again = await cli(['import', file, '--rate', '0', '--json'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: state });
    expect(again.code).toBe(0);
    expect(references(s)).toEqual(expectedRefs(300));
  });
});
