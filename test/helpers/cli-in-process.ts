import { cli } from './cli.js';

/** What a CLI run in this process printed, and its exit code. */
export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout's JSON lines. */
  lines: Record<string, unknown>[];
}

/** Runs the CLI in this process (./cli.js), with stdout's JSON lines parsed. */
export async function cliInProcess(argv: string[], env: NodeJS.ProcessEnv): Promise<InProcessRun> {
  const run = await cli(argv, { PATH: process.env.PATH, ...env });
  const lines = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code: run.code ?? 1, stdout: run.stdout, stderr: run.stderr, lines };
}
