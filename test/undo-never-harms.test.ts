import { spawn } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { accountId } from '../src/api/account-id.js';
import { createClient } from '../src/api/client.js';
import type { Job } from '../src/api/types.js';
import { CdbError } from '../src/errors.js';
import { keyNamespace, uuidV5 } from '../src/import/key-uuid.js';
import { lockRun, runFile, runsDir } from '../src/import/run-record.js';
import { runImport, type ImportOptions } from '../src/import/run-import.js';
import { loadMapping } from '../src/mapping/load-mapping.js';
import type { Mapping } from '../src/mapping/types.js';
import type { Sandbox } from '../src/sandbox/server.js';
import { applyUndo } from '../src/undo/apply-undo.js';
import { planUndo } from '../src/undo/plan-undo.js';
import { cli, CLI } from './helpers/cli.js';
import { readAll, tempDir } from './helpers/files.js';
import { jobsCsv } from './helpers/jobs-file.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const FAST = { baseDelayMs: 5, maxDelayMs: 50 };
const client = (s: Sandbox) => createClient({ baseUrl: s.url, apiKey: KEY });
const byRef = (s: Sandbox, ref: number) => s.jobs().find((j) => j.referenceNo === String(ref).padStart(7, '0'));

async function keyed(extra: Partial<Mapping> = {}): Promise<Mapping> {
  const { mapping } = await loadMapping();
  return { ...mapping, key: 'Reference no', ...extra };
}

async function importInto(s: Sandbox, file: string, stateDir: string, extra: Partial<ImportOptions> = {}) {
  return runImport({ file, mapping: await keyed(), client: client(s), account: accountId(s.url, KEY), rate: 0, concurrency: 8, retry: FAST, stateDir, ...extra });
}

