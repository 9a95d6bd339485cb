// Issue 11's speed targets for a keyed import (`import --key "Reference no"`), the whole command
// in its own process against the sandbox in another (0 ms latency), which holds an account of
// 100,000 realistic jobs whose referenceNo / title / startTime / duration are what the rows of a
// 100,000-row csv map to (the default mapping; Start read in its timezone):
//  1. `import --dry-run`: the plan (read the account, match every row) is ready in under 10 s,
//     with a peak RSS under 400 MB; it must say 0 to create, 0 to update, 100,000 unchanged.
//  2. `import` of that file again, unchanged: done in under 15 s, with no write request sent.
//  3. The same file with 1% of the rows changed (every 100th title): the plan says 1,000 to
//     update, and the import sends exactly 1,000 PUTs (the sandbox counts what it answers).
// Each is run ROUNDS times, interleaved; the best and slowest times, the least CPU time and the
// highest peak RSS are printed. CPU and peak RSS are the CLI process's own, from /usr/bin/time
// (%U + %S, and %M, its wait4 maxrss: the process was forked from `time`, not from this one, so
// none of this process's memory is counted). The generated files are kept in .bench-tmp/keyed/;
// the first dry run checks that they agree (all unchanged) before anything is measured.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { DateTime } from 'luxon';
import { PACKAGE_BIN, PACKAGE_ROOT } from '../src/tool-version.js';
import { loadMapping } from '../src/mapping/load-mapping.js';
import { generateJobs } from '../src/sandbox/generate-jobs.js';
import { ROUNDS } from './rounds.js';
import { BENCH_KEY } from './sandbox-process.js';
import type { ImportPlan } from '../src/import/actions.js';

const DIR = path.join(PACKAGE_ROOT, '.bench-tmp', 'keyed');
const CLI = PACKAGE_BIN;
const SANDBOX_CHILD = path.join(PACKAGE_ROOT, 'dist', 'bench', 'keyed-sandbox-child.js');
const TIME = '/usr/bin/time';
const COUNT = 100_000;
/** Every CHANGE_EVERY-th row's title differs from the account's in the changed file: 1%. */
const CHANGE_EVERY = 100;
const TARGET = { planSeconds: 10, planRssMb: 400, reimportSeconds: 15 };

/** Row i (1-based) of the file, as written: Title, Reference no, Start, Duration. */
function row(i: number, changed: boolean): [string, string, string, number] {
  const title = `Service av värmepump ${i}${changed && i % CHANGE_EVERY === 0 ? ' (flyttad)' : ''}`;
  const start = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')} ${String(7 + (i % 9)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`;
  return [title, String(i).padStart(7, '0'), start, 30 + (i % 8) * 15];
}

