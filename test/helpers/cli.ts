// The two ways a test runs the CLI. In this process (`cli`), the default: no build, no start-up,
// the real sandbox over loopback all the same. In a process of its own (`cliProcess`, `CLI`) only
// where the test needs one: a kill -9, a signal, a resource limit (ulimit), a daemon that runs
// until stopped, or the bin's own start-up.
import { spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import { PACKAGE_BIN, PACKAGE_ROOT } from '../../src/tool-version.js';

/** What a CLI run printed, and its exit code (null: the process was ended by a signal). */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A run in this process: it always has an exit code, and stdout's JSON lines (--json, schedule's log) parsed. */
export interface InProcessRun extends CliRun {
  code: number;
  readonly lines: Record<string, unknown>[];
}

/** A stream that keeps what is written to it. */
class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

/** A run in this process, still going: what it has printed so far, and its end. */
export interface StartedCli {
  stdout: () => string;
  stderr: () => string;
  /** stdout's JSON lines so far. */
  lines: () => Record<string, unknown>[];
  done: Promise<InProcessRun>;
}

const jsonLines = (text: string) => text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

/**
 * Starts the CLI in this process: the environment is only what is given, plus PATH and the test's
 * state folder, as a child started by `cliProcess` sees it; stdin is not a terminal and has
 * nothing to read. `stopAfterMs`, for a run that should end by itself but might not (a daemon or
 * a sandbox that starts instead of refusing): it is then stopped as Ctrl+C stops it (the CLI's own
 * listener), so that the test fails instead of hanging.
 */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, options: { stopAfterMs?: number } = {}): StartedCli {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = Object.assign(Readable.from([]), { isTTY: false });
  const guard = options.stopAfterMs === undefined ? undefined : setTimeout(() => process.emit('SIGINT'), options.stopAfterMs);
  const done = runCli(args, { stdin, stdout, stderr, env: { PATH: process.env.PATH, COREDINATION_STATE_DIR: process.env.COREDINATION_STATE_DIR, ...env } })
    .finally(() => clearTimeout(guard))
    .then((code) => ({
      code,
      stdout: stdout.text,
      stderr: stderr.text,
      get lines() {
        return jsonLines(stdout.text);
      },
    }));
  return { stdout: () => stdout.text, stderr: () => stderr.text, lines: () => jsonLines(stdout.text), done };
}

/** Runs the CLI in this process to its end (see `startCli`). */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}, options: { stopAfterMs?: number } = {}): Promise<InProcessRun> {
  return startCli(args, env, options).done;
}

/** The built CLI, as package.json names it (npm test builds first). */
export const CLI = PACKAGE_BIN;

/** Runs the built CLI in a child process, to its end. */
export function cliProcess(args: string[], env: NodeJS.ProcessEnv = {}, options: { cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? PACKAGE_ROOT,
      env: { PATH: process.env.PATH, COREDINATION_STATE_DIR: process.env.COREDINATION_STATE_DIR, ...env },
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
