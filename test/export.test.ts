import { readdir, writeFile } from 'node:fs/promises';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { createClient } from '../src/api/client.js';
import { runExport, type ExportOptions } from '../src/export/run-export.js';
import { runImport } from '../src/import/run-import.js';
import { loadMapping } from '../src/mapping/load-mapping.js';
import type { Sandbox } from '../src/sandbox/server.js';
import { CLI, cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { STATE_DIR } from './helpers/state-dir.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const client = (s: Sandbox) => createClient({ baseUrl: s.url, apiKey: KEY });

async function exportFrom(s: Sandbox, output: string, extra: Partial<ExportOptions> = {}) {
  const { mapping } = await loadMapping();
  return runExport({ client: client(s), mapping, output, stateDir: path.join(path.dirname(output), '.state'), ...extra });
}

async function csvRows(file: string, delimiter = ';'): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const row of createReadStream(file).pipe(parse({ delimiter, bom: true }))) rows.push(row as string[]);
  return rows;
}

/** The account exported to xlsx and the file planned back against it with --key UUID (a dry run). */
async function exportReadBack(s: Sandbox) {
  const file = path.join(await tempDir(), 'jobs.xlsx');
  await exportFrom(s, file);
  const { mapping } = await loadMapping();
  return runImport({ file, mapping: { ...mapping, key: 'UUID' }, client: client(s), rate: 0, concurrency: 4, dryRun: true, stateDir: await tempDir() });
}

