// The ods reader against the xlsx reader on the same 100,000-row × 12-column workbook (issue 19's
// speed target: the ods read takes at most twice as long, with peak RSS under 200 MB). The xlsx is
// bench/xlsx-read.ts's; the ods holds the same rows as LibreOffice writes them (a data style per
// formatted column, each typed cell with its value and its shown text:p, runs of blanks as one
// repeated cell). Each read runs in its own process, touching every cell; best of three
// interleaved runs (bench/rounds.ts). The ratio is of CPU time, which other work on a shared
// machine disturbs far less than the clock (its wall-clock ratio is printed beside it).
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as numfmt from 'numfmt';
import { ODS_MIMETYPE } from '../test/helpers/ods-writer.js';
import { zipArchive } from '../test/helpers/zip-writer.js';
import { BENCH_DIR, measureRead } from './dry-run.js';
import { ROUNDS, type Run } from './rounds.js';
import { benchWorkbook, FORMATS, HEADER, random, row, ROWS } from './xlsx-read.js';

const TIME_TARGET = 2;
const RSS_TARGET_MB = 200;

const NS =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" ' +
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ' +
  'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"';

/** LibreOffice's data styles for the xlsx's formats, by column (1-based, as FORMATS). */
const DATA_STYLES: Record<number, string> = {
  2: '<number:number number:decimal-places="0" number:min-decimal-places="0" number:min-integer-digits="7"/>',
  5: '<number:number number:decimal-places="0" number:min-decimal-places="0" number:min-integer-digits="5"><number:embedded-text number:position="2"> </number:embedded-text></number:number>',
  6: '<number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/><number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/>',
  8: '<number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>',
  9: '<number:number number:decimal-places="1" number:min-decimal-places="1" number:min-integer-digits="1"/>',
  10: '<number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/>',
};
DATA_STYLES[7] = DATA_STYLES[6] as string;

