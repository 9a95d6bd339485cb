import type { CoredinationClient } from '../api/client.js';
import type { Job } from '../api/types.js';
import { CdbError } from '../errors.js';
import { getPath, parseFieldPath } from '../mapping/field-path.js';
import { localeRules } from '../mapping/locale.js';
import type { Mapping } from '../mapping/types.js';
import { exportColumns } from '../mapping/export-columns.js';
import { RateGate } from '../api/rate-gate.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { checkWritable } from '../util/check-writable.js';
import { removeStaleTemporaries } from '../util/stale-temporaries.js';
import { openRowsWriter, type OutCell } from '../writers/rows-writer.js';
import { jobsSheetName, sheetNameProblem } from '../writers/sheet-name.js';
import { delimiterOfName, exportFormat } from './export-format.js';
import { numFmtOf, toCell, type CellTarget } from '../mapping/to-cell.js';
import { exportKey, OVERLAP_MS, WatermarkStore, type Watermark } from './watermark.js';
import { wallToEpoch } from '../time/zone-time.js';
import { mapInOrder } from '../util/map-in-order.js';

/** The most characters an Excel cell holds. */
const EXCEL_CELL_CHARS = 32_767;

/** What to export, where, and how. */
export interface ExportOptions {
  client: CoredinationClient;
  mapping: Mapping;
  output: string;
  /** Default: the output's extension (.xlsx; .csv, or .tsv and .txt tab-separated); any other is refused. */
  format?: 'xlsx' | 'csv';
  /** xlsx: default the mapping's sheet when it names one, else "Jobs" in the mapping's language (Uppdrag under sv-SE). */
  sheet?: string;
  /** csv: default a tab for .tsv and .txt, ';' under a decimal-comma locale (sv-SE), else ','. */
  delimiter?: string;
  /** csv: a UTF-8 BOM for Excel; default on under a decimal-comma locale. */
  bom?: boolean;
  /** Time zone of the date cells; default the mapping's. */
  timezone?: string;
  /** Only jobs modified since: epoch ms, a date (yyyy-MM-dd[ HH:mm]) in the zone, or 'last'. */
  since?: number | string;
  /** Fetch each job's full representation (items, customFields, events). */
  details?: boolean;
  /** Only jobs in these states. */
  states?: string[];
  /** Add every field the mapping does not name, as dotted-path columns. */
  allFields?: boolean;
  /** csv: do not neutralise text that looks like a formula. */
  raw?: boolean;
  /** --details: requests in flight and per second. */
  concurrency?: number;
  rate?: number;
  /** Jobs per page of GET /job. */
  pageSize?: number;
  /** Where watermarks are kept (the CLI's state folder). */
  stateDir: string;
  /** Identifies the export for --since last (default: output, mapping, base URL). */
  exportId?: string;
  reporter?: Reporter;
  signal?: AbortSignal;
}

/** What an export did. */
export interface ExportSummary {
  file: string;
  format: 'xlsx' | 'csv';
  rows: number;
  columns: number;
  /** The `modified` lower bound sent to the server, if any. */
  since?: number;
  seconds: number;
}

const SAMPLE = 500;
/** Columns are at most this wide, in characters; longer text wraps. */
const MAX_WIDTH = 50;

/** Letter where it is the paper in use (the Americas' US, Canada, Mexico), A4 elsewhere. */
function paperOf(locale: string): 'a4' | 'letter' {
  let region: string | undefined;
  try {
    region = new Intl.Locale(locale).maximize().region;
  } catch {
    return 'a4';
  }
  return region === 'US' || region === 'CA' || region === 'MX' ? 'letter' : 'a4';
}

/** `--since`: a timestamp, or a wall-clock date in the zone. */
export function parseSince(value: string | number, timezone: string): number {
  if (typeof value === 'number') return value;
  if (/^\d{10,}$/.test(value)) return Number(value);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value.trim());
  if (m) {
    const ms = wallToEpoch({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +(m[4] ?? 0), minute: +(m[5] ?? 0), second: +(m[6] ?? 0) }, timezone);
    if (ms !== undefined) return ms;
  }
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) {
    throw new CdbError('USAGE', `--since takes a date (2026-03-01 or 2026-03-01 08:00), a timestamp in milliseconds, or "last"; got "${value}".`);
  }
  return parsed;
}