describe('export', () => {
  test('xlsx: real date cells in the mapping\'s zone, numbers as numbers, job numbers as text, bold frozen header, autofilter', async () => {
    const s = await sandbox();
    await client(s).createJob({ title: 'Byte av blandare', referenceNo: '00123', startTime: Date.UTC(2026, 6, 1, 6, 0), duration: 90, allDay: false, destinations: [{ location: { placeName: 'Storgatan 1, Uppsala', latitude: 59.86, longitude: 17.64 } }] });
    const out = path.join(await tempDir(), 'jobs.xlsx');
    const summary = await exportFrom(s, out);
    expect(summary.rows).toBe(1);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const sheet = workbook.getWorksheet('Uppdrag') as ExcelJS.Worksheet;
    const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const cell = (name: string) => sheet.getRow(2).getCell(header.indexOf(name) + 1);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    expect(cell('Start').value).toEqual(new Date(Date.UTC(2026, 6, 1, 8, 0))); // 08:00 in Stockholm (UTC+2 in July)
    expect(cell('Start').numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(cell('Duration').value).toBe(90);
    expect(cell('Latitude').value).toBe(59.86);
    expect(cell('Reference no').value).toBe('00123');
    expect(cell('All day').value).toBe(false);
    expect(cell('State').value).toBe('DRAFT');
    expect(sheet.getColumn(header.indexOf('Place') + 1).width).toBeGreaterThan(20);
  });

  test('csv under sv-SE: BOM, ";", decimal comma, wall-clock dates; read back by csv-parse', async () => {
    const s = await sandbox();
    await client(s).createJob({ title: 'Årlig kontroll', referenceNo: '0456', startTime: Date.UTC(2026, 0, 15, 7, 30), destinations: [{ location: { placeName: 'Åsgatan 2, Umeå', latitude: 63.8258 } }] });
    const out = path.join(await tempDir(), 'jobs.csv');
    await exportFrom(s, out);
    const rows = await csvRows(out);
    const header = rows[0] as string[];
    const row = rows[1] as string[];
    expect(row[header.indexOf('Title')]).toBe('Årlig kontroll');
    expect(row[header.indexOf('Start')]).toBe('2026-01-15 08:30');
    expect(row[header.indexOf('Latitude')]).toBe('63,8258');
    expect(row[header.indexOf('Reference no')]).toBe('0456');
  });

  test('text that a spreadsheet would run as a formula is neutralised in csv; --raw leaves it', async () => {
    const s = await sandbox();
    await client(s).createJob({ title: '=HYPERLINK("http://evil.example","klicka")', description: '+46 70 123 45 67', customerName: '@SUM(A1)' });
    const dir = await tempDir();
    await exportFrom(s, path.join(dir, 'safe.csv'));
    await exportFrom(s, path.join(dir, 'raw.csv'), { raw: true });
    const [safeHeader, safe] = (await csvRows(path.join(dir, 'safe.csv'))) as [string[], string[]];
    const [, raw] = (await csvRows(path.join(dir, 'raw.csv'))) as [string[], string[]];
    expect(safe[safeHeader.indexOf('Title')]).toBe('\'=HYPERLINK("http://evil.example","klicka")');
    expect(safe[safeHeader.indexOf('Description')]).toBe("'+46 70 123 45 67");
    expect(safe[safeHeader.indexOf('Customer')]).toBe("'@SUM(A1)");
    expect(raw[safeHeader.indexOf('Title')]).toBe('=HYPERLINK("http://evil.example","klicka")');
  });

  test('round trip: export, import into an empty sandbox with --key UUID, the same jobs; edited and imported again, updated not duplicated', async () => {
    const source = await sandbox({ generate: 150 });
    const target = await sandbox();
    const dir = await tempDir();
    const file = path.join(dir, 'jobs.xlsx');
    await exportFrom(source, file);
    const { mapping } = await loadMapping();
    mapping.key = 'UUID';
    const imported = await runImport({ file, mapping, client: client(target), rate: 0, concurrency: 8, stateDir: STATE_DIR });
    expect(imported.counts.created).toBe(150);
    const fields = ['uuid', 'title', 'referenceNo', 'description', 'customerName', 'startTime', 'endTime', 'duration', 'allDay', 'priority'] as const;
    const pick = (jobs: Record<string, unknown>[]) => [...jobs].sort((a, b) => String(a.uuid).localeCompare(String(b.uuid))).map((j) => ({ ...Object.fromEntries(fields.map((f) => [f, j[f] ?? null])), place: (j.destinations as { location: { placeName: string } }[])[0]?.location.placeName, names: ((j.resources as { name?: string }[]) ?? []).map((r) => r.name) }));
    expect(pick(target.jobs())).toEqual(pick(source.jobs()));

    // edit one title in the exported workbook and import it again: an update
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.getWorksheet('Uppdrag') as ExcelJS.Worksheet;
    const titleColumn = ((sheet.getRow(1).values as unknown[]).indexOf('Title'));
    sheet.getRow(2).getCell(titleColumn).value = 'Ändrad titel';
    await workbook.xlsx.writeFile(file);
    const again = await runImport({ file, mapping, client: client(target), rate: 0, concurrency: 8, fresh: true, stateDir: STATE_DIR });
    expect(again.counts).toMatchObject({ updated: 1, unchanged: 149, created: 0 }); // only what changed is sent
    expect(target.jobs()).toHaveLength(150);
    expect(target.jobs().filter((j) => j.title === 'Ändrad titel')).toHaveLength(1);
  });

  test('xlsx round trip of text XML cannot hold as it is: a CR, control characters, a literal _x0041_, kept to the character', async () => {
    const s = await sandbox();
    const odd = ['line1\nline2\r\nline3', 'ctrl\u0001char\u001f del\u007f', 'a literal _x0041_ and _x000D_', 'tab\there', 'half a pair \ud800 alone'];
    for (const [i, description] of odd.entries()) await client(s).createJob({ title: `Odd ${i}`, referenceNo: String(i), description });
    // Read back against the same account, unchanged: nothing to update.
    const again = await exportReadBack(s);
    expect(again.plan?.updates).toEqual([]);
    expect(again.plan?.counts).toMatchObject({ unchanged: 5, update: 0, create: 0 });
  });

  test('xlsx: a cell longer than Excel holds (32,767 characters) is warned about, naming the job and column; csv says nothing', async () => {
    const s = await sandbox();
    const made = await client(s).createJob({ title: 'Long', referenceNo: '1', description: 'x'.repeat(40_000) });
    const dir = await tempDir();
    const warned: string[] = [];
    const reporter = { info() {}, detail() {}, warn: (line: string) => void warned.push(line) };
    await exportFrom(s, path.join(dir, 'long.xlsx'), { reporter });
    expect(warned).toEqual([`A cell is longer than the 32,767 characters an Excel cell holds (job ${made.id}, column "Description", 40,000 characters): the file holds it whole, but Excel cuts it when it opens it. Export to .csv to keep such text.`]);
    warned.length = 0;
    await exportFrom(s, path.join(dir, 'long.csv'), { reporter });
    expect(warned).toEqual([]);
  });

  test('an all-day job holding a time of day (set elsewhere) is unchanged when its export is read back: its date is its date', async () => {
    const s = await sandbox();
    // 13:00 in Stockholm on 3 December 2026, on a job that is all-day.
    await client(s).createJob({ title: 'Heldag', referenceNo: '1', allDay: true, startTime: Date.parse('2026-12-03T12:00:00Z') });
    const again = await exportReadBack(s);
    expect(again.plan?.updates).toEqual([]);
    expect(again.plan?.counts).toMatchObject({ unchanged: 1, update: 0 });
  });

  test('--since last across three runs: only what changed, nothing lost or doubled at the boundary', async () => {
    const s = await sandbox({ generate: 40 });
    const dir = await tempDir();
    const out = path.join(dir, 'changes.csv');
    const first = await exportFrom(s, out, { since: 'last' });
    expect(first.rows).toBe(40);
    const api = client(s);
    const jobs = s.jobs();
    await api.putJob(jobs[3]?.uuid as string, { title: 'Ändrad 1' });
    await api.putJob(jobs[7]?.uuid as string, { title: 'Ändrad 2' });
    const second = await exportFrom(s, out, { since: 'last' });
    expect(second.rows).toBe(2);
    expect((await csvRows(out)).slice(1).map((r) => r[0]).sort()).toEqual(['Ändrad 1', 'Ändrad 2']);
    await sleep(5);
    await api.putJob(jobs[7]?.uuid as string, { title: 'Ändrad igen' });
    await api.createJob({ title: 'Ny' });
    const third = await exportFrom(s, out, { since: 'last' });
    expect((await csvRows(out)).slice(1).map((r) => r[0]).sort()).toEqual(['Ny', 'Ändrad igen']);
    expect(third.rows).toBe(2);
  });

  test('--state filters; --details brings the full representation; --all-fields adds dotted-path columns', async () => {
    const s = await sandbox({ generate: 60, seed: 3 });
    const dir = await tempDir();
    const finished = await exportFrom(s, path.join(dir, 'finished.csv'), { states: ['finished'] });
    expect(finished.rows).toBe(s.jobs().filter((j) => j.state === 'FINISHED').length);
    const detailed = await exportFrom(s, path.join(dir, 'all.csv'), { details: true, allFields: true, rate: Number.POSITIVE_INFINITY, concurrency: 8 });
    expect(detailed.rows).toBe(60);
    const [header, first] = (await csvRows(path.join(dir, 'all.csv'))) as [string[], string[]];
    expect(header).toContain('customFields.avtal'); // only in the full representation
    expect(header).toContain('modified');
    expect(first[header.indexOf('customFields.avtal')]).toMatch(/Serviceavtal|Löpande räkning|Fastpris/);
    expect(s.requests.filter((r) => /\/job\/[0-9a-f-]+$/.test(r.path))).toHaveLength(60);
  });

  test('20,000 jobs come page by page (limit/offset)', async () => {
    const s = await sandbox({ generate: 20_000 });
    const out = path.join(await tempDir(), 'big.csv');
    const summary = await exportFrom(s, out, { pageSize: 1000 });
    expect(summary.rows).toBe(20_000);
    const pages = s.requests.filter((r) => r.path.endsWith('/job'));
    // Pages overlap by one job: 20 full ones, a short one, the last (only the job it overlaps) and
    // the closing check of modified; a guess read ahead of the short one is dropped (and may be
    // cancelled before it is answered).
    const read = pages.map((r) => r.query).filter((query) => query !== 'offset=20979&limit=1000');
    const offsets = [...Array.from({ length: 21 }, (_, k) => 999 * k), 19_999];
    expect(read.filter((query) => query.startsWith('offset=')).sort()).toEqual(offsets.map((offset) => `offset=${offset}&limit=1000`).sort());
    expect(read.filter((query) => query.startsWith('modified='))).toHaveLength(1);
    expect(read).toHaveLength(23);
  });

  test('a killed export leaves nothing at the target, and the next run removes its temporary file', async () => {
    const s = await sandbox({ generate: 3000, latency: 150 });
    const dir = await tempDir();
    const out = path.join(dir, 'jobs.xlsx');
    // A process of its own, for the kill -9.
    const child = spawn(process.execPath, [CLI, 'export', out, '-q'], { env: { PATH: process.env.PATH, COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: dir } , stdio: 'ignore' });
    const closed = new Promise((resolve) => child.on('close', resolve));
    // Up to 20 s for the child to start and open its temporary file (a loaded machine is slow to).
    for (let i = 0; i < 1000 && !(await readdir(dir)).some((n) => n.endsWith('.tmp')); i++) await sleep(20);
    child.kill('SIGKILL');
    await closed;
    expect(existsSync(out)).toBe(false);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toHaveLength(1);
    s.setFaults({ latency: 0 });
    await exportFrom(s, out);
    expect(existsSync(out)).toBe(true);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toHaveLength(0);
  });

  test('an interrupted export writes nothing at its path', async () => {
    const s = await sandbox({ generate: 2000 });
    const out = path.join(await tempDir(), 'jobs.csv');
    const controller = new AbortController();
    controller.abort();
    await expect(exportFrom(s, out, { signal: controller.signal })).rejects.toThrow(/interrupted/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('export via the CLI', () => {
  test('--json summary, exit 0; a bad --tz is exit 2', async () => {
    const s = await sandbox({ generate: 5 });
    const dir = await tempDir();
    const env = { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: dir };
    const run = await cli(['export', path.join(dir, 'jobs.xlsx'), '--json'], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ rows: 5, format: 'xlsx' });
    const bad = await cli(['export', path.join(dir, 'x.csv'), '--tz', 'Europe/Gothenburg'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not an IANA time zone/);
  });
});

/** The CLI with its files capped at 32 KiB (`ulimit -f`): a write past that fails with EFBIG. A process of its own, for the limit. */
function cappedCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', 'ulimit -f 64 && exec "$0" "$@"', process.execPath, CLI, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('export: a write that fails', () => {
  test.each(['jobs.csv', 'jobs.xlsx'])('%s: ends the run with a message and exit 1, no temporary left, nothing at the path', async (name) => {
    const s = await sandbox({ generate: 2000 });
    const dir = await tempDir();
    const run = await cappedCli(['export', path.join(dir, name)], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') });
    expect(run.stderr).toMatch(/Could not write .*jobs\.(csv|xlsx): the file is larger than this system allows \(EFBIG\); nothing was written to its path/);
    expect(run.code).toBe(1);
    expect((await readdir(dir)).filter((n) => n !== 'state')).toEqual([]);
  }, 30_000);
});

test('schedule: a write that fails is logged as a failed run, its temporary removed, and the next run starts', async () => {
  const s = await sandbox({ generate: 2000 });
  const dir = await tempDir();
  const file = path.join(dir, 'schedules.yaml');
  await writeFile(file, 'exports:\n  - name: full\n    cron: "*/2 * * * * *"\n    output: full-{time}.csv\n');
  // Files capped at 32 KiB (`ulimit -f`): each export's write fails with EFBIG. A process of its
  // own, for the limit and for SIGTERM, which stops the daemon.
  const env = { PATH: process.env.PATH, COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') };
  const child = spawn('sh', ['-c', 'ulimit -f 64 && exec "$0" "$@"', process.execPath, CLI, 'schedule', file], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const records: { outcome: string; error: string | null }[] = [];
  child.stdout.on('data', (d: Buffer) => records.push(...d.toString().split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { outcome: string; error: string | null })));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const end = Date.now() + 20_000;
  while (records.filter((r) => r.outcome !== 'skipped').length < 2 && Date.now() < end) await sleep(50);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(records.filter((r) => r.outcome === 'skipped')).toEqual([]);
  const runs = records.slice(0, 2);
  expect(runs.map((r) => r.outcome)).toEqual(['failed', 'failed']);
  expect(runs[0]?.error).toMatch(/Could not write .*full-\d+\.csv: the file is larger than this system allows/);
  expect((await readdir(dir)).filter((n) => n.endsWith('.tmp') || n.endsWith('.csv'))).toEqual([]);
}, 30_000);
