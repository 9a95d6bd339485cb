// Undo run again, undo of a run that sent nothing, re-import after undo, undo's own lost answers.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { CLI, cli } from './helpers/cli.js';
import { readAll, tempDir } from './helpers/files.js';
import { jobsCsv } from './helpers/jobs-file.js';
import { KEY, sandbox } from './helpers/sandbox.js';
import type { Sandbox } from '../src/sandbox/server.js';

const envOf = (s: Sandbox, state: string) => ({ COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: state });

/** The journal lines of the one journal in a state folder. */
async function journalLines(state: string): Promise<{ t: string; uuid?: string; outcome?: string }[]> {
  const { readdir } = await import('node:fs/promises');
  const [dir] = await readdir(path.join(state, 'journals'));
  const text = await readFile(path.join(state, 'journals', dir as string, 'journal.jsonl'), 'utf8');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { t: string; uuid?: string; outcome?: string });
}

describe('the same undo again', () => {
  test('a results file whose run was taken back says so and touches nothing, however often it is run', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await jobsCsv(dir, 3, 'lim.csv');
    const env = envOf(s, state);
    for (const extra of [['--limit', '1'], ['--limit', '1'], []]) expect((await cli(['import', file, '--rate', '0', ...extra], env)).code).toBe(0);
    expect(s.jobs()).toHaveLength(3);
    const results = path.join(dir, 'lim.results.csv');
    const first = await cli(['undo', results, '--yes'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Undone: 1 deleted');
    const run = /^Run (\S+):/m.exec(first.stdout)?.[1] as string;
    for (let again = 0; again < 3; again++) {
      const undo = await cli(['undo', results, '--yes'], env);
      expect(undo.code).toBe(0);
      expect(undo.stdout).toMatch(new RegExp(`^Run ${run} was taken back already \\(by the undo of \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\): nothing to undo\\.$`, 'm'));
      expect(s.jobs()).toHaveLength(2);
    }
    // By its id, the same.
    expect((await cli(['undo', run, '--yes'], env)).stdout).toContain(`Run ${run} was taken back already`);
    expect(s.jobs()).toHaveLength(2);
  });

  test('a keyed results file: the second undo leaves the jobs the run before made', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const env = envOf(s, state);
    await jobsCsv(dir, 5, 'first.csv');
    expect((await cli(['import', path.join(dir, 'first.csv'), '--key', 'Reference no', '--rate', '0'], env)).code).toBe(0);
    const file = await jobsCsv(dir, 10);
    expect((await cli(['import', file, '--key', 'Reference no', '--rate', '0'], env)).stdout).toMatch(/5 created, 0 updated, 5 unchanged/);
    const results = path.join(dir, 'jobs.results.csv');
    expect((await cli(['undo', results, '--yes'], env)).stdout).toContain('Undone: 5 deleted');
    const again = await cli(['undo', results, '--yes'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Run \S+ was taken back already \(by the undo of [^)]+\): nothing to undo\.$/m);
    expect(s.jobs()).toHaveLength(5);
  });
});