/** Yields the full representation of each job, fetched concurrently and rate-limited, in order. */
function withDetails(jobs: AsyncIterable<Job>, client: CoredinationClient, concurrency: number, rate: number, signal?: AbortSignal): AsyncGenerator<Job> {
  // Every fetch through one gate: a 429 or 503 to one slows them all, and the rate is kept.
  const gate = new RateGate(rate);
  return mapInOrder(jobs, (job) => client.getJob((job.uuid ?? job.id) as string | number, { gate, signal }), concurrency);
}

/**
 * Every job (or those changed since a time) to an xlsx or csv file through the mapping in
 * reverse: pages streamed from the API, rows written as they arrive, the file put in place only
 * when complete. With `since: 'last'`, only what changed since the last complete run of the same
 * export, overlapping by a margin and de-duplicated by job id and modification time.
 */
export async function runExport(options: ExportOptions): Promise<ExportSummary> {
  const started = Date.now();
  const { client, mapping, output } = options;
  const reporter = options.reporter ?? silentReporter;
  // A folder (which has no extension either) is named as a folder.
  await checkWritable([output]);
  const format = exportFormat(output, options.format);
  const sheetName = options.sheet ?? jobsSheetName(mapping);
  const badSheet = format === 'xlsx' ? sheetNameProblem(sheetName) : undefined;
  if (badSheet) {
    throw new CdbError('USAGE', `The sheet name "${sheetName}" ${options.sheet === undefined ? `(the sheet of ${mapping.source}) ` : ''}${badSheet}.`, { hint: 'Give another with --sheet.' });
  }
  const timezone = options.timezone ?? mapping.timezone;
  const locale = localeRules(mapping.locale);
  const target: CellTarget = { format, timezone, locale, raw: options.raw };
  const removed = await removeStaleTemporaries(output);
  if (removed.length) reporter.detail(`Removed ${removed.length} temporary file(s) a killed run left beside ${output}.`);

  const store = new WatermarkStore(options.stateDir);
  const key = options.exportId ?? exportKey(output, mapping.source, client.baseUrl);
  let since: number | undefined;
  let previous: Watermark | undefined;
  if (options.since === 'last') {
    previous = await store.get(key);
    since = previous ? previous.modified - OVERLAP_MS : undefined;
    reporter.info(previous ? `Exporting jobs changed since the last export (${new Date(previous.modified).toISOString()}).` : 'No earlier export of this kind: exporting every job.');
  } else if (options.since !== undefined) {
    since = parseSince(options.since, timezone);
  }

  const states = options.states?.length ? new Set(options.states.map((s) => s.toUpperCase())) : undefined;
  async function* listed(): AsyncGenerator<Job> {
    const listing = client.listJobs({ limit: options.pageSize ?? 500, modified: since, signal: options.signal });
    try {
      for await (const job of listing) {
        if (states && !states.has(String(job.state).toUpperCase())) continue;
        // Jobs already in the last export at the boundary, unchanged since, are not written twice.
        if (previous && job.id !== undefined && previous.near[String(job.id)] === job.modified) continue;
        yield job;
      }
    } catch (error) {
      if (error instanceof CdbError && error.code === 'INTERRUPTED') throw new CdbError('INTERRUPTED', 'The export was interrupted; nothing was written to its path.', { hint: 'Run it again.' });
      throw error;
    }
    // Every job was read, each as it was when its page came: others' changes meanwhile are not all in it.
    if (listing.report.changed) reporter.warn(`The account changed while it was exported: ${listing.report.why}. The file holds each job as it was when read; export again for a picture of one moment.`);
  }
  const source = options.details ? withDetails(listed(), client, options.concurrency ?? 4, options.rate ?? 10, options.signal) : listed();

  // The first jobs decide the extra columns (--all-fields) and the column widths.
  const sample: Job[] = [];
  const iterator = source[Symbol.asyncIterator]();
  let next = await iterator.next();
  while (!next.done && sample.length < SAMPLE) {
    sample.push(next.value);
    if (sample.length < SAMPLE) next = await iterator.next();
  }
  const { specs, mapped } = exportColumns(mapping, options.allFields ? sample : undefined);
  const parts = specs.map((spec) => parseFieldPath(spec.field) ?? [spec.field]);
  const header = specs.map((spec) => spec.column as string);
  const rowOf = (job: Job): OutCell[] => specs.map((spec, i) => toCell(getPath(job, parts[i] as (string | number)[]), spec, target));
  const sampleRows = sample.map(rowOf);
  // As wide as the longest line in the first rows, at most MAX_WIDTH: longer text wraps.
  const longest = header.map((h, i) => {
    let width = h.length;
    for (const cells of sampleRows.slice(0, 200)) {
      const cell = cells[i];
      const text = cell instanceof Date ? 'yyyy-mm-dd hh:mm' : String(cell ?? '');
      for (const line of text.split(/\r\n|[\r\n]/)) width = Math.max(width, line.length);
    }
    return width + 2;
  });
  const widths = longest.map((width) => Math.min(MAX_WIDTH, width));

  const writer = await openRowsWriter(output, {
    header,
    format,
    delimiter: options.delimiter ?? delimiterOfName(output) ?? locale.listSeparator,
    bom: options.bom ?? locale.decimal === ',',
    raw: options.raw,
    sheet: sheetName,
    // A column the mapping does not name (--all-fields) holds what the API sent: no text format forced.
    numFmts: specs.map((spec, i) => (i >= mapped && spec.type === 'string' ? undefined : numFmtOf(spec))),
    widths,
    wrap: longest.map((width) => width > MAX_WIDTH),
    paper: paperOf(mapping.locale),
  });
  let rows = 0;
  let newest = previous?.modified ?? 0;
  const modifiedById = new Map<string, number>();
  // Only the jobs near the newest modification are remembered, so memory stays flat.
  const remember = (job: Job) => {
    if (typeof job.modified !== 'number') return;
    newest = Math.max(newest, job.modified);
    if (job.id !== undefined && job.modified >= newest - OVERLAP_MS) modifiedById.set(String(job.id), job.modified);
    if (modifiedById.size > 10_000) for (const [id, m] of modifiedById) if (m < newest - OVERLAP_MS) modifiedById.delete(id);
  };
  // Excel holds at most 32,767 characters in a cell, and cuts a longer one when it opens the file.
  const tooLong = { cells: 0, first: '' };
  const measure = (job: Job, cells: OutCell[]) => {
    for (const [i, cell] of cells.entries()) {
      if (typeof cell !== 'string' || cell.length <= EXCEL_CELL_CHARS) continue;
      if (!tooLong.cells++) tooLong.first = `job ${job.id ?? job.uuid}, column "${header[i] ?? i + 1}", ${cell.length.toLocaleString('en')} characters`;
    }
  };
  try {
    const write = async (job: Job, cells: OutCell[] = rowOf(job)) => {
      if (options.signal?.aborted) throw new CdbError('INTERRUPTED', 'The export was interrupted; nothing was written to its path.', { hint: 'Run it again.' });
      if (format === 'xlsx') measure(job, cells);
      await writer.write(cells);
      remember(job);
      rows++;
      if (rows % 500 === 0) reporter.progress?.({ phase: 'export', done: rows });
    };
    for (const [i, job] of sample.entries()) await write(job, sampleRows[i]);
    if (sample.length === SAMPLE) for (next = await iterator.next(); !next.done; next = await iterator.next()) await write(next.value);
    await writer.close();
  } catch (error) {
    await writer.abort();
    await iterator.return?.(undefined);
    throw error;
  }

  if (tooLong.cells) reporter.warn(`${tooLong.cells === 1 ? 'A cell is' : `${tooLong.cells} cells are`} longer than the ${EXCEL_CELL_CHARS.toLocaleString('en')} characters an Excel cell holds (${tooLong.cells === 1 ? '' : 'the first: '}${tooLong.first}): the file holds ${tooLong.cells === 1 ? 'it' : 'them'} whole, but Excel cuts ${tooLong.cells === 1 ? 'it' : 'them'} when it opens it. Export to .csv to keep such text.`);
  // Advance the watermark only now that the file is complete.
  const near: Record<string, number> = {};
  for (const [id, modified] of modifiedById) if (modified >= newest - OVERLAP_MS) near[id] = modified;
  if (previous) for (const [id, modified] of Object.entries(previous.near)) if (modified >= newest - OVERLAP_MS && near[id] === undefined) near[id] = modified;
  await store.set(key, { modified: newest, near, finishedAt: Date.now() });
  return { file: output, format, rows, columns: header.length, since, seconds: (Date.now() - started) / 1000 };
}