async function writeCsv(file: string, changed: boolean): Promise<void> {
  if (existsSync(file)) return;
  const partial = `${file}.partial`; // renamed when complete, so that a stopped run leaves no half file
  const out = createWriteStream(partial);
  out.write('Title;Reference no;Start;Duration\r\n');
  for (let i = 1; i <= COUNT; i++) {
    if (!out.write(`${row(i, changed).join(';')}\r\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  await rename(partial, file);
}

/**
 * The account: realistic jobs (descriptions, customers, places, resources, custom fields), each
 * with the four fields of an unchanged row, in the format `sandbox --data` loads.
 */
async function writeAccount(file: string): Promise<void> {
  if (existsSync(file)) return;
  const { mapping } = await loadMapping();
  const zone = mapping.timezone ?? 'Europe/Stockholm';
  const jobs = generateJobs(COUNT, { firstId: 100_001, seed: 11, now: Date.UTC(2026, 0, 15) });
  jobs.forEach((job, n) => {
    const [title, referenceNo, start, duration] = row(n + 1, false);
    const startTime = DateTime.fromFormat(start, 'yyyy-MM-dd HH:mm', { zone }).toMillis();
    Object.assign(job, { title, referenceNo, startTime, duration, allDay: false, endTime: null });
  });
  await writeFile(`${file}.partial`, JSON.stringify({ jobs }));
  await rename(`${file}.partial`, file);
}

/** The sandbox child: its URL, and its request counter. */
interface CountingSandbox {
  url: string;
  /** The requests answered since the last call, by method. */
  count(): Promise<Record<string, number>>;
  /** The account as the data file has it again. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

async function startCountingSandbox(dataFile: string): Promise<CountingSandbox> {
  const child: ChildProcess = spawn(process.execPath, [SANDBOX_CHILD, dataFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Interface = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`sandbox child exited with ${code}`))));
  exited.catch(() => undefined);
  const next = () => Promise.race([once(lines, 'line').then(([line]) => JSON.parse(line as string) as Record<string, unknown>), exited]);
  const ask = async (command: string) => {
    const answer = next();
    child.stdin?.write(`${command}\n`);
    return answer;
  };
  const { url } = (await next()) as { url: string };
  return {
    url,
    count: async () => {
      // The sandbox logs a request once its answer is written: let the last ones be logged.
      await new Promise((resolve) => setTimeout(resolve, 100));
      return (await ask('count')) as Record<string, number>;
    },
    reset: async () => void (await ask('reset')),
    stop: async () => {
      child.stdin?.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** What the CLI's JSON result says about the plan, and the run's cost. */
interface Measured {
  seconds: number;
  rssMb?: number;
  /** The CLI process's CPU time (user + system), from /usr/bin/time: what a busy machine inflates least. */
  cpuSeconds?: number;
  plan: { accountJobs: number; create: number; update: number; unchanged: number; conflict: number; updates: string[] };
  counts?: Record<string, number>;
  requests: Record<string, number>;
}

const haveTime = existsSync(TIME);

/** One CLI run (`import FILE --key "Reference no" …`), timed, its peak RSS and the requests the sandbox answered meanwhile. */
async function cli(sandbox: CountingSandbox, file: string, extra: string[]): Promise<Measured> {
  const state = await mkdtemp(path.join(os.tmpdir(), 'cdb-keyed-'));
  const rssFile = path.join(state, 'rss');
  const args = [CLI, 'import', file, '--key', 'Reference no', '--json', ...extra];
  const [command, argv] = haveTime ? [TIME, ['-f', '%M %U %S', '-o', rssFile, process.execPath, ...args]] : [process.execPath, args];
  await sandbox.count(); // start from zero
  const start = process.hrtime.bigint();
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    execFile(command, argv, {
      env: { ...process.env, COREDINATION_BASE_URL: sandbox.url, COREDINATION_API_KEY: BENCH_KEY, COREDINATION_STATE_DIR: state, XDG_CONFIG_HOME: state },
      maxBuffer: 1 << 26,
    }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}\n${out.slice(0, 2000)}`)) : resolve({ stdout: out })));
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const requests = await sandbox.count();
  // `time` writes "maxrss-KB user-s system-s" as its last line (after any note of its own).
  const [kb, user, system] = haveTime ? ((await readFile(rssFile, 'utf8')).trim().split('\n').at(-1) as string).split(' ').map(Number) : [];
  const rssMb = kb === undefined ? undefined : kb / 1024;
  const cpuSeconds = user === undefined || system === undefined ? undefined : user + system;
  await rm(state, { recursive: true, force: true });
  const result = JSON.parse(stdout) as { plan: ImportPlan; counts?: Record<string, number> };
  const { counts, updates, account } = result.plan;
  const plan = { accountJobs: account?.jobs ?? 0, create: counts.create, update: counts.update, unchanged: counts.unchanged, conflict: counts.rejected, updates };
  return { seconds, rssMb, cpuSeconds, plan, counts: result.counts, requests };
}

const writes = (requests: Record<string, number>) => (requests.PUT ?? 0) + (requests.POST ?? 0) + (requests.DELETE ?? 0);
const planText = (p: Pick<Measured['plan'], 'create' | 'update' | 'unchanged' | 'conflict'>) => `${p.create} to create, ${p.update} to update, ${p.unchanged} unchanged${p.conflict ? `, ${p.conflict} conflicts` : ''}`;
const requestText = (r: Record<string, number>) => Object.entries(r).map(([method, n]) => `${n} ${method}`).join(', ') || 'none';

function expectPlan(what: string, run: Measured, want: Pick<Measured['plan'], 'create' | 'update' | 'unchanged'>): void {
  const p = run.plan;
  if (p.accountJobs !== COUNT || p.create !== want.create || p.update !== want.update || p.unchanged !== want.unchanged) {
    throw new Error(`${what}: the plan against ${p.accountJobs} jobs is "${planText(p)}", not "${planText({ ...want, conflict: 0 })}"; the account and the file do not match as meant.\n${p.updates.slice(0, 5).join('\n')}`);
  }
}

/** A contender's runs: the best (least) time, the slowest, the least CPU, the highest peak RSS. */
function summary(runs: Measured[]) {
  const times = runs.map((r) => r.seconds);
  const cpu = runs.map((r) => r.cpuSeconds ?? Number.NaN);
  return {
    seconds: Math.min(...times),
    slowest: Math.max(...times),
    cpuSeconds: Math.min(...cpu),
    rssMb: haveTime ? Math.max(...runs.map((r) => r.rssMb ?? 0)) : undefined,
  };
}

const load = () => `${(os.loadavg()[0] ?? 0).toFixed(1)}`;