describe('the results of a run that sent nothing', () => {
  test('name no run; undo takes back only the run that made those rows, not a later run of another file over the same jobs', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const env = envOf(s, state);
    const file = await jobsCsv(dir, 3);
    const made = await cli(['import', file, '--rate', '0'], env);
    const madeBy = /\(run (\S+);/.exec(made.stdout)?.[1] as string;
    // Another file edits the same jobs, keyed by their uuids.
    const uuids = s.jobs().map((j) => j.uuid as string);
    await writeFile(path.join(dir, 'edited.csv'), ['Title;UUID', ...uuids.map((u, i) => `Edited ${i};${u}`)].join('\r\n'));
    expect((await cli(['import', path.join(dir, 'edited.csv'), '--key', 'UUID', '--rate', '0'], env)).stdout).toMatch(/3 updated/);
    const again = await cli(['import', file, '--rate', '0', '--json'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ run: null, counts: { skipped: 3 } });
    const results = path.join(dir, 'jobs.results.csv');
    const runColumn = (await readAll(results)).rows.map((r) => r.cells[6]);
    expect(runColumn).toEqual(['', '', '']);
    const undo = await cli(['undo', results, '--dry-run'], env);
    expect(undo.code).toBe(0);
    expect(undo.stderr).toContain(`The import that wrote this results file changed nothing (its rows were unchanged or done before); taking back run ${madeBy}, the run that made or changed those rows' jobs (3 of them).`);
    expect(undo.stdout).toContain(`Run ${madeBy}: 0 jobs to delete`);
    expect(undo.stdout).toMatch(/3 jobs were changed since the run/);
  });

  test('whose rows several runs made: refused, naming the runs and their rows', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const env = envOf(s, state);
    const file = await jobsCsv(dir, 3, 'lim.csv');
    const runs: string[] = [];
    for (const extra of [['--limit', '1'], ['--limit', '1'], [], []]) {
      const run = await cli(['import', file, '--rate', '0', ...extra], env);
      const id = /\(run (\S+);/.exec(run.stdout)?.[1];
      if (id) runs.push(id);
    }
    expect(runs).toHaveLength(3);
    const undo = await cli(['undo', path.join(dir, 'lim.results.csv'), '--yes'], env);
    expect(undo.code).toBe(2);
    expect(undo.stderr).toContain(`The import that wrote this results file sent nothing (its rows were unchanged or done before); their jobs were made by 3 runs: ${runs[2]} (row 4), ${runs[1]} (row 3), ${runs[0]} (row 2).`);
    expect(undo.stderr).toContain(`coredination-batch undo ${runs[2]}`);
    expect(s.jobs()).toHaveLength(3);
  });

  test('with no run on record that made its rows: one message saying what undo looked for, exit 2', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await jobsCsv(dir, 2);
    expect((await cli(['import', file, '--rate', '0'], envOf(s, state))).code).toBe(0);
    expect((await cli(['import', file, '--rate', '0'], envOf(s, state))).code).toBe(0);
    const elsewhere = await tempDir();
    const undo = await cli(['undo', path.join(dir, 'jobs.results.csv'), '--yes'], envOf(s, elsewhere));
    expect(undo.code).toBe(2);
    expect(undo.stderr).toContain(`The import that wrote this results file sent nothing (its rows were unchanged or done before), and no run on record in ${elsewhere} made or changed its rows' jobs (the 2 jobs of its UUID column`);
    expect(s.jobs()).toHaveLength(2);
  });
});

describe('re-import after undo', () => {
  test('an unkeyed file undone is created again, exactly once', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const env = envOf(s, state);
    const file = await jobsCsv(dir, 3, 'lim.csv');
    expect((await cli(['import', file, '--rate', '0'], env)).stdout).toContain('3 created');
    expect((await cli(['undo', path.join(dir, 'lim.results.csv'), '--yes'], env)).stdout).toContain('Undone: 3 deleted');
    expect(s.jobs()).toHaveLength(0);
    const again = await cli(['import', file, '--rate', '0'], env);
    expect(again.stdout).toContain('3 rows: 3 created, 0 updated, 0 skipped');
    expect((await readAll(path.join(dir, 'lim.results.csv'))).rows.map((r) => r.cells[1])).toEqual(['created', 'created', 'created']);
    expect((await cli(['import', file, '--rate', '0'], env)).stdout).toContain('3 rows: 0 created, 0 updated, 3 skipped');
    expect(s.jobs()).toHaveLength(3);
  });

  test('a DELETE that never landed: the journal does not forget the row, and a re-import makes no second job', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const env = envOf(s, state);
    const file = await jobsCsv(dir, 2);
    expect((await cli(['import', file, '--rate', '0'], env)).code).toBe(0);
    s.setFaults({ dropBeforeCommit: 1 });
    const undo = await cli(['undo', path.join(dir, 'jobs.results.csv'), '--yes'], env);
    expect(undo.code).toBe(3);
    expect(undo.stdout).toContain('Undone: 0 deleted, 0 put back, 2 failed');
    s.setFaults({ dropBeforeCommit: 0 });
    expect((await journalLines(state)).filter((l) => l.t === 'undone').map((l) => l.outcome)).toEqual(['kept', 'kept']);
    expect((await cli(['import', file, '--rate', '0'], env)).stdout).toContain('2 rows: 0 created, 0 updated, 2 skipped');
    expect(s.jobs()).toHaveLength(2);
  }, 30_000);

  test('an undo killed with its DELETEs in flight: the journal claims no deletion, and a re-import leaves one job per row', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const env = envOf(s, state);
    const file = await jobsCsv(dir, 3);
    expect((await cli(['import', file, '--rate', '0'], env)).code).toBe(0);
    s.setFaults({ latency: 1500 });
    const child = spawn(process.execPath, [CLI, 'undo', path.join(dir, 'jobs.results.csv'), '--yes'], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('close', resolve));
    for (let waited = 0; !(await journalLines(state)).some((l) => l.t === 'undo') && waited < 20_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const lines = await journalLines(state);
    expect(lines.some((l) => l.t === 'undo')).toBe(true);
    expect(lines.filter((l) => l.t === 'undone')).toEqual([]);
    s.setFaults({ latency: 0 });
    await new Promise((r) => setTimeout(r, 1600)); // the DELETEs in flight land (or not) meanwhile
    expect((await cli(['import', file, '--rate', '0'], env)).code).toBe(0);
    expect(s.jobs().map((j) => j.referenceNo).sort()).toEqual(['0000001', '0000002', '0000003']);
  }, 40_000);
});

