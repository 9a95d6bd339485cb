// How long a command takes to start: `--help` as a whole process against `node -e 0`, the
// median of paired runs (target: within 2.5×: a command's modules load only when it runs, and a
// bare --help prints the page the build rendered). Beside it, a command that parses its flags
// with yargs and runs: `mapping check` of the shipped template, offline.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_BIN, PACKAGE_ROOT } from '../src/tool-version.js';
import { nodeStart, pairedMedians } from './rounds.js';

const exec = promisify(execFile);
const CLI = PACKAGE_BIN;

async function timedRun(args: string[]): Promise<number> {
  const start = process.hrtime.bigint();
  await exec(process.execPath, [CLI, ...args]);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function startUp(): Promise<void> {
  const check = ['mapping', 'check', path.join(PACKAGE_ROOT, 'templates', 'jobs.mapping.yaml')];
  const [help, importHelp, checked, bare] = (await pairedMedians([() => timedRun(['--help']), () => timedRun(['import', '--help']), () => timedRun(check), () => nodeStart()], 9)) as [number, number, number, number];
  const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;
  console.log(`--help: ${ms(help)} = ${(help / bare).toFixed(2)}× node -e 0 (${ms(bare)}; median of 9 paired runs; target ≤ 2.5×); import --help: ${ms(importHelp)} = ${(importHelp / bare).toFixed(2)}×`);
  console.log(`mapping check templates/jobs.mapping.yaml (yargs parses the flags, the mapping is loaded and checked): ${ms(checked)} = ${(checked / bare).toFixed(2)}× node -e 0`);
}
