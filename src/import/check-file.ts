import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { CdbError } from '../errors.js';
import { bindHeader, type BoundMapping } from '../mapping/bind-header.js';
import { localeRules } from '../mapping/locale.js';
import { mapRow, type MappedRow } from '../mapping/map-row.js';
import type { Mapping, RowIssue } from '../mapping/types.js';
import type { SheetRow } from '../readers/cell.js';
import { openSpreadsheet } from '../readers/spreadsheet.js';
import type { Detected, OpenSheet, ReadOptions } from '../readers/types.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { temporaryPathFor } from '../util/atomic-write.js';
import { ErrorRows } from '../writers/error-rows.js';
import { FileFindings, type FileWarning } from './file-findings.js';
import { IssueGroups, type IssueGroup } from './issue-groups.js';

/** What to read and check. */
export interface CheckOptions {
  file: string;
  mapping: Mapping;
  /** Flags that override the mapping's sheet, delimiter, encoding. */
  read?: ReadOptions;
  /** Where invalid rows go (importOutputs names it). */
  errorsFile: string;
  /** The errors file is the default one beside the input: a stale one is removed when there is nothing to put in it. */
  errorsFileIsDefault?: boolean;
  /** Every valid payload as JSON lines, to see exactly what would be sent. */
  payloadsFile?: string;
  reporter?: Reporter;
  /** Files of up to this many rows (default 20,000) are held in memory; larger ones are read again. */
  keepRows?: number;
  /** The permissions of the errors and payloads files at most (the input's). */
  mode?: number;
}

/** What the check found: the file, its header bound to the mapping, and every invalid row. */
export interface FileCheck {
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
  /** Signs that the file (or the mapping) is probably not what was meant; they never stop a run. */
  findings: FileWarning[];
  /** The problems grouped by column and message (one line for the same problem on many rows). */
  issueGroups: IssueGroup[];
  bound: BoundMapping;
}

/** A row as the check saw it: the source cells and the mapped payload or its problems. */
export interface CheckedRow {
  row: SheetRow;
  mapped: MappedRow;
}

/** A checked file: what the check found, and its checked rows for every later pass, in file order. */
export interface CheckedFile {
  check: FileCheck;
  /** The rows again, as checked: from memory, or the file read again when it is large (and unchanged). */
  rows(): AsyncIterable<CheckedRow> | Iterable<CheckedRow>;
  /** True when the rows are held in memory (no pass reads the file again). */
  held: boolean;
}

const KEPT_ISSUES = 200;
const KEEP_ROWS = 20_000;

/** A row issue as the errors file's Reason: `Start: expected …`. */
export function reasonText(issue: RowIssue): string {
  return `${issue.column ?? issue.field ?? 'row'}: ${issue.message}`;
}

/** Reads the sheet with the mapping's settings, overridden by flags. */
export async function openForMapping(file: string, mapping: Mapping, read: ReadOptions = {}): Promise<OpenSheet> {
  return openSpreadsheet(file, {
    sheet: read.sheet ?? mapping.sheet,
    headerRow: read.headerRow ?? mapping.headerRow,
    delimiter: read.delimiter ?? mapping.delimiter,
    encoding: read.encoding ?? mapping.encoding,
    format: read.format,
    locale: read.locale ?? mapping.locale,
  });
}

/**
 * Maps and checks rows in file order: `mapRow`, plus the rule that no two rows share a key
 * (which needs to remember the keys seen). Each pass over a file makes its own.
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

/** What a pass read: a later pass reads the same bytes or stops. */
interface Fingerprint {
  size: number;
  mtimeMs: number;
  content: string;
}

/** SHA-256 of a file's bytes. */
async function contentHash(file: string): Promise<string> {
  const digest = createHash('sha256');
  for await (const chunk of createReadStream(file)) digest.update(chunk as Buffer);
  return digest.digest('hex').slice(0, 32);
}

async function fingerprint(file: string): Promise<Fingerprint> {
  const { size, mtimeMs } = await stat(file);
  return { size, mtimeMs, content: await contentHash(file) };
}

function changedError(file: string): CdbError {
  return new CdbError('INPUT', 'The file changed after it was checked: it is read again for each pass (it has over 20,000 rows), and what would be sent is no longer what was checked. Nothing more was sent.', {
    context: { file },
    hint: 'Leave the file alone while it is imported (close it in Excel), then run the same command again: rows already done are skipped.',
  });
}

