// The schedule command against the sandbox: cron times, retention, no overlap, a failed run,
// SIGTERM, --once, --print and --next. A daemon runs in a process of its own (SIGTERM stops it,
// and its lock is held against other processes); the rest in this process.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { link, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from '@jest/globals';
import type { RunRecord } from '../src/schedule/schedule-record.js';
import type { Sandbox } from '../src/sandbox/server.js';
import { CLI, cli } from './helpers/cli.js';
import { SAMPLES, tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

interface Daemon {
  child: ChildProcess;
  records: RunRecord[];
  stderr: () => string;
  exited: Promise<number | null>;
}

async function scheduleFile(dir: string, body: string): Promise<string> {
  const file = path.join(dir, 'schedules.yaml');
  await writeFile(file, body);
  return file;
}

function envFor(s: Sandbox | { url: string }, dir: string) {
  return { PATH: process.env.PATH, COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') };
}

/** `schedule <file>` in a process of its own, until SIGTERM. */
function daemon(file: string, env: NodeJS.ProcessEnv): Daemon {
  const child = spawn(process.execPath, [CLI, 'schedule', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const records: RunRecord[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) records.push(JSON.parse(line) as RunRecord);
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, records, stderr: () => stderr, exited };
}

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(50);
  }
}

describe('schedule', () => {
  test('a seconds-level schedule writes its files on time; keep deletes only the files it wrote; SIGTERM exits 0', async () => {
    const s = await sandbox({ generate: 20 });
    const dir = await tempDir();
    await writeFile(path.join(dir, 'jobs-mine.csv'), 'not the schedule\'s'); // must survive retention
    const file = await scheduleFile(dir, 'timezone: Europe/Stockholm\nexports:\n  - name: fast\n    cron: "*/2 * * * * *"\n    output: jobs-{date}-{time}.csv\n    keep: 2\n');
    const d = daemon(file, envFor(s, dir));
    await until(() => d.records.length >= 4);
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    const runs = d.records.slice(0, 4);
    for (const run of runs) {
      expect(run.outcome).toBe('ok');
      expect(run.rows).toBe(20);
      expect(new Date(run.scheduled).getUTCSeconds() % 2).toBe(0);
      expect(Date.parse(run.start) - Date.parse(run.scheduled)).toBeLessThan(1000);
    }
    expect(Date.parse(runs[1]?.scheduled as string) - Date.parse(runs[0]?.scheduled as string)).toBe(2000);
    // The log's times are Stockholm's: ISO with its offset in the JSON, its wall clock in the readable line.
    const end = runs[0]?.end as string;
    const wall = new Date(end).toLocaleString('sv-SE', { timeZone: 'Europe/Stockholm' });
    expect(end.slice(0, 19).replace('T', ' ')).toBe(wall);
    expect(end).toMatch(/\.\d{3}\+0[12]:00$/);
    expect(d.stderr()).toContain(`${wall} fast: wrote 20 jobs to ${runs[0]?.file}`);
    const left = (await readdir(dir)).filter((n) => n.endsWith('.csv')).sort();
    const written = d.records.filter((r) => r.outcome === 'ok').map((r) => path.basename(r.file as string));
    expect(left).toEqual(['jobs-mine.csv', ...written.slice(-2)].sort());
    expect(d.stderr()).toMatch(/Stopped\./);
  });

  test('no overlap: a run still going when its next time comes is skipped and logged', async () => {
    // Each answer alone takes longer than the second between two runs.
    const s = await sandbox({ generate: 10, latency: 1200 });
    const dir = await tempDir();
    const file = await scheduleFile(dir, 'exports:\n  - name: slow\n    cron: "* * * * * *"\n    output: slow-{time}.csv\n');
    const d = daemon(file, envFor(s, dir));
    await until(() => d.records.some((r) => r.outcome === 'ok'));
    d.child.kill('SIGTERM');
    await d.exited;
    expect(d.records.filter((r) => r.outcome === 'skipped').length).toBeGreaterThanOrEqual(1);
    expect(d.records.find((r) => r.outcome === 'skipped')?.error).toMatch(/still going/);
    // Runs started, by their first page (a listing asks for more than one page, and checks modified).
    expect(s.requests.filter((r) => r.path.endsWith('/job') && r.query.startsWith('offset=0&')).length).toBeLessThanOrEqual(2);
  });

  test('the API down for one run (retry: 0), then back: the failure is logged and the next run succeeds', async () => {
    const first = await sandbox({ generate: 5 });
    const { port, url } = first;
    await first.close();
    const dir = await tempDir();
    const file = await scheduleFile(dir, 'exports:\n  - name: retry\n    cron: "*/2 * * * * *"\n    output: out-{time}.csv\n    retry: 0\n');
    const d = daemon(file, envFor({ url }, dir));
    await until(() => d.records.some((r) => r.outcome === 'failed'));
    const back = await sandbox({ generate: 5, port });
    await until(() => d.records.some((r) => r.outcome === 'ok'));
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    expect(d.records.find((r) => r.outcome === 'failed')?.error).toMatch(/Could not reach the API at http:\/\/127\.0\.0\.1:\d+\/api\/1 \(connection refused\)/);
    expect(d.records.find((r) => r.outcome === 'ok')?.rows).toBe(5);
    expect(back.jobs()).toHaveLength(5);
  });

  test('SIGTERM mid-export lets the export finish: a complete file, no temporary, exit 0', async () => {
    const s = await sandbox({ generate: 1200, latency: 700 });
    const dir = await tempDir();
    const file = await scheduleFile(dir, 'exports:\n  - name: big\n    cron: "*/2 * * * * *"\n    output: big-{time}.csv\n');
    const d = daemon(file, envFor(s, dir));
    await until(() => s.requests.length > 0 || s.maxInFlight() > 0, 10_000);
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    const [record] = d.records;
    expect(record?.outcome).toBe('ok');
    expect(record?.rows).toBe(1200);
    const text = await readFile(record?.file as string, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(1201);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  test('one daemon per schedule file: a second says who holds it and exits 1; --once of an entry that is running too', async () => {
    const s = await sandbox({ generate: 30, latency: 1500 });
    const dir = await tempDir();
    const file = await scheduleFile(dir, 'exports:\n  - name: slow\n    cron: "0 2 * * *"\n    output: slow.csv\n');
    const first = daemon(file, envFor(s, dir));
    await until(() => /Scheduling/.test(first.stderr()));
    const second = daemon(file, envFor(s, dir));
    const secondCode = await Promise.race([second.exited, sleep(8000).then(() => 'still running')]);
    if (secondCode === 'still running') {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    expect(secondCode).toBe(1);
    expect(second.stderr()).toContain(`Another schedule daemon is running this schedule file (process ${first.child.pid})`);
    // The same file by another spelling of its path is the same lock.
    const other = await cli(['schedule', path.relative(process.cwd(), file)], envFor(s, dir), { stopAfterMs: 10_000 });
    expect(other.code).toBe(1);
    // And by a hard link: the lock is the file's own, not its path's.
    const hard = path.join(dir, 'same-file.yaml');
    await link(file, hard);
    const linked = await cli(['schedule', hard], envFor(s, dir), { stopAfterMs: 10_000 });
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain(`process ${first.child.pid}`);
    // And saved by an editor that writes a new file and renames it over the old (a new inode).
    await writeFile(`${file}.tmp`, await readFile(file));
    await rename(`${file}.tmp`, file);
    const saved = await cli(['schedule', file], envFor(s, dir), { stopAfterMs: 10_000 });
    expect(saved.code).toBe(1);
    expect(saved.stderr).toContain(`process ${first.child.pid}`);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Released on stop: a new daemon starts.
    const again = daemon(file, envFor(s, dir));
    await until(() => /Scheduling/.test(again.stderr()));
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);

    // Slow enough that the second --once surely starts while the first holds its entry's lock,
    // however loaded the machine: the lock file is there, and the first answer takes 5 s.
    s.setFaults({ latency: 5000 });
    // A process of its own: the entry's lock is held by another process than the one refused.
    const running = spawn(process.execPath, [CLI, 'schedule', file, '--once', 'slow'], { env: envFor(s, dir), stdio: ['ignore', 'pipe', 'pipe'] });
    const runningExit = new Promise<number | null>((resolve) => running.on('close', resolve));
    const schedules = path.join(dir, 'state', 'schedules');
    const entryLocked = () => (existsSync(schedules) ? readdirSync(schedules) : []).some((n) => /\.[0-9a-f]{16}\.lock$/.test(n));
    await until(() => entryLocked() && s.maxInFlight() > 0, 10_000);
    const twice = await cli(['schedule', file, '--once', 'slow'], envFor(s, dir));
    expect(twice.code).toBe(1);
    expect(JSON.parse(twice.stdout)).toMatchObject({ outcome: 'failed', error: `another run of the export "slow" of this schedule is going (process ${running.pid})` });
    s.setFaults({ latency: 0 }); // refused while it went: the rest of the first run need not take 5 s a request
    expect(await runningExit).toBe(0);
  });

  test('--once runs one entry now with the export\'s exit code', async () => {
    const s = await sandbox({ generate: 3 });
    const dir = await tempDir();
    const file = await scheduleFile(dir, 'exports:\n  - name: nightly\n    cron: "0 2 * * *"\n    output: nightly-{date}.xlsx\n');
    const ok = await cli(['schedule', file, '--once', 'nightly'], envFor(s, dir));
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ name: 'nightly', outcome: 'ok', rows: 3 });
    expect(existsSync((JSON.parse(ok.stdout) as { file: string }).file)).toBe(true);
    const refused = await cli(['schedule', file, '--once', 'nightly'], { ...envFor(s, dir), COREDINATION_API_KEY: 'wrong-key-9' });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ outcome: 'failed' });
    expect(refused.stdout + refused.stderr).not.toContain('wrong-key-9');
    const unknown = await cli(['schedule', file, '--once', 'weekly'], envFor(s, dir));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no entry named "weekly"; it has "nightly"');
  });

  test('since: last run twice on one {date}: the second run writes beside the first, never over it; a whole export replaces its file', async () => {
    const s = await sandbox({ generate: 3 });
    const dir = await tempDir();
    const file = await scheduleFile(dir, 'exports:\n  - name: changes\n    cron: "0 * * * *"\n    output: changes-{date}.csv\n    since: last\n  - name: all\n    cron: "0 2 * * *"\n    output: all-{date}.csv\n');
    const first = await cli(['schedule', file, '--once', 'changes'], envFor(s, dir));
    expect(JSON.parse(first.stdout)).toMatchObject({ outcome: 'ok', rows: 3 });
    const firstFile = (JSON.parse(first.stdout) as { file: string }).file;
    const second = await cli(['schedule', file, '--once', 'changes'], envFor(s, dir));
    expect(JSON.parse(second.stdout)).toMatchObject({ outcome: 'ok', rows: 0 });
    const secondFile = (JSON.parse(second.stdout) as { file: string }).file;
    expect(secondFile).toBe(firstFile.replace(/\.csv$/, '-2.csv'));
    // The first run's changes are still there.
    expect((await readFile(firstFile, 'utf8')).trim().split('\n')).toHaveLength(4);
    expect((await readFile(secondFile, 'utf8')).trim().split('\n')).toHaveLength(1);
    // That empty file (no job changed) is not kept once the next one is written; the first is.
    const third = await cli(['schedule', file, '--once', 'changes'], envFor(s, dir));
    expect(JSON.parse(third.stdout)).toMatchObject({ outcome: 'ok', rows: 0, deleted: [secondFile] });
    expect(existsSync(secondFile)).toBe(false);
    expect(existsSync(firstFile)).toBe(true);
    const whole = [await cli(['schedule', file, '--once', 'all'], envFor(s, dir)), await cli(['schedule', file, '--once', 'all'], envFor(s, dir))];
    const [a, b] = whole.map((r) => (JSON.parse(r.stdout) as { file: string }).file);
    expect(b).toBe(a);
    expect(a).toMatch(/all-\d{4}-\d{2}-\d{2}\.csv$/);
  });

  test('--once stops on SIGTERM as export does: the record says interrupted, exit 1, no temporary and no file', async () => {
    const s = await sandbox({ generate: 1200, latency: 700 });
    const dir = await tempDir();
    const file = await scheduleFile(dir, 'exports:\n  - name: big\n    cron: "0 2 * * *"\n    output: big.csv\n');
    // A process of its own, for the SIGTERM.
    const child = spawn(process.execPath, [CLI, 'schedule', file, '--once', 'big'], { env: envFor(s, dir), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await until(() => s.requests.length > 0 || s.maxInFlight() > 0, 10_000);
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ name: 'big', outcome: 'failed', error: expect.stringMatching(/interrupted; nothing was written/) });
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp') || n.endsWith('.csv'))).toEqual([]);
  });

  test('samples/schedules.yaml: --next lists the times in Stockholm; --print systemd and crontab', async () => {
    const sample = path.join(SAMPLES, 'schedules.yaml');
    const next = await cli(['schedule', sample, '--next', '3', '--json']);
    expect(next.code).toBe(0);
    const listing = JSON.parse(next.stdout) as { timezone: string; entries: { name: string; local: string[] }[] };
    expect(listing.timezone).toBe('Europe/Stockholm');
    expect(listing.entries.map((e) => e.name)).toEqual(['nightly-jobs', 'weekly-changes']);
    for (const time of listing.entries[0]?.local ?? []) expect(time).toMatch(/ 02:00:00$/);
    expect(listing.entries[0]?.local).toHaveLength(3);

    const systemd = await cli(['schedule', sample, '--print', 'systemd']);
    expect(systemd.code).toBe(0);
    expect(systemd.stdout).toContain('OnCalendar=*-*-* 02:00:00 Europe/Stockholm');
    expect(systemd.stdout).toContain('OnCalendar=Mon *-*-* 06:30:00 Europe/Stockholm');
    expect(systemd.stdout.match(/Persistent=true/g)).toHaveLength(2);
    expect(systemd.stdout).toMatch(/ExecStart=.* schedule .*schedules\.yaml --once nightly-jobs/);
    const calendars = [...systemd.stdout.matchAll(/^OnCalendar=(.*)$/gm)].map((m) => m[1] as string);
    let analyze = true;
    try {
      execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    } catch {
      analyze = false;
    }
    if (analyze) execFileSync('systemd-analyze', ['calendar', ...calendars], { stdio: 'ignore' }); // throws if systemd rejects one

    const cron = await cli(['schedule', sample, '--print', 'crontab']);
    expect(cron.stdout).toContain('CRON_TZ=Europe/Stockholm');
    expect(cron.stdout).toMatch(/^0 2 \* \* \* cd .* --once nightly-jobs >> .*2>&1$/m);
    expect(cron.stdout).toMatch(/^30 6 \* \* 1 cd /m);
  });

  test('--print crontab escapes % (cron reads it as a newline): the line, as cron runs it, exports into a folder with % in its name', async () => {
    const s = await sandbox({ generate: 4 });
    const dir = path.join(await tempDir(), '100% done');
    await mkdir(dir);
    const file = await scheduleFile(dir, 'exports:\n  - name: nightly\n    cron: "0 2 * * *"\n    output: jobs.csv\n');
    const printed = await cli(['schedule', file, '--print', 'crontab']);
    expect(printed.code).toBe(0);
    const line = printed.stdout.split('\n').find((l) => l.startsWith('0 2 * * * ')) ?? '';
    expect(line).toContain('100\\% done');
    expect(line).not.toMatch(/(?<!\\)%/);
    // What cron does with the command: the first unescaped % ends it (the rest is stdin), \% becomes %.
    const command = line.slice('0 2 * * * '.length);
    const cut = command.search(/(?<!\\)%/);
    const asCronRunsIt = (cut === -1 ? command : command.slice(0, cut)).replace(/\\%/g, '%');
    await promisify(execFile)('sh', ['-c', asCronRunsIt], { env: envFor(s, dir) });
    expect((await readFile(path.join(dir, 'jobs.csv'), 'utf8')).trim().split('\n')).toHaveLength(5);
  });

  test('an invalid schedule: every problem with its path, exit 2, nothing run', async () => {
    const dir = await tempDir();
    const file = await scheduleFile(dir, [
      'timezone: Europe/Gothenburg',
      'exports:',
      '  - name: a',
      '    cron: "0 25 * * *"',
      '    output: out-{day}.xlsx',
      '  - name: a',
      '    cron: "0 2 * *"',
      '    output: out.pdf',
      '    mapping: nope.yaml',
      '    colour: red',
    ].join('\n'));
    const run = await cli(['schedule', file, '--next', '5']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/exports\[1\]\.colour \(line 10\): is not a known setting/);
    const fixed = file.replace('.yaml', '-2.yaml');
    await writeFile(fixed, (await readFile(file, 'utf8')).replace('    colour: red\n', '').replace('    colour: red', ''));
    const again = await cli(['schedule', fixed, '--next', '5']);
    expect(again.code).toBe(2);
    for (const problem of [
      /timezone \(line 1\): "Europe\/Gothenburg" is not an IANA time zone/,
      /exports\[0\]\.cron \(line 4\): "0 25 \* \* \*" is not a cron expression/,
      /exports\[0\]\.output \(line 5\): unknown placeholder \{day\}/,
      /exports\[1\]\.name \(line 6\): "a" is used twice/,
      /exports\[1\]\.cron \(line 7\): "0 2 \* \*" has 4 fields/,
      /exports\[1\]\.output \(line 8\): "out.pdf" is a PDF \(\.pdf\), which export does not write/,
      /exports\[1\]\.mapping \(line 9\): Cannot open the mapping file/,
    ]) expect(again.stderr).toMatch(problem);
    expect(again.stderr).not.toMatch(/\n\s+at /);
  });
});