export async function keyedImport(): Promise<void> {
  await mkdir(DIR, { recursive: true });
  const same = path.join(DIR, `keyed-${COUNT}.csv`);
  const changed = path.join(DIR, `keyed-${COUNT}-1pct.csv`);
  const account = path.join(DIR, `account-${COUNT}.json`);
  await writeCsv(same, false);
  await writeCsv(changed, true);
  await writeAccount(account);
  const results = (name: string) => ['--results', path.join(DIR, 'results', `${name}.results.csv`), '--fresh'];
  const send = ['--rate', '0', '--concurrency', '16'];

  const loadAtStart = load();
  const sandbox = await startCountingSandbox(account);
  try {
    // The account and the file must agree, or every row would be an update and nothing measured.
    expectPlan('unchanged file, first dry run', await cli(sandbox, same, ['--dry-run']), { create: 0, update: 0, unchanged: COUNT });

    const runs: Record<'plan' | 'reimport' | 'planChanged' | 'importChanged', Measured[]> = { plan: [], reimport: [], planChanged: [], importChanged: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const plan = await cli(sandbox, same, ['--dry-run']);
      expectPlan('unchanged file, --dry-run', plan, { create: 0, update: 0, unchanged: COUNT });
      runs.plan.push(plan);

      const reimport = await cli(sandbox, same, [...send, ...results('same')]);
      expectPlan('unchanged file, import', reimport, { create: 0, update: 0, unchanged: COUNT });
      runs.reimport.push(reimport);

      const planChanged = await cli(sandbox, changed, ['--dry-run']);
      expectPlan('1% changed, --dry-run', planChanged, { create: 0, update: COUNT / CHANGE_EVERY, unchanged: COUNT - COUNT / CHANGE_EVERY });
      runs.planChanged.push(planChanged);

      const importChanged = await cli(sandbox, changed, [...send, ...results('changed')]);
      expectPlan('1% changed, import', importChanged, { create: 0, update: COUNT / CHANGE_EVERY, unchanged: COUNT - COUNT / CHANGE_EVERY });
      runs.importChanged.push(importChanged);
      await sandbox.reset(); // the account as before the changes, for the next round
    }

    const rows: [string, Measured[]][] = [
      ['import --dry-run, file unchanged', runs.plan],
      ['import, file unchanged (re-import)', runs.reimport],
      ['import --dry-run, 1% of rows changed', runs.planChanged],
      ['import, 1% of rows changed', runs.importChanged],
    ];
    console.log(`--key "Reference no": a ${COUNT.toLocaleString('en')}-row csv against an account of ${COUNT.toLocaleString('en')} jobs (sandbox in its own process, 0 ms latency); import with --rate 0 --concurrency 16. The whole command in its own process, best of ${ROUNDS} interleaved runs (the slowest in brackets); CPU: the command's user + system seconds (least of the runs), which a busy machine inflates less than the wall time; peak RSS the highest of the runs. Load average ${loadAtStart} at the start, ${load()} at the end, on ${os.availableParallelism()} cores.`);
    console.log('what                                 | plan against the account                     | seconds (slowest) | CPU s | peak RSS | requests the sandbox answered');
    for (const [what, all] of rows) {
      const best = summary(all);
      const requests = [...new Set(all.map((r) => requestText(r.requests)))].join(' / ');
      console.log(`${what.padEnd(36)} | ${planText(all[0]?.plan as Measured['plan']).padEnd(44)} | ${`${best.seconds.toFixed(1)} (${best.slowest.toFixed(1)})`.padEnd(17)} | ${best.cpuSeconds.toFixed(1).padStart(5)} | ${best.rssMb === undefined ? '     n/a' : `${best.rssMb.toFixed(0).padStart(5)} MB`} | ${requests}`);
    }
    const plan = summary(runs.plan);
    const reimport = summary(runs.reimport);
    const reimportWrites = Math.max(...runs.reimport.map((r) => writes(r.requests)));
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(`Issue 11's targets: plan ready ${plan.seconds.toFixed(1)} s (< ${TARGET.planSeconds} s: ${verdict(plan.seconds < TARGET.planSeconds)}), peak RSS ${plan.rssMb === undefined ? 'not measured (no /usr/bin/time)' : `${plan.rssMb.toFixed(0)} MB (< ${TARGET.planRssMb} MB: ${verdict(plan.rssMb < TARGET.planRssMb)})`}; re-import unchanged ${reimport.seconds.toFixed(1)} s (< ${TARGET.reimportSeconds} s: ${verdict(reimport.seconds < TARGET.reimportSeconds)}), ${reimportWrites} write requests (0: ${verdict(reimportWrites === 0)}).`);
  } finally {
    await sandbox.stop();
  }
}
