import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach } from '@jest/globals';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { PACKAGE_ROOT } from '../../src/tool-version.js';

export const KEY = 'test-key-7f3a9c';

const running: Sandbox[] = [];

/** A sandbox on a free loopback port, closed after the test. */
export async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const started = await startSandbox({ port: 0, apiKeys: [KEY], retryAfter: 0, ...options });
  running.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** The built CLI (npm test builds first). */
export const CLI = path.join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'bin.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI in a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, options: { cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? PACKAGE_ROOT,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
