// The sandbox command: which key it prints, and a warning off loopback. One that starts runs in a
// process of its own, which the test stops with SIGTERM; one that cannot start runs in this process.
import { spawn } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { CLI, cli } from './helpers/cli.js';

const REAL_KEY = 'secret-real-key';

/**
 * Starts `sandbox --port 0` with these arguments, reads what it prints on starting, checks that it
 * accepts `accepts` (a key), and stops it.
 */
function startAndStop(args: string[], env: NodeJS.ProcessEnv = {}, accepts?: string, ask?: (url: string) => Promise<unknown>): Promise<{ stdout: string; stderr: string; code: number | null; url?: string; accepted?: boolean; asked?: unknown }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let url: string | undefined;
    let accepted: boolean | undefined;
    let asked: unknown;
    let checked = false;
    /** Once it has started: whether it accepts the key, what it answers `ask`; then SIGTERM. */
    const checkThenStop = async () => {
      url = /http:\/\/[^\s"]+\/api\/1/.exec(stdout)?.[0];
      if (url && accepts) {
        accepted = await createClient({ baseUrl: url, apiKey: accepts }).getJob(1).then(
          () => true,
          (error: { code?: string }) => error.code !== 'AUTH',
        );
      }
      if (url && ask) asked = await ask(url).catch((error: unknown) => error);
      child.kill('SIGTERM');
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const started = stdout.includes('Ctrl+C') || stdout.trim().endsWith('}');
      if (!started || checked) return;
      checked = true;
      void checkThenStop();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Never left running, whatever happens to the test.
    const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ stdout, stderr, code, url, accepted, asked });
    });
  });
}

describe('sandbox via the built CLI', () => {
  test('a key from COREDINATION_API_KEY is accepted and never printed', async () => {
    const run = await startAndStop([], { COREDINATION_API_KEY: REAL_KEY }, REAL_KEY);
    expect(run.code).toBe(0);
    expect(run.accepted).toBe(true);
    expect(run.stdout + run.stderr).not.toContain(REAL_KEY);
    expect(run.stdout).toMatch(/API key: the one in COREDINATION_API_KEY \(not printed\)/);
    expect(run.stdout).toMatch(/Try: +COREDINATION_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/api\/1 coredination-batch version/);
  });

  test('--json: the key from the environment is not in the document', async () => {
    const run = await startAndStop(['--json'], { COREDINATION_API_KEY: REAL_KEY });
    expect(run.stdout + run.stderr).not.toContain(REAL_KEY);
    expect(JSON.parse(run.stdout)).toMatchObject({ apiKeyFrom: 'COREDINATION_API_KEY' });
  });

  test('a key it made up, or given by --api-key, is printed', async () => {
    expect((await startAndStop([])).stdout).toMatch(/API key: sandbox-key\n.*COREDINATION_API_KEY=sandbox-key/);
    const flag = await startAndStop(['--api-key', 'try-key-1', '--json'], { COREDINATION_API_KEY: REAL_KEY });
    expect(JSON.parse(flag.stdout)).toMatchObject({ apiKeys: ['try-key-1'] });
    expect(flag.stdout).not.toContain(REAL_KEY);
  });

  test('a --host that is not loopback is warned about (192.0.2.1 is not this machine\'s: nothing listens)', async () => {
    const run = await cli(['sandbox', '--port', '0', '--host', '192.0.2.1'], {}, { stopAfterMs: 10_000 });
    expect(run.stderr).toMatch(/Warning: listening on 192\.0\.2\.1, not only on this machine/);
    expect(run.code).not.toBe(0);
  });

  test('the paging switches and the hostile answers are flags: --page-cap, --ignore-offset, --quirk', async () => {
    const list = (url: string) => fetch(`${url}/job?limit=50&offset=3`, { headers: { 'API-Key': 'sandbox-key' } }).then(async (r) => ({ type: r.headers.get('content-type'), body: await r.text() }));
    const capped = await startAndStop(['--generate', '20', '--page-cap', '4', '--ignore-offset'], {}, undefined, list);
    const jobs = JSON.parse((capped.asked as { body: string }).body) as { id: number }[];
    expect(jobs.map((j) => j.id)).toEqual([100001, 100002, 100003, 100004]);
    const html = await startAndStop(['--generate', '20', '--quirk', 'html'], {}, undefined, list);
    expect(html.asked).toMatchObject({ type: 'text/html; charset=UTF-8', body: expect.stringMatching(/^<!DOCTYPE html>/) });
  });

  test('an unknown --quirk is a usage error naming the ones there are', async () => {
    const run = await cli(['sandbox', '--port', '0', '--quirk', 'rude'], {}, { stopAfterMs: 10_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/quirk/);
    expect(run.stderr).toMatch(/null-in-list/);
  });
});