/** The file read and checked again, row by row, as the check did, if it is still the file that was checked. */
async function* readAgain(file: string, mapping: Mapping, bound: BoundMapping, read: ReadOptions | undefined, seen: Fingerprint): AsyncGenerator<CheckedRow> {
  const now = await fingerprint(file);
  if (now.size !== seen.size || now.mtimeMs !== seen.mtimeMs || now.content !== seen.content) throw changedError(file);
  const sheet = await openForMapping(file, mapping, read);
  try {
    const check = rowChecker(bound, mapping);
    let since = 0;
    for await (const row of sheet.rows) {
      // Overwritten in place while it is read (Excel saves over it): stop at the next look.
      if (++since >= 200) {
        since = 0;
        const { size, mtimeMs } = await stat(file);
        if (size !== seen.size || mtimeMs !== seen.mtimeMs) throw changedError(file);
      }
      yield { row, mapped: check(row) };
    }
  } finally {
    await sheet.close();
  }
}

/**
 * The check: read the whole file, map and check every row, with no network. Invalid rows go to
 * the errors file with their reasons; `onRow` sees every row, checked, in order. The rows are
 * held for the later passes while there are few enough, so that a file of up to 20,000 rows is
 * read once; a larger one is read again for each pass (memory stays flat whatever its size), and
 * a pass over a file that changed since it was checked stops.
 */
export async function checkFile(options: CheckOptions, onRow?: (checked: CheckedRow) => void | Promise<void>): Promise<CheckedFile> {
  const { file, mapping } = options;
  const reporter = options.reporter ?? silentReporter;
  const seen = await fingerprint(file).catch(() => undefined);
  const sheet = await openForMapping(file, mapping, options.read);
  const detected = sheet.detected;
  reporter.detail(
    detected.format === 'csv'
      ? `Detected csv: encoding ${detected.encoding}${detected.bom ? ' with BOM' : ''}, delimiter ${JSON.stringify(detected.delimiter)}.`
      : `Reading ${detected.format} sheet "${detected.sheet}"${detected.date1904 ? ' (1904 date system)' : ''}.`,
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

  const errors = new ErrorRows(options.errorsFile, sheet.header, detected, options.mode);
  // Written beside it under a new name, and put in place when complete, like every output.
  const payloadsTemporary = options.payloadsFile ? temporaryPathFor(path.resolve(options.payloadsFile)) : undefined;
  const payloads = payloadsTemporary ? createWriteStream(payloadsTemporary, { flags: 'wx', mode: options.mode ?? 0o600 }) : undefined;
  const check = rowChecker(bound, mapping);
  const findings = new FileFindings(bound, mapping);
  const groups = new IssueGroups();
  const keepRows = options.keepRows ?? KEEP_ROWS;
  let kept: CheckedRow[] | undefined = [];
  const issues: RowIssue[] = [];
  let rows = 0;
  let invalid = 0;
  let issueCount = 0;
  let complete = false;
  try {
    for await (const row of sheet.rows) {
      rows++;
      const checked = { row, mapped: check(row) };
      if (kept && kept.length < keepRows) kept.push(checked);
      else kept = undefined;
      await onRow?.(checked);
      const { mapped } = checked;
      findings.see(row, mapped);
      if (mapped.issues.length) {
        invalid++;
        issueCount += mapped.issues.length;
        for (const issue of mapped.issues) {
          if (issues.length < KEPT_ISSUES) issues.push(issue);
          groups.add(issue);
        }
        await errors.add(row, mapped.issues.map(reasonText).join('; '), mapped.issues);
      } else if (payloads && !payloads.write(`${JSON.stringify({ row: row.row, ...(mapped.key ? { key: mapped.key } : {}), job: mapped.job })}\n`)) {
        await once(payloads, 'drain');
      }
      if (rows % 10_000 === 0) reporter.progress?.({ phase: 'check', done: rows });
    }
    complete = true;
  } finally {
    await errors.close();
    if (payloads) {
      payloads.end();
      await once(payloads, 'close');
      // Whole, or not at all.
      if (complete) await rename(payloadsTemporary as string, options.payloadsFile as string);
      else await rm(payloadsTemporary as string, { force: true });
    }
  }
  for (const warning of sheet.warnings) reporter.warn(warning);
  // A stale errors file from an earlier run of the same input would mislead: remove it.
  if (!errors.used && options.errorsFileIsDefault) await rm(options.errorsFile, { force: true });
  const fileCheck: FileCheck = {
    file,
    detected,
    header: sheet.header,
    rows,
    valid: rows - invalid,
    invalid,
    issues,
    issueCount,
    errorsFile: errors.used ? options.errorsFile : undefined,
    payloadsFile: options.payloadsFile,
    unmapped: bound.unmapped,
    missing: bound.missing,
    warnings: sheet.warnings,
    findings: findings.warnings(),
    issueGroups: groups.list(),
    bound,
  };
  const held = kept;
  return {
    check: fileCheck,
    held: held !== undefined,
    rows: () => held ?? readAgain(file, mapping, bound, options.read, seen ?? { size: -1, mtimeMs: -1, content: '' }),
  };
}
