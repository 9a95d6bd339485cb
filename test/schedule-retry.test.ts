// Retries through an outage: which failures may pass, the pauses, a sandbox that comes up only
// after the run began, a hung server, and a stop during a pause.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from '@jest/globals';
import { ApiError, CdbError } from '../src/errors.js';
import { mayPass, RETRY_PAUSES, retryPause } from '../src/schedule/retry.js';
import type { RunRecord } from '../src/schedule/schedule-record.js';
import { CLI, startCli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const unreachable = (networkCode: string) => new ApiError('UNREACHABLE', 'no answer', { method: 'GET', path: 'job', networkCode });
const answered = (status: number) => new ApiError(status === 401 || status === 403 ? 'AUTH' : 'HTTP', `answered ${status}`, { method: 'GET', path: 'job', status });

/** A loopback port nothing listens on (a sandbox started there and closed). */
async function freePort(): Promise<{ port: number; url: string }> {
  const s = await sandbox();
  const { port, url } = s;
  await s.close();
  return { port, url };
}

interface Run {
  /** The schedule's log records printed so far. */
  readonly lines: RunRecord[];
  stderr: () => string;
  exited: Promise<number | null>;
}

/** The CLI in this process, its log read as it goes. */
function cli(args: string[], env: NodeJS.ProcessEnv): Run {
  const run = startCli(args, env);
  return {
    get lines() {
      return run.lines() as unknown as RunRecord[];
    },
    stderr: run.stderr,
    exited: run.done.then((done) => done.code),
  };
}

/** The CLI in a process of its own, for the SIGTERM that stops the daemon. */
function daemon(args: string[], env: NodeJS.ProcessEnv): Run & { kill: (signal: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: RunRecord[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) if (line.trim()) lines.push(JSON.parse(line) as RunRecord);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return { lines, stderr: () => stderr, exited: new Promise((resolve) => child.on('close', resolve)), kill: (signal) => child.kill(signal) };
}

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(25);
  }
}

describe('which failures are tried again', () => {
  test('no answer, 5xx, 429 and 408 may pass; a refused key, a 4xx, an untrusted certificate and our own refusals do not', () => {
    for (const error of [unreachable('ECONNREFUSED'), unreachable('ETIMEDOUT'), unreachable('ENOTFOUND'), answered(500), answered(502), answered(503), answered(429), answered(408)]) expect(mayPass(error)).toBe(true);
    for (const error of [answered(401), answered(403), answered(404), answered(400), unreachable('DEPTH_ZERO_SELF_SIGNED_CERT'), unreachable('CERT_HAS_EXPIRED')]) expect(mayPass(error)).toBe(false);
    for (const code of ['USAGE', 'INPUT', 'MAPPING', 'INSECURE_URL', 'OUTPUT', 'INTERRUPTED', 'LOCKED'] as const) expect(mayPass(new CdbError(code, 'x'))).toBe(false);
    expect(mayPass(new Error('a bug'))).toBe(false);
  });

  test('the pauses double from 2 s to 5 min, each drawn from its upper half', () => {
    expect([1, 2, 3, 4].map((n) => retryPause(n, () => 1))).toEqual([2000, 4000, 8000, 16_000]);
    expect([1, 2, 3, 4].map((n) => retryPause(n, () => 0))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryPause(9, () => 1)).toBe(RETRY_PAUSES.maxMs);
    expect(retryPause(50, () => 0)).toBe(RETRY_PAUSES.maxMs / 2);
    // 30 minutes of outage is about 12 tries.
    let spent = 0;
    let tries = 1;
    while (spent + retryPause(tries, () => 0.5) <= 30 * 60_000) spent += retryPause(tries++, () => 0.5);
    expect(tries).toBeGreaterThanOrEqual(10);
    expect(tries).toBeLessThanOrEqual(15);
  });
});