/** A csv of rows `from`..`to` (Reference no as the number), titles prefixed. */
async function rows(dir: string, name: string, from: number, to: number, prefix: string): Promise<string> {
  const lines = ['Title;Reference no;Start;Duration'];
  for (let i = from; i <= to; i++) lines.push(`${prefix} ${i};${String(i).padStart(7, '0')};2026-12-0${1 + (i % 8)} 08:00;45`);
  const file = path.join(dir, name);
  await writeFile(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

describe('undo never harms', () => {
  test('two keyed imports with 20 keys in common at once: undoing one never deletes what the other made', async () => {
    const s = await sandbox({ latency: 15 });
    const [dir, state, other] = [await tempDir(), await tempDir(), await tempDir()];
    const a = await rows(dir, 'a.csv', 1, 40, 'A');
    const b = await rows(dir, 'b.csv', 21, 60, 'B');
    // Two people on two computers (two state folders, so they may run at once), keyed on the same field.
    const [ra, rb] = await Promise.all([
      importInto(s, a, state, { concurrency: 4 }),
      importInto(s, b, other, { concurrency: 4 }),
    ]);
    expect(s.jobs()).toHaveLength(60);
    const createdByB = (await readAll(rb.resultsFile as string)).rows.filter((r) => r.cells[1] === 'created').map((r) => r.cells[3] as string);
    // Each key is created once: the run that came second updated it (or found it as it wanted).
    expect(ra.counts.created + rb.counts.created).toBe(60);
    expect(ra.counts.updated + ra.counts.unchanged + rb.counts.updated + rb.counts.unchanged).toBe(20);
    const plan = await planUndo(client(s), state, ra.run as string);
    await applyUndo(client(s), state, plan);
    const left = new Set(s.jobs().map((j) => j.uuid));
    for (const uuid of createdByB) expect(left.has(uuid)).toBe(true);
    for (let i = 21; i <= 60; i++) expect(byRef(s, i)).toBeDefined();
    for (let i = 1; i <= 20; i++) expect(byRef(s, i)).toBeUndefined();
  });

  test('a keyed create whose answer was lost and whose retry finds the job is created: results, record and undo agree', async () => {
    const s = await sandbox({ dropAfterCommit: 0.3, seed: 9 });
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await rows(dir, 'lost.csv', 1, 60, 'Lost');
    // Enough retries that no row's every answer is lost (the drops fall in arrival order, which varies).
    const summary = await importInto(s, file, state, { retry: { ...FAST, limit: 12 } });
    expect(summary.retries).toBeGreaterThan(0);
    expect(summary.counts).toMatchObject({ created: 60, updated: 0, unknown: 0 });
    const results = await readAll(summary.resultsFile as string);
    expect(results.rows.filter((r) => r.cells[1] === 'created')).toHaveLength(60);
    expect(results.rows.some((r) => /first answer was lost/.test(r.cells[5] as string))).toBe(true);
    s.setFaults({ dropAfterCommit: 0 });
    const plan = await planUndo(client(s), state, summary.run as string);
    expect(plan.deletes).toHaveLength(60);
    expect(await applyUndo(client(s), state, plan)).toMatchObject({ deleted: 60, failed: [] });
    expect(s.jobs()).toHaveLength(0);
  });

  test('a keyed row whose every answer was lost (unknown): its job, modified only by its own retries, is taken back by undo', async () => {
    const s = await sandbox({ dropAfterCommit: 0.6, seed: 3 });
    const [dir, state] = [await tempDir(), await tempDir()];
    const summary = await importInto(s, await rows(dir, 'lost-all.csv', 1, 20, 'Lost'), state, { retry: { ...FAST, limit: 1 } });
    expect(summary.counts.unknown).toBeGreaterThan(0);
    s.setFaults({ dropAfterCommit: 0 });
    const made = s.jobs().length;
    const plan = await planUndo(client(s), state, summary.run as string);
    expect(plan.changed).toEqual([]);
    expect(plan.deletes).toHaveLength(made);
    await applyUndo(client(s), state, plan);
    expect(s.jobs()).toHaveLength(0);
  });

  test('a job another person made at the uuid between the read and the write is theirs, answer lost or not: updated, left by undo', async () => {
    const s = await sandbox({ dropAfterCommit: 0.3, seed: 4 });
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await rows(dir, 'race.csv', 1, 30, 'Mine');
    // Right before each create lands, someone else makes that job, with more than the row sends.
    const create = s.store.create.bind(s.store);
    s.store.create = (body: Job, uuid?: string) => {
      if (!uuid) return create(body, uuid);
      const theirs = create({ title: 'Theirs', referenceNo: body.referenceNo, description: 'Made by the dispatcher' }, uuid);
      return s.store.update(theirs, body);
    };
    const summary = await importInto(s, file, state);
    expect(summary.retries).toBeGreaterThan(0);
    // Never created; a row whose every answer was lost stays unknown (the next run settles it).
    expect(summary.counts.created).toBe(0);
    expect(summary.counts.updated + summary.counts.unknown).toBe(30);
    expect(summary.counts.updated).toBeGreaterThan(20);
    s.setFaults({ dropAfterCommit: 0 });
    const plan = await planUndo(client(s), state, summary.run as string);
    expect(plan.deletes).toHaveLength(0);
    await applyUndo(client(s), state, plan);
    expect(s.jobs()).toHaveLength(30);
    expect(s.jobs().every((j) => j.description === 'Made by the dispatcher')).toBe(true);
  });

  test('a server whose answers leave out created: a job someone made at the uuid right before the write is theirs, never deleted; undo lists it', async () => {
    const s = await sandbox({ hideCreated: true });
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await rows(dir, 'race.csv', 1, 3, 'Mine');
    const create = s.store.create.bind(s.store);
    s.store.create = (body: Job, uuid?: string) => {
      if (!uuid) return create(body, uuid);
      const theirs = create({ title: 'Theirs', referenceNo: body.referenceNo, description: 'Made by the dispatcher' }, uuid);
      return s.store.update(theirs, body);
    };
    const summary = await importInto(s, file, state);
    expect(summary.counts).toMatchObject({ created: 0, updated: 3 });
    const plan = await planUndo(client(s), state, summary.run as string);
    expect(plan.deletes).toHaveLength(0);
    expect(plan.notMade).toHaveLength(3);
    const shown = await cli(['undo', summary.resultsFile as string, '--dry-run'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: state });
    expect(shown.stdout + shown.stderr).toMatch(/3 jobs the run wrote to had just been made by another run or person: .*left as they are: job \d+ \(row 2\)/);
    expect(s.jobs()).toHaveLength(3);
  });

  test('a server that answers DELETE 204 and keeps the job: undo says it failed, and a re-import makes nothing twice', async () => {
    const s = await sandbox({ ignoreDelete: true });
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await rows(dir, 'kept.csv', 1, 4, 'Kept');
    const mapping = (await loadMapping()).mapping; // unkeyed: the journal alone knows these rows
    const summary = await importInto(s, file, state, { mapping });
    const plan = await planUndo(client(s), state, summary.run as string);
    const done = await applyUndo(client(s), state, plan);
    expect(done.deleted).toBe(0);
    expect(done.failed).toHaveLength(4);
    expect(done.failed[0]?.reason).toMatch(/answered the DELETE, but the job is still there/);
    const again = await importInto(s, file, state, { mapping });
    expect(again.counts).toMatchObject({ created: 0, skipped: 4 });
    expect(s.jobs()).toHaveLength(4);
  });

  test('a server whose PUT replaces the job, taken for a partial one: the run stops at the first cleared field, and undo puts every field back', async () => {
    const s = await sandbox({ putReplaces: true });
    const [dir, state] = [await tempDir(), await tempDir()];
    const c = client(s);
    for (let i = 1; i <= 20; i++) await c.createJob({ title: `Before ${i}`, referenceNo: String(i).padStart(7, '0'), description: `Note ${i}`, customerName: 'Kund' });
    const summary = await importInto(s, await rows(dir, 'w.csv', 1, 20, 'After'), state, { concurrency: 1 });
    expect(summary.status).toBe('aborted');
    expect(summary.error?.message).toMatch(/PUT replaced job \d+ whole: it cleared customerName, description/);
    expect(summary.counts.updated).toBe(1);
    const plan = await planUndo(c, state, summary.run as string);
    await applyUndo(c, state, plan);
    expect(s.jobs().filter((j) => j.description === undefined)).toHaveLength(0);
    expect(byRef(s, 1)).toMatchObject({ title: 'Before 1', description: 'Note 1', customerName: 'Kund' });
  });

  test('a run record cut short at its end (a kill, or lines removed) is used with a warning that it stops before the run did', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const summary = await importInto(s, await rows(dir, 'cut.csv', 1, 4, 'Cut'), state);
    expect((await planUndo(client(s), state, summary.run as string)).ended).toBe(true);
    const record = runFile(state, summary.run as string);
    const lines = (await readFile(record, 'utf8')).split('\n');
    await writeFile(record, `${lines.slice(0, 5).join('\n')}\n`);
    const plan = await planUndo(client(s), state, summary.run as string);
    expect(plan.ended).toBe(false);
    const shown = await cli(['undo', summary.run as string, '--dry-run'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: state });
    expect(shown.stdout + shown.stderr).toContain("the run's record stops before the run's end");
  });

  test('jobs made between the plan and the write (a listing that missed them) are updated and restored, never deleted', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await jobsCsv(dir, 10);
    const namespace = keyNamespace(accountId(s.url, KEY), 'referenceNo');
    // Right after the plan (10 creates), someone makes 7 of those jobs under the same uuids.
    const reporter = {
      info(message: string) {
        if (!message.startsWith('Sending')) return;
        for (let i = 1; i <= 7; i++) s.store.create({ title: `Made elsewhere ${i}`, referenceNo: String(i).padStart(7, '0'), description: 'theirs' }, uuidV5(String(i).padStart(7, '0'), namespace));
      },
      detail() {},
      warn() {},
    };
    const summary = await importInto(s, file, state, { reporter });
    expect(summary.plan?.counts.create).toBe(10);
    expect(summary.counts).toMatchObject({ created: 3, updated: 7 });
    const plan = await planUndo(client(s), state, summary.run as string);
    expect(plan.deletes).toHaveLength(3);
    expect(plan.restores).toHaveLength(7);
    await applyUndo(client(s), state, plan);
    expect(s.jobs()).toHaveLength(7);
    expect(byRef(s, 4)).toMatchObject({ title: 'Made elsewhere 4', description: 'theirs' });
  });

  test('after a kill -9 between the writes and their answers, undo deletes only what it can prove untouched', async () => {
    const s = await sandbox({ latency: 1500 });
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await jobsCsv(dir, 12);
    // A process of its own, for the kill -9.
    const child = spawn(process.execPath, [CLI, 'import', file, '--key', 'Reference no', '--rate', '0', '--concurrency', '12'], {
      env: { PATH: process.env.PATH, COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: state },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise((resolve) => child.on('close', resolve));
    // Killed once every write has reached the server, before any answer has left it.
    for (let waited = 0; s.jobs().length < 12 && waited < 20_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const run = /Run (\S+) \(undo/.exec(stderr)?.[1] as string;
    expect(s.jobs()).toHaveLength(12);
    s.setFaults({ latency: 0 });
    // A re-run finishes the work (nothing to send), then a dispatcher changes one job.
    expect((await importInto(s, file, state)).counts.unchanged).toBe(12);
    await client(s).putJob(byRef(s, 5)?.uuid as string, { description: 'Ring först', resources: [{ name: 'Anna Berg' }] });
    const plan = await planUndo(client(s), state, run);
    expect(plan.deletes).toHaveLength(11);
    expect(plan.changed.map((c) => c.item.row)).toEqual([6]);
    await applyUndo(client(s), state, plan);
    expect(s.jobs().map((j) => j.referenceNo)).toEqual(['0000005']);
  }, 40_000);

  test('undo looks again right before it acts: a job changed after the plan is left, one deleted is not made again', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    for (let i = 1; i <= 3; i++) await client(s).createJob({ title: `Before ${i}`, referenceNo: String(i).padStart(7, '0') });
    const summary = await importInto(s, await jobsCsv(dir, 6), state);
    expect(summary.counts).toMatchObject({ created: 3, updated: 3 });
    const plan = await planUndo(client(s), state, summary.run as string);
    expect(plan.deletes.length + plan.restores.length).toBe(6);
    // Hours at the prompt: meanwhile one created job is renamed, one updated job deleted.
    await client(s).putJob(byRef(s, 5)?.uuid as string, { title: 'Renamed by a planner' });
    await client(s).deleteJob(byRef(s, 2)?.uuid as string);
    const done = await applyUndo(client(s), state, plan);
    expect(done.changedSince.map((c) => c.item.row)).toEqual([6]);
    expect(done.goneSince.map((i) => i.row)).toEqual([3]);
    expect(byRef(s, 2)).toBeUndefined();
    expect(byRef(s, 5)?.title).toBe('Renamed by a planner');
    expect(s.jobs().map((j) => j.title).sort()).toEqual(['Before 1', 'Before 3', 'Renamed by a planner']);
  });

  test('undo of a run still going is refused, naming the process; two undos of one run do not run at once', async () => {
    const s = await sandbox({ latency: 150 });
    const [dir, state] = [await tempDir(), await tempDir()];
    const importing = importInto(s, await jobsCsv(dir, 20), state, { concurrency: 1 });
    let run: string | undefined;
    for (let waited = 0; !run && waited < 10_000; waited += 20) {
      run = (await readdir(runsDir(state)).catch(() => [] as string[])).find((n) => n.endsWith('.jsonl'))?.replace('.jsonl', '');
      await new Promise((r) => setTimeout(r, 20));
    }
    const refused = await cli(['undo', run as string, '--yes'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: state });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`is still going, or being undone (process ${process.pid})`);
    s.setFaults({ latency: 0 }); // refused while it went: the rest of the run need not be slow
    expect((await importing).counts.created).toBe(20);
    expect(s.jobs()).toHaveLength(20);
    const unlock = lockRun(state, run as string, 'undo');
    const second = await cli(['undo', run as string, '--yes'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: state });
    unlock();
    expect(second.code).toBe(1);
    const undone = await cli(['undo', run as string, '--yes'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: state });
    expect(undone.code).toBe(0);
    expect(s.jobs()).toHaveLength(0);
  }, 30_000);

  test('a run record changed by hand is refused: a removed header, an added line', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const summary = await importInto(s, await jobsCsv(dir, 3), state);
    const file = runFile(state, summary.run as string);
    const text = await readFile(file, 'utf8');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await writeFile(file, text.split('\n').slice(1).join('\n'));
    await expect(planUndo(client(s), state, summary.run as string)).rejects.toThrow(/cannot be trusted/);
    const other = await client(s).createJob({ title: 'Not the run\'s' });
    await writeFile(file, `${text}${JSON.stringify({ t: 'create', row: 9, uuid: other.uuid, sent: {} })}\n`);
    const error = (await planUndo(client(s), state, summary.run as string).catch((e: unknown) => e)) as CdbError;
    expect(error).toBeInstanceOf(CdbError);
    expect(error.message).toMatch(/cannot be trusted \(a line is not signed, line \d+\)/);
    expect(s.jobs()).toHaveLength(4);
  });

  test('with a server that ignores client uuids, undo of a clean run finds and deletes every job it made', async () => {
    const s = await sandbox({ ignorePostUuid: true });
    const [dir, state] = [await tempDir(), await tempDir()];
    const { mapping } = await loadMapping();
    const summary = await importInto(s, await jobsCsv(dir, 5), state, { mapping });
    expect(summary.counts.created).toBe(5);
    const plan = await planUndo(client(s), state, summary.run as string);
    expect(plan).toMatchObject({ gone: [], changed: [] });
    expect(plan.deletes).toHaveLength(5);
    await applyUndo(client(s), state, plan);
    expect(s.jobs()).toHaveLength(0);
  });

  test('a results file rewritten by a run that changed nothing still takes back the run that changed its rows', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    for (let i = 1; i <= 3; i++) await client(s).createJob({ title: `Before ${i}`, referenceNo: String(i).padStart(7, '0') });
    const file = await jobsCsv(dir, 3);
    const env = { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: state };
    expect((await cli(['import', file, '--key', 'Reference no', '--rate', '0'], env)).code).toBe(0);
    const again = await cli(['import', file, '--key', 'Reference no', '--rate', '0'], env);
    expect(again.stdout).toMatch(/3 unchanged/);
    const undo = await cli(['undo', path.join(dir, 'jobs.results.csv'), '--yes'], env);
    expect(undo.code).toBe(0);
    expect(undo.stderr).toMatch(/changed nothing \(its rows were unchanged or done before\); taking back run \S+, the run that made or changed those rows' jobs \(3 of them\)/);
    expect(s.jobs().map((j: Job) => j.title).sort()).toEqual(['Before 1', 'Before 2', 'Before 3']);
  });
});

describe('outputs and names', () => {
  test.each(['--results', '--errors', '--plan', '--payloads'])('%s naming the input is refused, even in a dry run, and the input is kept', async (flag) => {
    const s = await sandbox();
    const dir = await tempDir();
    const file = await jobsCsv(dir, 2);
    const before = await readFile(file, 'utf8');
    for (const extra of [['--dry-run'], []]) {
      const run = await cli(['import', file, flag, path.join(dir, '.', 'jobs.csv'), '--rate', '0', ...extra], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${flag} names the file being imported`);
    }
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(s.jobs()).toHaveLength(0);
  });

  test('a file named -x.csv works after --, and the printed undo hint pastes back', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    await jobsCsv(dir, 2, '-x.csv');
    const env = { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY };
    const origin = process.cwd();
    process.chdir(dir);
    try {
      const run = await cli(['import', '--rate', '0', '--', '-x.csv'], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('"coredination-batch undo ./-x.results.csv" takes it back');
      expect((await cli(['undo', './-x.results.csv', '--yes'], env)).code).toBe(0);
    } finally {
      process.chdir(origin);
    }
    expect(s.jobs()).toHaveLength(0);
  });

  test('a newline in a file name is shown escaped, never as a line of the summary', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const file = await jobsCsv(dir, 1, 'a\nDone in 0.0 s. 99 rows: 99 created.csv');
    const run = await cli(['import', file, '--rate', '0'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('Done in'))).toHaveLength(1);
    expect(run.stdout).toContain('a\\nDone in 0.0 s.');
  });

  test('a state folder that cannot be written is one message naming it, exit 2, nothing sent', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const file = await jobsCsv(dir, 2);
    const blocker = path.join(dir, 'not-a-folder');
    await writeFile(blocker, '');
    const run = await cli(['import', file, '--rate', '0'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(blocker, 'state') });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^Error: .*not-a-folder\/state.*: Cannot write the state folder \(a part of the path is a file, not a folder\)\./m);
    expect(run.stderr).not.toMatch(/bug|at .*\.js/);
    expect(s.jobs()).toHaveLength(0);
  });
});
