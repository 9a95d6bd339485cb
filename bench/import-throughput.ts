// The import end to end (the whole command, in its own process) against the sandbox in another:
//  1. 20 ms latency, 6,000 rows, concurrency 16, no rate cap: rows/s as a share of 16 / 0.020 s,
//     beside a bare got + p-limit script posting the same payloads from a process of its own.
//  2. 0 ms latency, concurrency 32: rows/s as a share of a bare got + p-limit loop posting the
//     same payloads.
//  3. 1,000 rows at 10 ms latency: the import against the ideal, a bare got script, the same
//     payloads over node:http alone, and newman (Postman's runner, --iteration-data).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import got from 'got';
import pLimit from 'p-limit';
import { PACKAGE_BIN, PACKAGE_ROOT } from '../src/tool-version.js';
import { createClient } from '../src/api/client.js';
import { runImport } from '../src/import/run-import.js';
import { loadMapping } from '../src/mapping/load-mapping.js';
import { interleaved, nodeStart, pairedMedians, ROUNDS, type Run } from './rounds.js';
import { BENCH_KEY, startSandboxProcess, timed } from './sandbox-process.js';

const run = promisify(execFile);
const DIR = path.join(PACKAGE_ROOT, '.bench-tmp', 'import');
const CLI = PACKAGE_BIN;
const NEWMAN_DIR = path.join(PACKAGE_ROOT, '.bench-tmp', 'newman');
const NEWMAN_VERSION = '6.2.2';

async function jobsFile(count: number): Promise<string> {
  const file = path.join(DIR, `jobs-${count}.csv`);
  const lines = ['Title;Reference no;Start;Duration;Place'];
  for (let i = 1; i <= count; i++) lines.push(`Service av värmepump ${i};${String(i).padStart(7, '0')};2026-12-${String(1 + (i % 28)).padStart(2, '0')} 08:00;60;Storgatan ${i % 90}, Västerås`);
  await writeFile(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

let runs = 0;

/** The whole import command, timed; each run with a state folder of its own, so that it sends every row. */
async function importCommand(url: string, file: string, concurrency: number): Promise<Run> {
  await rm(path.join(DIR, 'results'), { recursive: true, force: true });
  const state = path.join(DIR, 'state', String(runs++));
  let created = 0;
  const seconds = await timed(async () => {
    const { stdout } = await run(process.execPath, [CLI, 'import', file, '--concurrency', String(concurrency), '--rate', '0', '--json', '--results', path.join(DIR, 'results', 'results.csv')], {
      env: { ...process.env, COREDINATION_BASE_URL: url, COREDINATION_API_KEY: BENCH_KEY, COREDINATION_STATE_DIR: state },
      maxBuffer: 1 << 24,
    });
    created = (JSON.parse(stdout) as { counts: { created: number } }).counts.created;
  });
  return { rows: created, seconds };
}

/** The payloads the import would send, as JSON lines in a file, and read. */
async function payloadsOf(file: string): Promise<{ file: string; payloads: unknown[] }> {
  const out = path.join(DIR, `${path.basename(file, '.csv')}.payloads.jsonl`);
  await run(process.execPath, [CLI, 'import', file, '--dry-run', '--payloads', out, '-q']);
  return { file: out, payloads: (await readFile(out, 'utf8')).trim().split('\n').map((line) => (JSON.parse(line) as { job: unknown }).job) };
}

/** A bare got + p-limit script (or, with `child` http-post-child.js, node:http alone) in a process of its own, timed whole like the command. */
async function bareScript(url: string, payloadsFile: string, concurrency: number, child = 'post-child.js'): Promise<Run> {
  let rows = 0;
  const seconds = await timed(async () => {
    const { stdout } = await run(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'bench', child), url, payloadsFile, String(concurrency)]);
    rows = (JSON.parse(stdout) as { rows: number }).rows;
  });
  return { rows, seconds };
}

/** The import engine in this process (no process start): what the journal, results and mapping cost. */
async function importInProcess(url: string, file: string, concurrency: number): Promise<Run> {
  const { mapping } = await loadMapping();
  let created = 0;
  const seconds = await timed(async () => {
    const summary = await runImport({ file, mapping, client: createClient({ baseUrl: url, apiKey: BENCH_KEY, retry: { limit: 0 } }), concurrency, rate: 0, fresh: true, resultsFile: path.join(DIR, 'results', 'in-process.csv'), stateDir: path.join(DIR, 'state', String(runs++)) });
    created = summary.counts.created;
  });
  return { rows: created, seconds };
}

async function bareLoop(url: string, payloads: unknown[], concurrency: number): Promise<Run> {
  const api = got.extend({ prefixUrl: url, headers: { 'API-Key': BENCH_KEY }, retry: { limit: 0 } });
  const limit = pLimit(concurrency);
  const seconds = await timed(() => Promise.all(payloads.map((json) => limit(() => api.post('job', { json: json as Record<string, unknown> }).json()))));
  return { rows: payloads.length, seconds };
}

async function ensureNewman(): Promise<string | undefined> {
  const bin = path.join(NEWMAN_DIR, 'node_modules', 'newman', 'bin', 'newman.js');
  if (!existsSync(bin)) {
    console.log(`(installing newman@${NEWMAN_VERSION} into .bench-tmp/newman for the comparison)`);
    await mkdir(NEWMAN_DIR, { recursive: true });
    try {
      await run('npm', ['install', '--prefix', NEWMAN_DIR, '--no-audit', '--no-fund', '--no-save', `newman@${NEWMAN_VERSION}`], { maxBuffer: 1 << 24 });
    } catch (error) {
      console.log(`newman could not be installed: ${(error as Error).message.split('\n')[0]}`);
      return undefined;
    }
  }
  return bin;
}

