// How long a command takes to start: `--help` as a whole process against `node -e 0`, the
// median of paired runs (target: within 2.5×, since a command's modules load only when it runs).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../src/tool-version.js';
import { nodeStart, pairedMedians } from './rounds.js';

const exec = promisify(execFile);
const CLI = path.join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'bin.js');

async function timedRun(args: string[]): Promise<number> {
  const start = process.hrtime.bigint();
  await exec(process.execPath, [CLI, ...args]);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function startUp(): Promise<void> {
  const [help, importHelp, bare] = (await pairedMedians([() => timedRun(['--help']), () => timedRun(['import', '--help']), () => nodeStart()], 9)) as [number, number, number];
  console.log(`--help: ${(help * 1000).toFixed(0)} ms = ${(help / bare).toFixed(2)}× node -e 0 (${(bare * 1000).toFixed(0)} ms; median of 9 paired runs; target ≤ 2.5×); import --help: ${(importHelp * 1000).toFixed(0)} ms = ${(importHelp / bare).toFixed(2)}×`);
}
