// SIGTERM during a listing that trickles: the export stops at once, cleanly (a process of its own,
// for the signal).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { CLI } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

describe('a listing stopped by SIGTERM', () => {
  test('the export ends within a second, exit 1, interrupted, nothing at its path', async () => {
    const s = await sandbox({ generate: 5, trickle: 50 });
    const out = path.join(await tempDir(), 'jobs.csv');
    const child = spawn(process.execPath, [CLI, 'export', out], {
      env: { PATH: process.env.PATH, COREDINATION_STATE_DIR: process.env.COREDINATION_STATE_DIR, COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Once the listing is dripping in (it would take 10 s and more), stop it.
    while (s.maxInFlight() === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(Date.now() - stopped).toBeLessThan(1000);
    expect(code).toBe(1);
    expect(stderr).toMatch(/The export was interrupted; nothing was written to its path\./);
    expect(existsSync(out)).toBe(false);
  });
});
