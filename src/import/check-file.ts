import { rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { bindHeader, type BoundMapping } from '../mapping/bind-header.js';
import { localeRules } from '../mapping/locale.js';
import { mapRow, type MappedRow } from '../mapping/map-row.js';
import type { Mapping, RowIssue } from '../mapping/types.js';
import type { SheetRow } from '../readers/cell.js';
import { openSpreadsheet, type Detected, type ReadOptions } from '../readers/spreadsheet.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { ErrorRows } from '../writers/error-rows.js';

/** What to read and check. */
export interface PlanOptions {
  file: string;
  mapping: Mapping;
  /** Flags that override the mapping's sheet, delimiter, encoding. */
  read?: ReadOptions;
  /** Where invalid rows go; default beside the input (`jobs.errors.csv`). */
  errorsFile?: string;
  /** Every valid payload as JSON lines, to see exactly what would be sent. */
  payloadsFile?: string;
  reporter?: Reporter;
}

/** What the validation pass found. */
export interface PlanSummary {
  file: string;
  detected: Detected;
  header: string[];
  rows: number;
  valid: number;
  invalid: number;
  /** The first problems (at most 200), each a row issue. */
  issues: RowIssue[];
  issueCount: number;
  errorsFile?: string;
  payloadsFile?: string;
  unmapped: string[];
  missing: string[];
  /** What the reader read past (values under no header), also told to the reporter. */
  warnings: string[];
  bound: BoundMapping;
}

const KEPT_ISSUES = 200;

/** A row issue as the errors file's Reason: `Start: expected …`. */
export function reasonText(issue: RowIssue): string {
  return `${issue.column ?? issue.field ?? 'row'}: ${issue.message}`;
}

/** The errors file beside an input: same format, `.errors` before the extension. */
export function besideInput(file: string, suffix: string, ext = path.extname(file)): string {
  const base = path.basename(file, path.extname(file));
  return path.join(path.dirname(file), `${base}.${suffix}${ext}`);
}

/** Reads the sheet with the mapping's settings, overridden by flags. */
export async function openForMapping(file: string, mapping: Mapping, read: ReadOptions = {}) {
  return openSpreadsheet(file, {
    sheet: read.sheet ?? mapping.sheet,
    headerRow: read.headerRow ?? mapping.headerRow,
    delimiter: read.delimiter ?? mapping.delimiter,
    encoding: read.encoding ?? mapping.encoding,
    format: read.format,
  });
}

/** A row as the validation pass saw it: the source cells and the mapped payload or its problems. */
export interface CheckedRow {
  row: SheetRow;
  mapped: MappedRow;
}

/**
 * Maps and checks rows in file order: `mapRow`, plus the rule that no two rows share a key
 * (which needs to remember the keys seen).
 */
export function rowChecker(bound: BoundMapping, mapping: Mapping): (row: SheetRow) => MappedRow {
  const ctx = { locale: localeRules(mapping.locale), timezone: mapping.timezone };
  const keys = new Map<string, number>();
  return (row) => {
    const mapped = mapRow(bound, ctx, row);
    if (mapped.key) {
      const first = keys.get(mapped.key);
      if (first !== undefined) mapped.issues.push({ row: row.row, column: mapping.key, message: `key "${mapped.key}" repeats row ${first}; each row needs its own key` });
      else keys.set(mapped.key, row.row);
    }
    return mapped;
  };
}

/**
 * The validation pass: read the whole file, map and check every row, with no network. Invalid
 * rows go to the errors file with their reasons; `onRow` sees every row, checked, in order.
 */
export async function planImport(options: PlanOptions, onRow?: (checked: CheckedRow) => void): Promise<PlanSummary> {
  const { file, mapping } = options;
  const reporter = options.reporter ?? silentReporter;
  const sheet = await openForMapping(file, mapping, options.read);
  const detected = sheet.detected;
  reporter.detail(
    detected.format === 'csv'
      ? `Detected csv: encoding ${detected.encoding}${detected.bom ? ' with BOM' : ''}, delimiter ${JSON.stringify(detected.delimiter)}.`
      : `Reading xlsx sheet "${detected.sheet}"${detected.date1904 ? ' (1904 date system)' : ''}.`,
  );
  let bound: BoundMapping;
  try {
    bound = bindHeader(mapping, sheet.header, { file, sheet: detected.sheet, row: sheet.headerRow });
  } catch (error) {
    await sheet.close();
    throw error;
  }
  if (bound.unmapped.length) reporter.detail(`Columns not in the mapping (left out): ${bound.unmapped.map((h) => `"${h}"`).join(', ')}.`);
  if (bound.missing.length) reporter.detail(`Optional columns of the mapping not in the file: ${bound.missing.map((h) => `"${h}"`).join(', ')}.`);

  const errorsFile = options.errorsFile ?? besideInput(file, 'errors', detected.format === 'xlsx' ? '.xlsx' : '.csv');
  const errors = new ErrorRows(errorsFile, sheet.header, detected);
  const payloads = options.payloadsFile ? createWriteStream(options.payloadsFile) : undefined;
  const check = rowChecker(bound, mapping);
  const issues: RowIssue[] = [];
  let rows = 0;
  let invalid = 0;
  let issueCount = 0;
  try {
    for await (const row of sheet.rows) {
      rows++;
      const mapped = check(row);
      onRow?.({ row, mapped });
      if (mapped.issues.length) {
        invalid++;
        issueCount += mapped.issues.length;
        for (const issue of mapped.issues) if (issues.length < KEPT_ISSUES) issues.push(issue);
        await errors.add(row, mapped.issues.map(reasonText).join('; '));
      } else {
        if (payloads && !payloads.write(`${JSON.stringify({ row: row.row, ...(mapped.key ? { key: mapped.key } : {}), job: mapped.job })}\n`)) await once(payloads, 'drain');
      }
      if (rows % 10_000 === 0) reporter.progress?.({ phase: 'check', done: rows });
    }
  } finally {
    await errors.close();
    if (payloads) {
      payloads.end();
      await once(payloads, 'close');
    }
  }
  for (const warning of sheet.warnings) reporter.warn(warning);
  // A stale errors file from an earlier run of the same input would mislead: remove it.
  if (!errors.used && !options.errorsFile) await rm(errorsFile, { force: true });
  return {
    file,
    detected,
    header: sheet.header,
    rows,
    valid: rows - invalid,
    invalid,
    issues,
    issueCount,
    errorsFile: errors.used ? errorsFile : undefined,
    payloadsFile: options.payloadsFile,
    unmapped: bound.unmapped,
    missing: bound.missing,
    warnings: sheet.warnings,
    bound,
  };
}