function automaticStyles(): string {
  return Object.entries(DATA_STYLES)
    .map(([column, body]) => {
      const family = Number(column) >= 6 && Number(column) <= 8 ? 'date-style' : 'number-style';
      return `<number:${family} style:name="N${column}">${body}</number:${family}><style:style style:name="ce${column}" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N${column}"/>`;
    })
    .join('');
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const SERIAL_EPOCH = Date.UTC(1899, 11, 30);

function cell(value: string | number | Date | null, column: number): string {
  if (value === null) return '<table:table-cell/>';
  if (typeof value === 'string') return `<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>${escape(value)}</text:p></table:table-cell>`;
  const format = FORMATS[column];
  const style = format ? ` table:style-name="ce${column}"` : '';
  if (value instanceof Date) {
    const shown = numfmt.format(format ?? 'yyyy-mm-dd', (value.getTime() - SERIAL_EPOCH) / 86_400_000);
    return `<table:table-cell${style} office:value-type="date" office:date-value="${value.toISOString().slice(0, 19)}" calcext:value-type="date"><text:p>${shown}</text:p></table:table-cell>`;
  }
  const shown = format ? numfmt.format(format, value) : String(value);
  return `<table:table-cell${style} office:value-type="float" office:value="${value}" calcext:value-type="float"><text:p>${shown}</text:p></table:table-cell>`;
}

/** Runs of blank cells as one repeated cell, as LibreOffice writes them. */
function rowXml(cells: (string | number | Date | null)[]): string {
  let xml = '';
  for (let i = 0; i < cells.length; i++) {
    if (cells[i] !== null) {
      xml += cell(cells[i] as string | number | Date, i + 1);
      continue;
    }
    let run = 1;
    while (cells[i + run] === null) run++;
    xml += run === 1 ? '<table:table-cell/>' : `<table:table-cell table:number-columns-repeated="${run}"/>`;
    i += run - 1;
  }
  return `<table:table-row>${xml}</table:table-row>`;
}

async function makeOds(file: string): Promise<void> {
  if (existsSync(file)) return;
  const started = Date.now();
  const pieces: Buffer[] = [
    Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content ${NS} office:version="1.3"><office:automatic-styles>${automaticStyles()}</office:automatic-styles>`),
    Buffer.from(`<office:body><office:spreadsheet><table:table table:name="Jobs"><table:table-column table:number-columns-repeated="${HEADER.length}"/>${rowXml(HEADER)}`),
  ];
  const next = random(10);
  let batch = '';
  for (let i = 0; i < ROWS; i++) {
    batch += rowXml(row(i, next));
    if (batch.length > 1 << 20) {
      pieces.push(Buffer.from(batch));
      batch = '';
    }
  }
  pieces.push(Buffer.from(`${batch}<table:table-row table:number-rows-repeated="${1_048_576 - ROWS - 1}"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>`));
  const partial = `${file}.partial`;
  await writeFile(
    partial,
    zipArchive([
      { name: 'mimetype', data: ODS_MIMETYPE, store: true },
      { name: 'META-INF/manifest.xml', data: `<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="${ODS_MIMETYPE}"/></manifest:manifest>` },
      { name: 'content.xml', data: Buffer.concat(pieces) },
    ]),
  );
  await rename(partial, file);
  console.log(`(wrote ${path.relative(process.cwd(), file)} in ${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

export async function odsRead(): Promise<void> {
  const xlsx = await benchWorkbook();
  const ods = path.join(BENCH_DIR, 'cells-100k-12.ods');
  await makeOds(ods);
  type Measured = Run & { cpuSeconds: number };
  const runs: { ods: Measured[]; xlsx: Measured[] } = { ods: [], xlsx: [] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.ods.push((await measureRead('read', ods)) as Measured);
    runs.xlsx.push((await measureRead('read', xlsx)) as Measured);
  }
  const best = (all: Measured[]) => ({
    seconds: Math.min(...all.map((r) => r.seconds)),
    cpu: Math.min(...all.map((r) => r.cpuSeconds)),
    rss: Math.max(...all.map((r) => r.maxRssMb ?? 0)),
    rows: all[0]?.rows ?? 0,
    cells: all[0]?.cells ?? 0,
  });
  const [fromOds, fromXlsx] = [best(runs.ods), best(runs.xlsx)];
  if (fromOds.rows !== fromXlsx.rows) throw new Error(`row counts differ: ods ${fromOds.rows}, xlsx ${fromXlsx.rows}`);
  if (fromOds.cells !== fromXlsx.cells) throw new Error(`non-null cells differ: ods ${fromOds.cells}, xlsx ${fromXlsx.cells}`);
  console.log(`${ROWS.toLocaleString('en')} rows × ${HEADER.length} columns, ${fromOds.cells.toLocaleString('en')} cells with a value, the same in both`);
  console.log('reader          | CPU seconds | seconds |  rows/s | peak RSS MB');
  for (const [label, run] of [['ods', fromOds], ['xlsx', fromXlsx]] as const) {
    console.log(`${label.padEnd(15)} | ${run.cpu.toFixed(2).padStart(11)} | ${run.seconds.toFixed(2).padStart(7)} | ${(run.rows / run.seconds).toFixed(0).padStart(7)} | ${run.rss.toFixed(0).padStart(11)}`);
  }
  const ratio = fromOds.cpu / fromXlsx.cpu;
  const rss = fromOds.rss;
  console.log(`time ods/xlsx: ${ratio.toFixed(2)}× CPU (${(fromOds.seconds / fromXlsx.seconds).toFixed(2)}× by the clock)   (target ≤ ${TIME_TARGET}×: ${ratio <= TIME_TARGET ? 'met' : 'not met'})`);
  console.log(`ods peak RSS: ${rss.toFixed(0)} MB   (target < ${RSS_TARGET_MB} MB: ${rss < RSS_TARGET_MB ? 'met' : 'not met'})`);
}
