import { Readable, Writable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import type { CliRun } from './sandbox.js';

/** A stream that keeps what is written to it. */
class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

/**
 * Runs the CLI in this process (no child, no build needed): the environment is only what is
 * given, plus the test's state folder, as a child started by `runCli` of ./sandbox.js would see it;
 * stdin is not a terminal and has nothing to read.
 */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = Object.assign(Readable.from([]), { isTTY: false });
  const code = await runCli(args, { stdin, stdout, stderr, env: { COREDINATION_STATE_DIR: process.env.COREDINATION_STATE_DIR, ...env } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
