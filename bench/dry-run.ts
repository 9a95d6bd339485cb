// A generated 1,000,000-row csv and a 100,000-row xlsx through import --dry-run (read, map,
// check), beside csv-parse and exceljs's streaming reader alone on the same files: rows/s and
// peak RSS, each in its own process, best of three interleaved runs (bench/rounds.ts).
import { execFile } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { PACKAGE_ROOT } from '../src/tool-version.js';
import { interleaved, type Best } from './rounds.js';

const run = promisify(execFile);
const DIR = path.join(PACKAGE_ROOT, '.bench-tmp');
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
  const out = createWriteStream(file);
  out.write(`\ufeff${HEADER.join(';')}\r\n`);
  for (let i = 0; i < count; i++) {
    if (!out.write(`${row(i).join(';')}\r\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

async function makeXlsx(file: string, count: number): Promise<void> {
  if (existsSync(file)) return;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
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
}

async function measureOnce(mode: string, file: string) {
  const { stdout } = await run(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'bench', 'read-child.js'), mode, file], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as { rows: number; seconds: number; maxRssMb: number };
}

export async function dryRun(): Promise<void> {
  await mkdir(DIR, { recursive: true });
  const csv = path.join(DIR, 'jobs-1m.csv');
  const xlsx = path.join(DIR, 'jobs-100k.xlsx');
  const small = path.join(DIR, 'jobs-100k.csv');
  await makeCsv(csv, 1_000_000);
  await makeCsv(small, 100_000);
  await makeXlsx(xlsx, 100_000);
  console.log('file            | reader alone rows/s | dry-run rows/s | ratio | reader alone RSS MB | dry-run RSS MB');
  for (const [label, file, bare] of [['csv 100k', small, 'csv-parse'], ['csv 1M', csv, 'csv-parse'], ['xlsx 100k', xlsx, 'exceljs']] as const) {
    const [alone, ours] = (await interleaved([() => measureOnce(bare, file), () => measureOnce('dry-run', file)])) as [Best, Best];
    if (ours.rows !== alone.rows) throw new Error(`row counts differ: ${ours.rows} vs ${alone.rows}`);
    console.log(`${label.padEnd(15)} | ${alone.rate.toFixed(0).padStart(19)} | ${ours.rate.toFixed(0).padStart(14)} | ${(ours.rate / alone.rate).toFixed(2)}  | ${(alone.maxRssMb ?? 0).toFixed(0).padStart(19)} | ${(ours.maxRssMb ?? 0).toFixed(0).padStart(14)}`);
  }
}
