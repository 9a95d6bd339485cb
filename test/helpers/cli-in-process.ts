import { PassThrough } from 'node:stream';
import { runCli as run } from '../../src/cli/main.js';

/** What a CLI run in this process printed, and its exit code. */
export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout's JSON lines. */
  lines: Record<string, unknown>[];
}

/** Runs the CLI in this process with its own output and environment (no child process to start). */
export async function cliInProcess(argv: string[], env: NodeJS.ProcessEnv): Promise<InProcessRun> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await run(argv, { stdout: out, stderr: err, env: { PATH: process.env.PATH, ...env } });
  const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, stdout, stderr, lines };
}
