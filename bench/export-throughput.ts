// 100,000 jobs (sandbox --generate, in its own process) exported to xlsx and to csv: rows/s and
// peak RSS, beside exceljs's streaming writer and csv-stringify alone writing the same rows
// (best of three interleaved runs, bench/rounds.ts).
// Also 20,000 jobs, to show whether memory grows with the job count.
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../src/tool-version.js';
import { interleaved, type Best } from './rounds.js';
import { startSandboxProcess } from './sandbox-process.js';

const run = promisify(execFile);
const DIR = path.join(PACKAGE_ROOT, '.bench-tmp', 'export');

async function once(mode: string, out: string, url: string, count: number) {
  const { stdout } = await run(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'bench', 'export-child.js'), mode, out, url, String(count)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as { rows: number; seconds: number; maxRssMb: number };
}

export async function exportThroughput(): Promise<void> {
  await rm(DIR, { recursive: true, force: true });
  await mkdir(DIR, { recursive: true });
  console.log('jobs    | format | export rows/s | bare writer rows/s | ratio | export RSS MB | bare RSS MB');
  for (const count of [20_000, 100_000]) {
    const sandbox = await startSandboxProcess(['--generate', String(count)]);
    try {
      for (const [format, bare] of [['xlsx', 'exceljs'], ['csv', 'csv-stringify']] as const) {
        const [ours, alone] = (await interleaved([
          () => once('ours', path.join(DIR, `ours-${count}.${format}`), sandbox.url, 0),
          () => once(bare, path.join(DIR, `bare-${count}.${format}`), '', count),
        ])) as [Best, Best];
        console.log(`${String(count).padEnd(7)} | ${format.padEnd(6)} | ${ours.rate.toFixed(0).padStart(13)} | ${alone.rate.toFixed(0).padStart(18)} | ${(ours.rate / alone.rate).toFixed(2)}  | ${(ours.maxRssMb ?? 0).toFixed(0).padStart(13)} | ${(alone.maxRssMb ?? 0).toFixed(0).padStart(11)}`);
      }
    } finally {
      await sandbox.stop();
    }
  }
}
