// Our xlsx reader against exceljs's streaming reader on a generated 100,000-row × 12-column
// workbook (issue 10's speed target: ours at least 1.5 times as many rows/s). About a fifth of the
// cells are shared strings (Swedish titles, addresses and notes, some repeated, some unique), a
// fifth dates (yyyy-mm-dd hh:mm and yyyy-mm-dd), and the rest numbers (General, 0000000, 000 00,
// #,##0.00, 0.0), with a tenth of the cells blank. Each reader runs in its own process (its own
// peak RSS), touching every cell of every row; best of three interleaved runs (bench/rounds.ts).
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { BENCH_DIR, measureRead } from './dry-run.js';
import { interleaved, type Best } from './rounds.js';

export const ROWS = 100_000;
const TARGET = 1.5;

export const HEADER = ['Title', 'Reference no', 'Customer no', 'Address', 'Postal code', 'Start', 'End', 'Deadline', 'Hours', 'Price', 'Priority', 'Notes'];
/** The number format of each column (1-based as exceljs counts), where it is not General. */
export const FORMATS: Record<number, string> = {
  2: '0000000',
  5: '000 00',
  6: 'yyyy-mm-dd hh:mm',
  7: 'yyyy-mm-dd hh:mm',
  8: 'yyyy-mm-dd',
  9: '0.0',
  10: '#,##0.00',
};

const TITLES = [
  'Service av värmepump', 'Årlig kontroll av ventilation', 'Byte av fönsterbåge', 'Reparation av läckande kran',
  'Målning av trapphus', 'Snöröjning och sandning', 'Besiktning av hiss', 'Rensning av avlopp',
  'Montering av köksluckor', 'Byte av tätningslist', 'Felsökning av elcentral', 'Städning av källarförråd',
  'Kontroll av brandlarm', 'Översyn av låssystem', 'Tömning av fettavskiljare', 'Beskärning av häck',
];
const STREETS = [
  'Storgatan', 'Drottninggatan', 'Kungsgatan', 'Östra Ågatan', 'Västra Järnvägsgatan', 'Sköldvägen', 'Björkvägen',
  'Älvgatan', 'Ringvägen', 'Hälsingegatan', 'Ängsvägen', 'Göksätersvägen', 'Bäckgatan', 'Slottsgatan', 'Fjällgatan',
];
const CITIES = ['Västerås', 'Örebro', 'Göteborg', 'Malmö', 'Umeå', 'Linköping', 'Jönköping', 'Norrköping', 'Sundsvall', 'Gävle'];
const NOTES = [
  'Nyckel hämtas hos fastighetsskötaren', 'Ring kunden 30 min före ankomst', 'Hund i lägenheten', 'Portkod saknas, ring på',
  'Material finns på plats', 'Kunden önskar besök före lunch',
];

/** A small, seeded random generator (mulberry32), so that the file is the same every time. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(list: readonly T[], r: number): T {
  return list[Math.floor(r * list.length)] as T;
}

/** Row `i`'s twelve cells: 2.4 strings, 2.4 dates, 6 numbers and 1.2 blanks on average. */
export function row(i: number, next: () => number): (string | number | Date | null)[] {
  const title = next() < 0.7 ? pick(TITLES, next()) : `${pick(TITLES, next())}, lgh ${1001 + Math.floor(next() * 400)} (${i})`;
  const address = `${pick(STREETS, next())} ${1 + Math.floor(next() * 120)}, ${pick(CITIES, next())}`;
  const start = Date.UTC(2026, 0, 1, 7) + Math.floor(next() * 365) * 86_400_000 + Math.floor(next() * 40) * 15 * 60_000;
  const minutes = 30 + Math.floor(next() * 16) * 15;
  const hasDeadline = i % 5 < 2;
  const hasNote = i % 5 >= 3;
  const note = hasNote ? (next() < 0.5 ? pick(NOTES, next()) : `Kontakt: ${pick(['Åsa', 'Björn', 'Märta', 'Örjan', 'Lars'], next())}, 070-${String(1_000_000 + i).slice(1)}`) : null;
  return [
    title,
    1_000_000 + i * 7,
    10_000 + Math.floor(next() * 5000),
    address,
    10_000 + Math.floor(next() * 90_000),
    new Date(start),
    new Date(start + minutes * 60_000),
    hasDeadline ? new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 400) * 86_400_000) : null,
    minutes / 60,
    Math.round(next() * 5_000_000) / 100,
    1 + (i % 3),
    note,
  ];
}

/** Writes the workbook once (to a temporary name first, so that a stopped run leaves none). */
async function makeWorkbook(file: string): Promise<void> {
  if (existsSync(file)) return;
  const started = Date.now();
  const partial = `${file}.partial`;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: partial, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet('Jobs');
  sheet.addRow(HEADER).commit();
  const next = random(10);
  for (let i = 0; i < ROWS; i++) {
    const r = sheet.addRow(row(i, next));
    for (const [column, numFmt] of Object.entries(FORMATS)) r.getCell(Number(column)).numFmt = numFmt;
    r.commit();
  }
  await workbook.commit();
  await rename(partial, file);
  console.log(`(wrote ${path.relative(process.cwd(), file)} in ${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

/** The share of each kind of cell in the generated rows (recomputed, it is quick). */
function mix(): string {
  const next = random(10);
  const counts = { string: 0, date: 0, number: 0, blank: 0 };
  for (let i = 0; i < ROWS; i++) {
    for (const cell of row(i, next)) {
      if (cell === null) counts.blank++;
      else if (cell instanceof Date) counts.date++;
      else counts[typeof cell as 'string' | 'number']++;
    }
  }
  const all = ROWS * HEADER.length;
  return Object.entries(counts).map(([kind, n]) => `${kind} ${((100 * n) / all).toFixed(0)} %`).join(', ');
}

/** The benchmark workbook as xlsx, written once (bench/ods-read.ts writes the same rows as ods). */
export async function benchWorkbook(): Promise<string> {
  await mkdir(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, 'cells-100k-12.xlsx');
  await makeWorkbook(file);
  return file;
}

export async function xlsxRead(): Promise<void> {
  const file = await benchWorkbook();
  console.log(`${ROWS.toLocaleString('en')} rows × ${HEADER.length} columns: ${mix()}`);
  const [ours, exceljs] = (await interleaved([() => measureRead('read', file), () => measureRead('exceljs-cells', file)])) as [Best, Best];
  if (ours.rows !== exceljs.rows) throw new Error(`row counts differ: ours ${ours.rows}, exceljs ${exceljs.rows}`);
  if (ours.cells !== exceljs.cells) console.log(`(non-null cells differ: ours ${ours.cells}, exceljs ${exceljs.cells})`);
  console.log('reader                  |  rows/s | peak RSS MB');
  console.log(`ours (openSpreadsheet)  | ${ours.rate.toFixed(0).padStart(7)} | ${(ours.maxRssMb ?? 0).toFixed(0).padStart(11)}`);
  console.log(`exceljs streaming       | ${exceljs.rate.toFixed(0).padStart(7)} | ${(exceljs.maxRssMb ?? 0).toFixed(0).padStart(11)}`);
  const ratio = ours.rate / exceljs.rate;
  console.log(`ratio ours/exceljs: ${ratio.toFixed(2)}×   (target ≥ ${TARGET}×: ${ratio >= TARGET ? 'met' : 'not met'})`);
}
