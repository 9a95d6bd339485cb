// Import through the CLI: killed (kill -9) or stopped (SIGTERM) mid-run in a process of its own,
// then resumed in this process; exit codes, the key kept out of every file, the config file.
import { spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from '@jest/globals';
import type { Sandbox } from '../src/sandbox/server.js';
import { CLI, cli, cliProcess } from './helpers/cli.js';
import { readAll, SAMPLES, tempDir } from './helpers/files.js';
import { jobsCsv } from './helpers/jobs-file.js';
import { KEY, sandbox } from './helpers/sandbox.js';

function env(s: Sandbox) {
  return { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: process.env.COREDINATION_STATE_DIR };
}

/** Starts an import in a process of its own (for the signal) and kills it with `signal` once `afterJobs` jobs exist. */
async function importAndKill(s: Sandbox, file: string, signal: NodeJS.Signals, afterJobs: number) {
  const child = spawn(process.execPath, [CLI, 'import', file, '--rate', '0', '--concurrency', '8'], {
    env: { PATH: process.env.PATH, ...env(s) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  for (let i = 0; i < 400 && s.jobs().length < afterJobs; i++) await sleep(10);
  child.kill(signal);
  return { code: await exited, output };
}

const refs = (s: Sandbox) => s.jobs().map((j) => j.referenceNo as string).sort();
const expected = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1).padStart(7, '0'));

describe('import via the CLI', () => {
  test('killed with SIGKILL mid-run, then run again: no duplicates, every row accounted for', async () => {
    const s = await sandbox({ latency: 15 });
    const dir = await tempDir();
    const file = await jobsCsv(dir, 300);
    const killed = await importAndKill(s, file, 'SIGKILL', 60);
    expect(killed.code).toBe(null);
    const before = s.jobs().length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(300);

    const again = await cli(['import', file, '--rate', '0', '--concurrency', '8', '--json'], env(s));
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout) as { counts: { created: number; skipped: number; unknown: number } };
    expect(summary.counts.created + summary.counts.skipped).toBe(300);
    expect(summary.counts.unknown).toBe(0);
    expect(refs(s)).toEqual(expected(300));
    const results = await readAll(path.join(dir, 'jobs.results.csv'));
    expect(results.rows).toHaveLength(300);
    expect(new Set(results.rows.map((r) => r.cells[2])).size).toBe(300); // every row has its own job id
  });

  test('SIGTERM: stops, says how to resume, exit 1; the next run finishes', async () => {
    const s = await sandbox({ latency: 15 });
    const dir = await tempDir();
    const file = await jobsCsv(dir, 200);
    const stopped = await importAndKill(s, file, 'SIGTERM', 30);
    expect(stopped.code).toBe(1);
    expect(stopped.output).toMatch(/Run the same command again to resume/);
    const again = await cli(['import', file, '--rate', '0'], env(s));
    expect(again.code).toBe(0);
    expect(refs(s)).toEqual(expected(200));
  });

  test('exit 3 with rejected rows; the key is in no output, results, errors or journal file', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const file = path.join(dir, 'jobb.csv');
    await (await import('node:fs/promises')).writeFile(file, 'Title;Duration\nBra;30\nOgiltig;-5\n');
    // A negative duration is refused by the check; --skip-invalid sends the valid row and reports it rejected.
    const run = await cli(['import', file, '--verbose', '--skip-invalid'], env(s));
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/1 created, .* 1 rejected/);
    expect(run.stdout).toMatch(/Rejected and failed rows: .*jobb\.errors\.csv/);
    expect(run.stdout + run.stderr).not.toContain(KEY);
    const files = await readdir(dir);
    expect(files).toEqual(expect.arrayContaining(['jobb.csv', 'jobb.results.csv', 'jobb.errors.csv']));
    for (const name of files) expect(await readFile(path.join(dir, name), 'utf8')).not.toContain(KEY);
  });

  test('a refused key: exit 1, nothing created', async () => {
    const s = await sandbox();
    const file = await jobsCsv(await tempDir(), 3);
    const run = await cli(['import', file], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: 'nope-123' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused the API key/);
    expect(run.stderr + run.stdout).not.toContain('nope-123');
    expect(s.jobs()).toHaveLength(0);
  });

  test('npm start\'s demo: imports the sample into an embedded sandbox', async () => {
    const dir = await tempDir();
    const run = await cli(['demo', '--out', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('36 jobs created');
    // Its sandbox stopped with it: no undo is offered that cannot work, only how to try one.
    expect(run.stdout + run.stderr).not.toContain('takes it back');
    expect(run.stdout).toContain('To try undo (the demo\'s run went with its sandbox): start  coredination-batch sandbox  and, in another terminal,');
    expect(run.stdout).toContain('  coredination-batch import samples/jobs.xlsx\n  coredination-batch undo samples/jobs.results.csv\n');
    const results = await readAll(path.join(dir, 'import-results.csv'));
    expect(results.rows.filter((r) => r.cells[1] === 'created')).toHaveLength(36);
  });

  test('the demo run from another folder (an installed package) names the sample where it is, and results here', async () => {
    // A process of its own: its working folder is not the package's.
    const dir = await tempDir();
    const run = await cliProcess(['demo', '--out', path.join(dir, 'out')], {}, { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`  coredination-batch import ${path.join(SAMPLES, 'jobs.xlsx')} --results jobs.results.csv\n  coredination-batch undo jobs.results.csv\n`);
  });
});

describe('configuration', () => {
  test('a config file gives the base URL, key and rate; flags and environment win; a readable key is warned about', async () => {
    const { writeFile, chmod } = await import('node:fs/promises');
    const s = await sandbox();
    const dir = await tempDir();
    const config = path.join(dir, 'config.yaml');
    await writeFile(config, `baseUrl: ${s.url}\napiKey: ${KEY}\nrate: 0\nconcurrency: 2\n`);
    await chmod(config, 0o644);
    const file = await jobsCsv(dir, 5);
    const run = await cli(['import', file, '--config', config]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/holds the API key and other users can read it; run: chmod 600/);
    expect(run.stderr).toMatch(/2 at a time, with no rate cap/);
    expect(run.stderr + run.stdout).not.toContain(KEY);
    await chmod(config, 0o600);
    const version = await cli(['version'], { COREDINATION_CONFIG: config });
    expect(version.code).toBe(0);
    expect(version.stderr).toBe('');
    const wrong = await cli(['version', '--config', config], { COREDINATION_API_KEY: 'env-wins-key' });
    expect(wrong.code).toBe(1); // the environment's key is used, and refused
    await writeFile(config, 'baseUrl: 5\ncolour: red\n');
    const bad = await cli(['version', '--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/baseUrl: expected a string/);
    expect(bad.stderr).toMatch(/colour: not a known setting/);
    await writeFile(config, 'apikey: x\n');
    const slip = await cli(['version', '--config', config]);
    expect(slip.code).toBe(2);
    expect(slip.stderr).toMatch(/apikey: not a known setting; did you mean apiKey\?/);
  });
});