async function newman(url: string, payloads: unknown[]): Promise<number | undefined> {
  const bin = await ensureNewman();
  if (!bin) return undefined;
  const collection = {
    info: { name: 'import jobs', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: [{
      name: 'POST /job',
      request: { method: 'POST', header: [{ key: 'API-Key', value: BENCH_KEY }, { key: 'Content-Type', value: 'application/json' }], url: `${url}/job`, body: { mode: 'raw', raw: '{{payload}}' } },
    }],
  };
  const data = payloads.map((p) => ({ payload: JSON.stringify(p) }));
  await writeFile(path.join(DIR, 'collection.json'), JSON.stringify(collection));
  await writeFile(path.join(DIR, 'data.json'), JSON.stringify(data));
  const seconds = await timed(() => run(process.execPath, [bin, 'run', path.join(DIR, 'collection.json'), '--iteration-data', path.join(DIR, 'data.json'), '--reporters', 'cli', '--reporter-cli-no-summary', '--reporter-cli-no-success-assertions', '--silent'], { maxBuffer: 1 << 26 }));
  return payloads.length / seconds;
}

export async function importThroughput(): Promise<void> {
  await mkdir(DIR, { recursive: true });
  const six = await jobsFile(6000);
  {
    const sandbox = await startSandboxProcess(['--latency', '20']);
    try {
      const { file } = await payloadsOf(six);
      const [rate, bare] = (await interleaved([() => importCommand(sandbox.url, six, 16), () => bareScript(sandbox.url, file, 16)])).map((b) => b.rate) as [number, number];
      console.log(`20 ms latency, 6,000 rows, concurrency 16, whole command (best of ${ROUNDS}, interleaved): ${rate.toFixed(0)} rows/s = ${(rate / 800).toFixed(2)} of the ideal 800 rows/s (target 0.85); a bare got + p-limit script posting the same payloads, also a process of its own: ${bare.toFixed(0)} rows/s = ${(bare / 800).toFixed(2)}`);
    } finally {
      await sandbox.stop();
    }
  }
  {
    const sandbox = await startSandboxProcess();
    try {
      const { payloads } = await payloadsOf(six);
      // One unmeasured run of each in-process contender first: both share got, whose first
      // thousands of requests run before V8 has optimised it (twice the CPU a request).
      await bareLoop(sandbox.url, payloads, 32);
      await importInProcess(sandbox.url, six, 32);
      // Five rounds: these runs take two or three seconds each, short enough for a slow spell
      // of the machine to spoil one of three.
      const [bare, engine, command] = (await interleaved([
        () => bareLoop(sandbox.url, payloads, 32),
        () => importInProcess(sandbox.url, six, 32),
        () => importCommand(sandbox.url, six, 32),
      ], 5)).map((b) => b.rate) as [number, number, number];
      console.log(`0 ms latency, 6,000 rows, concurrency 32 (best of 5, interleaved, after a warm-up run): bare got + p-limit ${bare.toFixed(0)} rows/s; import engine in-process ${engine.toFixed(0)} rows/s = ${(engine / bare).toFixed(2)} (target 0.8); whole command ${command.toFixed(0)} rows/s = ${(command / bare).toFixed(2)}`);
    } finally {
      await sandbox.stop();
    }
  }
  {
    const sandbox = await startSandboxProcess(['--latency', '10']);
    try {
      const thousand = await jobsFile(1000);
      const { file: payloadsFile, payloads } = await payloadsOf(thousand);
      // The ideal whole command: 1,000 requests of 10 ms, 16 at a time, plus starting node.
      const [command, bareNode, bare, bareHttp] = (await pairedMedians([
        () => importCommand(sandbox.url, thousand, 16).then((r) => r.seconds),
        () => nodeStart(),
        () => bareScript(sandbox.url, payloadsFile, 16).then((r) => r.seconds),
        () => bareScript(sandbox.url, payloadsFile, 16, 'http-post-child.js').then((r) => r.seconds),
      ], 7)) as [number, number, number, number];
      const ideal = (1000 * 0.01) / 16 + bareNode;
      const theirs = await newman(sandbox.url, payloads);
      const ours = 1000 / command;
      console.log(`10 ms latency, 1,000 rows, concurrency 16, whole command (median of 7, paired with node -e 0): ${command.toFixed(2)} s = ${(command / ideal).toFixed(2)}× the ideal ${ideal.toFixed(2)} s (1,000 × 10 ms / 16 + node -e 0 ${bareNode.toFixed(2)} s; target ≤ 1.6×)`);
      console.log(`  a bare got + p-limit script posting the same payloads, a process of its own: ${bare.toFixed(2)} s = ${(bare / ideal).toFixed(2)}× the ideal; the import is ${(command / bare).toFixed(2)}× that script`);
      console.log(`  the same payloads over node:http alone (no got), a process of its own: ${bareHttp.toFixed(2)} s = ${(bareHttp / ideal).toFixed(2)}× the ideal`);
      if (theirs === undefined) console.log(`  newman not available for the comparison`);
      else console.log(`  newman (sequential, Postman's runner) on the same work: ${theirs.toFixed(0)} rows/s; the import ${ours.toFixed(0)} rows/s, ${(ours / theirs).toFixed(1)}× newman`);
    } finally {
      await sandbox.stop();
    }
  }
}