describe("undo's own lost answer", () => {
  test('a DELETE whose answer was lost, the job then gone, is counted deleted and said so', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const env = envOf(s, state);
    expect((await cli(['import', await jobsCsv(dir, 2), '--rate', '0'], env)).code).toBe(0);
    s.setFaults({ dropAfterCommit: 1 });
    const undo = await cli(['undo', path.join(dir, 'jobs.results.csv'), '--yes'], env);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toContain('Undone: 2 deleted, 0 put back, 0 failed, 0 left alone (changed since), 0 no longer on the server.');
    expect(undo.stdout).toMatch(/^ {2}job \d+ \(row 2\): deleted; the answer was lost, the job is gone$/m);
    expect(undo.stdout).not.toContain('deleted by someone');
    expect(s.jobs()).toHaveLength(0);
  }, 30_000);
});

describe("undo's exit codes, as the README says", () => {
  test('nothing done because of the input or usage: 2 (no record, another account, a record changed by hand, no --yes without a terminal)', async () => {
    const s = await sandbox({ apiKeys: [KEY, 'other-key'] });
    const [dir, state] = [await tempDir(), await tempDir()];
    const env = envOf(s, state);
    const made = await cli(['import', await jobsCsv(dir, 2), '--rate', '0'], env);
    const run = /\(run (\S+);/.exec(made.stdout)?.[1] as string;
    const noRecord = await cli(['undo', '2026-01-01T00-00-00Z-abcd', '--yes'], env);
    expect([noRecord.code, noRecord.stderr]).toEqual([2, expect.stringContaining('There is no record of run 2026-01-01T00-00-00Z-abcd')]);
    const other = await cli(['undo', run, '--yes'], { ...env, COREDINATION_API_KEY: 'other-key' });
    expect([other.code, other.stderr]).toEqual([2, expect.stringContaining('with another key or address than this command uses')]);
    const noYes = await cli(['undo', run], env);
    expect([noYes.code, noYes.stderr]).toEqual([2, expect.stringContaining('confirm with --yes when it runs without a terminal')]);
    const record = path.join(state, 'runs', `${run}.jsonl`);
    await writeFile(record, (await readFile(record, 'utf8')).split('\n').slice(1).join('\n'));
    const tampered = await cli(['undo', run, '--yes'], env);
    expect([tampered.code, tampered.stderr]).toEqual([2, expect.stringContaining("This run's record cannot be trusted")]);
    expect(s.jobs()).toHaveLength(2);
  });
});