describe('schedule runs through an outage', () => {
  test('--once: the API comes up only after the run began; each try is logged, the run succeeds', async () => {
    const { port, url } = await freePort();
    const dir = await tempDir();
    const file = path.join(dir, 'schedules.yaml');
    await writeFile(file, 'timezone: Europe/Stockholm\nexports:\n  - name: nightly\n    cron: "0 2 * * *"\n    output: nightly-{date}.csv\n    retry: 2m\n');
    const began = Date.now();
    const run = cli(['schedule', file, '--once', 'nightly'], { COREDINATION_BASE_URL: url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') });
    await until(() => run.lines.length >= 2);
    const up = Date.now();
    const s = await sandbox({ generate: 7, port });
    expect(await run.exited).toBe(0);
    const ended = Date.now();
    const retries = run.lines.filter((l) => l.outcome === 'retrying');
    const last = run.lines.at(-1);
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries.map((r) => r.try)).toEqual(retries.map((_, i) => i + 1));
    for (const retry of retries) {
      expect(retry.error).toMatch(/Could not reach the (server|API)/);
      expect(retry.retryInMs).toBeGreaterThan(0);
    }
    expect(last).toMatchObject({ name: 'nightly', outcome: 'ok', rows: 7, try: retries.length + 1 });
    // The run's start is its first try's; times are in the schedule's zone.
    expect(last?.start).toBe(retries[0]?.start);
    expect(last?.start).toMatch(/\+0[12]:00$/);
    expect(run.stderr()).toMatch(/nightly: try 1 failed: Could not reach the .*; trying again in \d/);
    expect(s.jobs()).toHaveLength(7);
    // For the report (not asserted): how long the outage and the run took.
    process.stdout.write(`outage test: API up after ${((up - began) / 1000).toFixed(1)} s, run done after ${((ended - began) / 1000).toFixed(1)} s, ${retries.length + 1} tries\n`);
  });

  test('a hung server fails each try after the schedule\'s timeout, not minutes; after retry: the run fails with the last try\'s error', async () => {
    const s = await sandbox({ generate: 3, latency: 6000 });
    const dir = await tempDir();
    const file = path.join(dir, 'schedules.yaml');
    await writeFile(file, 'timeout: 1s\nexports:\n  - name: nightly\n    cron: "0 2 * * *"\n    output: out.csv\n    retry: 8s\n');
    const run = cli(['schedule', file, '--once', 'nightly'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') });
    expect(await run.exited).toBe(1);
    const last = run.lines.at(-1);
    expect(last?.outcome).toBe('failed');
    expect(last?.try).toBeGreaterThanOrEqual(2);
    expect(last?.error).toMatch(/1 s/);
    // Each try ended by the 1 s timeout (the client's own retries are off: the schedule retries).
    for (const record of run.lines.filter((l) => l.outcome === 'retrying')) expect(Date.parse(record.end) - Date.parse(record.start)).toBeLessThan(10_000);
  });

  test('retry: 0 tries once; a refused key is not tried again', async () => {
    const { url } = await freePort();
    const dir = await tempDir();
    const file = path.join(dir, 'schedules.yaml');
    await writeFile(file, 'exports:\n  - name: nightly\n    cron: "0 2 * * *"\n    output: out.csv\n    retry: 0\n');
    const env = { COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') };
    const once = cli(['schedule', file, '--once', 'nightly'], { ...env, COREDINATION_BASE_URL: url });
    expect(await once.exited).toBe(1);
    expect(once.lines).toEqual([expect.objectContaining({ outcome: 'failed', try: 1 })]);
    const s = await sandbox();
    await writeFile(file, 'exports:\n  - name: nightly\n    cron: "0 2 * * *"\n    output: out.csv\n');
    const refused = cli(['schedule', file, '--once', 'nightly'], { ...env, COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: 'wrong-key-1' });
    expect(await refused.exited).toBe(1);
    expect(refused.lines).toEqual([expect.objectContaining({ outcome: 'failed', try: 1, error: expect.stringMatching(/refused the API key/) })]);
  });

  test('the daemon: SIGTERM during a pause exits 0 at once, without another try', async () => {
    const { url } = await freePort();
    const dir = await tempDir();
    const file = path.join(dir, 'schedules.yaml');
    await writeFile(file, 'exports:\n  - name: nightly\n    cron: "* * * * * *"\n    output: out-{time}.csv\n');
    const d = daemon(['schedule', file], { COREDINATION_BASE_URL: url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') });
    await until(() => d.lines.some((l) => l.outcome === 'retrying' && (l.retryInMs ?? 0) >= 1000));
    const stoppedAt = Date.now();
    d.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    const tries = d.lines.filter((l) => l.outcome === 'retrying');
    const last = d.lines.at(-1);
    expect(last).toMatchObject({ outcome: 'failed', try: tries.length });
    expect(last?.error).toMatch(/\(the schedule was stopped before the next try\)$/);
    expect(d.stderr()).toMatch(/Stopped\./);
  });
});
