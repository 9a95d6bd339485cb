import type { Job } from '../api/types.js';
import { cellText, isBlank, type SheetRow } from '../readers/cell.js';
import type { BoundMapping } from './bind-header.js';
import { convertCell, type ConvertContext } from './convert-cell.js';
import { EACH, getPath, setEach, setPath } from './field-path.js';
import type { RowIssue } from './types.js';
import { epochToWall, formatWall } from '../time/zone-time.js';
import { isUuid } from '../util/uuid.js';

/**
 * The most text one job may carry, in bytes of UTF-8: the sandbox refuses a body over 1 MiB
 * (406), and the service is assumed to be no more generous. Found here, it is a problem on the
 * cell in the dry run, not a 406 after sending.
 */
export const MAX_JOB_TEXT_BYTES = 1048576;

/** A text's size in UTF-8 bytes, measured only when it could be over `limit`. */
function textBytes(text: string, limit: number): number {
  return text.length * 3 <= limit ? text.length : Buffer.byteLength(text);
}

const megabytes = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** A row after mapping: the job payload, its key, and the problems (none when valid). */
export interface MappedRow {
  row: number;
  job: Job;
  key?: string;
  issues: RowIssue[];
}

/**
 * The engine of import: a pure function from a normalised row to a job payload or the list of
 * its problems. Blank optional cells leave their field out; constants are set on every row.
 */
export function mapRow(bound: BoundMapping, ctx: ConvertContext, sheetRow: SheetRow): MappedRow {
  const job: Record<string, unknown> = {};
  const issues: RowIssue[] = [];
  const { row, cells } = sheetRow;
  let textTotal = 0;
  let cellTooLong = false;
  const tooLong = (value: unknown, column: string | undefined, field: string): boolean => {
    if (typeof value !== 'string') return false;
    const bytes = textBytes(value, MAX_JOB_TEXT_BYTES);
    textTotal += bytes;
    if (bytes <= MAX_JOB_TEXT_BYTES) return false;
    cellTooLong = true;
    issues.push({ row, column, field, message: `is ${megabytes(bytes)} of text; a job sent to the API holds at most 1 MB` });
    return true;
  };
  for (const column of bound.columns) {
    const { spec } = column;
    if (spec.readOnly) continue;
    if (spec.value !== undefined) {
      setPath(job, column.parts, spec.value);
      continue;
    }
    const cell = column.index === undefined ? null : (cells[column.index] ?? null);
    const keptSpaces = spec.trim === false && typeof cell === 'string' && cell !== '';
    if (isBlank(cell) && !keptSpaces) {
      if (spec.required) issues.push({ row, column: column.header ?? spec.column, field: spec.field, message: 'is required but empty' });
      continue;
    }
    if (column.parts.includes(EACH)) {
      // One cell, many elements: "Anna Lind; Erik Ek" → resources[0].name, resources[1].name
      const pieces = cellText(cell).split((spec.join ?? ';').trim() || ';').map((p) => p.trim()).filter(Boolean);
      const values: unknown[] = [];
      for (const piece of pieces) {
        const converted = convertCell(piece, spec, ctx);
        if ('problem' in converted) issues.push({ row, column: column.header, field: spec.field, message: converted.problem });
        else if (!tooLong(converted.value, column.header, spec.field)) values.push(converted.value);
      }
      setEach(job, column.parts, values);
      continue;
    }
    const converted = convertCell(cell, spec, ctx);
    if ('problem' in converted) issues.push({ row, column: column.header, field: spec.field, message: converted.problem });
    else if (converted.value === '' && !keptSpaces) {
      // A cell whose format shows nothing (0 formatted #, or ;;;) is empty to the eye: so here too.
      if (spec.required) issues.push({ row, column: column.header, field: spec.field, message: 'is required but shows nothing (its number format hides the value)' });
    } else if (!tooLong(converted.value, column.header, spec.field)) setPath(job, column.parts, converted.value);
  }
  // Cells each under the limit may still add up to a job over it (constants are a mapping's few bytes).
  if (textTotal > MAX_JOB_TEXT_BYTES && !cellTooLong) {
    issues.push({ row, message: `holds ${megabytes(textTotal)} of text in all; a job sent to the API holds at most 1 MB` });
  }
  // An all-day job's start and end are dates, not times (whatever the columns' type).
  if (job.allDay === true) {
    for (const field of ['startTime', 'endTime']) {
      const value = job[field];
      if (typeof value === 'number') {
        job[field] = formatWall(epochToWall(value, ctx.timezone), 'date');
      }
    }
  }
  let key: string | undefined;
  if (bound.keyIndex !== undefined) {
    // The key as its field types it (01 and +1 are the integer 1), in one Unicode spelling, a
    // uuid in lower case: so that repeats are found as the account will match them.
    const keyColumn = bound.columns.find((c) => c.index === bound.keyIndex && !c.spec.readOnly && c.spec.value === undefined);
    const typed = keyColumn ? getPath(job, keyColumn.parts) : undefined;
    key = (typed !== undefined && typed !== null && typeof typed !== 'object' ? String(typed) : cellText(cells[bound.keyIndex] ?? null)).trim().normalize('NFC');
    if (isUuid(key)) key = key.toLowerCase();
    if (key === '') issues.push({ row, column: bound.header[bound.keyIndex], message: 'is the key column and must not be empty' });
  }
  return { row, job: job as Job, key, issues };
}

/** `row 17, column "Start": expected …` */
export function formatIssue(issue: RowIssue): string {
  return `row ${issue.row}${issue.column ? `, column "${issue.column}"` : issue.field ? `, field ${issue.field}` : ''}: ${issue.message}`;
}
