// Asked for twice what the server allows: the sandbox (its own process) answers 429 with
// Retry-After: 1 beyond 10 requests a second, and the whole import command (its own process) is
// given --rate 20 for 300 rows. Prints rows/s as a share of the server's limit (target 0.9): what
// the pauses, the rate found after them and the resumption cost.
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_BIN, PACKAGE_ROOT } from '../src/tool-version.js';
import { BENCH_KEY, startSandboxProcess, timed } from './sandbox-process.js';

const run = promisify(execFile);
const DIR = path.join(PACKAGE_ROOT, '.bench-tmp', 'rate-limited');
const CLI = PACKAGE_BIN;
const LIMIT = 10;
const ROWS = 300;

export async function rateLimited(): Promise<void> {
  await rm(DIR, { recursive: true, force: true });
  await mkdir(DIR, { recursive: true });
  const file = path.join(DIR, 'jobs.csv');
  const lines = ['Title;Reference no;Start;Duration'];
  for (let i = 1; i <= ROWS; i++) lines.push(`Service av värmepump ${i};${String(i).padStart(7, '0')};2026-12-${String(1 + (i % 28)).padStart(2, '0')} 08:00;60`);
  await writeFile(file, `${lines.join('\r\n')}\r\n`);
  const sandbox = await startSandboxProcess(['--rate-limit', String(LIMIT), '--retry-after', '1']);
  try {
    let summary = { counts: { created: 0 }, throttles: 0, retries: 0 };
    const seconds = await timed(async () => {
      const { stdout } = await run(process.execPath, [CLI, 'import', file, '--rate', String(2 * LIMIT), '--json', '--results', path.join(DIR, 'results.csv')], {
        env: { ...process.env, COREDINATION_BASE_URL: sandbox.url, COREDINATION_API_KEY: BENCH_KEY, COREDINATION_STATE_DIR: path.join(DIR, 'state') },
        maxBuffer: 1 << 24,
      });
      summary = JSON.parse(stdout) as typeof summary;
    });
    const rate = summary.counts.created / seconds;
    console.log(`sandbox --rate-limit ${LIMIT} (429, Retry-After: 1), import --rate ${2 * LIMIT}, ${ROWS} rows, whole command: ${seconds.toFixed(1)} s, ${rate.toFixed(2)} rows/s = ${(rate / LIMIT).toFixed(2)} of the server's limit (target 0.9); ${summary.throttles} throttles, ${summary.retries} retries, ${summary.counts.created} created`);
  } finally {
    await sandbox.stop();
  }
}
