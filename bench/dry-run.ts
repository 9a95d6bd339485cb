// Generated 100,000- and 1,000,000-row csv files and a 100,000-row xlsx through import --dry-run
// (read, map, check), beside csv-parse and exceljs's streaming reader alone on the same files:
// rows/s and peak RSS, each in its own process, best of three interleaved runs (bench/rounds.ts).
// Then a 1,000,000-row xlsx through import --dry-run alone, against issue 10's memory target
// (peak RSS < 200 MB). The files are generated once into .bench-tmp/ (gitignored).
import { execFile } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { PACKAGE_ROOT } from '../src/tool-version.js';
import { interleaved, type Best, type Run } from './rounds.js';

const run = promisify(execFile);
/** Where the generated files are kept between runs (gitignored). */
export const BENCH_DIR = path.join(PACKAGE_ROOT, '.bench-tmp');
const HEADER = ['Title', 'Reference no', 'Customer', 'Place', 'Start', 'Duration', 'All day', 'Priority'];

function row(i: number): (string | number | Date)[] {
  const day = 1 + (i % 28);
  return [
    `Service av värmepump ${i}`,
    String(i).padStart(7, '0'),
    'Bostads AB Mimer',
    `Storgatan ${i % 100}, Västerås`,
    `2026-03-${String(day).padStart(2, '0')} ${String(7 + (i % 9)).padStart(2, '0')}:30`,
    30 + (i % 8) * 15,
    i % 10 === 0 ? 'Ja' : 'Nej',
    1 + (i % 3),
  ];
}

async function makeCsv(file: string, count: number): Promise<void> {
  if (existsSync(file)) return;
  const partial = `${file}.partial`; // renamed when complete, so that a stopped run leaves no half file
  const out = createWriteStream(partial);
  out.write(`\ufeff${HEADER.join(';')}\r\n`);
  for (let i = 0; i < count; i++) {
    if (!out.write(`${row(i).join(';')}\r\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  await rename(partial, file);
}

async function makeXlsx(file: string, count: number): Promise<void> {
  if (existsSync(file)) return;
  const started = Date.now();
  const partial = `${file}.partial`;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: partial, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet('Jobs');
  sheet.addRow(HEADER).commit();
  for (let i = 0; i < count; i++) {
    const cells = row(i);
    const [y, m, d, h, min] = (cells[4] as string).split(/[- :]/).map(Number) as [number, number, number, number, number];
    cells[4] = new Date(Date.UTC(y, m - 1, d, h, min));
    const r = sheet.addRow(cells);
    r.getCell(5).numFmt = 'yyyy-mm-dd hh:mm';
    r.commit();
  }
  await workbook.commit();
  await rename(partial, file);
  console.log(`(wrote ${path.relative(process.cwd(), file)} in ${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

/** One read in its own process (bench/read-child.ts), for its own peak RSS. */
export async function measureRead(mode: string, file: string): Promise<Run> {
  const { stdout } = await run(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'bench', 'read-child.js'), mode, file], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as Run;
}

/** Runs of the 1M xlsx dry-run (its best rate, its highest peak RSS). */
const XLSX_1M_ROUNDS = 2;
/** Issue 10's memory target for a 1,000,000-row xlsx through import --dry-run. */
const XLSX_1M_RSS_TARGET_MB = 200;

export async function dryRun(): Promise<void> {
  await mkdir(BENCH_DIR, { recursive: true });
  const csv = path.join(BENCH_DIR, 'jobs-1m.csv');
  const xlsx = path.join(BENCH_DIR, 'jobs-100k.xlsx');
  const small = path.join(BENCH_DIR, 'jobs-100k.csv');
  const bigXlsx = path.join(BENCH_DIR, 'jobs-1m.xlsx');
  await makeCsv(csv, 1_000_000);
  await makeCsv(small, 100_000);
  await makeXlsx(xlsx, 100_000);
  await makeXlsx(bigXlsx, 1_000_000); // takes a minute or two, once
  console.log('file            | reader alone rows/s | dry-run rows/s | ratio | reader alone RSS MB | dry-run RSS MB');
  for (const [label, file, bare] of [['csv 100k', small, 'csv-parse'], ['csv 1M', csv, 'csv-parse'], ['xlsx 100k', xlsx, 'exceljs']] as const) {
    const [alone, ours] = (await interleaved([() => measureRead(bare, file), () => measureRead('dry-run', file)])) as [Best, Best];
    if (ours.rows !== alone.rows) throw new Error(`row counts differ: ${ours.rows} vs ${alone.rows}`);
    console.log(`${label.padEnd(15)} | ${alone.rate.toFixed(0).padStart(19)} | ${ours.rate.toFixed(0).padStart(14)} | ${(ours.rate / alone.rate).toFixed(2)}  | ${(alone.maxRssMb ?? 0).toFixed(0).padStart(19)} | ${(ours.maxRssMb ?? 0).toFixed(0).padStart(14)}`);
  }
  // The 1M xlsx alone, without a reader-alone run beside it: each run takes tens of seconds.
  const [big] = (await interleaved([() => measureRead('dry-run', bigXlsx)], XLSX_1M_ROUNDS)) as [Best];
  if (big.rows !== 1_000_000) throw new Error(`read ${big.rows} rows of 1,000,000`);
  const rss = big.maxRssMb ?? 0;
  console.log(`xlsx 1M         | dry-run ${big.rate.toFixed(0)} rows/s (${big.seconds.toFixed(1)} s), peak RSS ${rss.toFixed(0)} MB   (target < ${XLSX_1M_RSS_TARGET_MB} MB: ${rss < XLSX_1M_RSS_TARGET_MB ? 'met' : 'not met'})`);
  // row(): 8 headers, 1M titles, 1M reference numbers, a customer, 100 places, Ja and Nej.
  console.log('                  (every title and reference number is its own shared string: 2,000,111 in the table)');
}
