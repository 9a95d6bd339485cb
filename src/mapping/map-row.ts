import type { Job } from '../api/types.js';
import { cellText, isBlank, type SheetRow } from '../readers/cell.js';
import type { BoundColumn, BoundMapping } from './bind-header.js';
import { convertCell, type ConvertContext } from './convert-cell.js';
import { joinDateTime } from './date-and-time.js';
import { EACH, getPath, setEach, setPath } from './field-path.js';
import { fillTemplate, parseTemplate, type TextTemplate } from './template-text.js';
import type { ColumnSpec, RowIssue } from './types.js';
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

/** A field whose cells are empty in a row of a file that has its column(s). */
export interface EmptyField {
  /** The column as the file spells it (`Startdatum + Starttid` for two). */
  column: string;
  field: string;
  parts: readonly (string | number)[];
  /** The column says `empty: clear`: a keyed update clears the field (else the job's value is kept). */
  clear: boolean;
}

/** A row after mapping: the job payload, its key, and the problems (none when valid). */
export interface MappedRow {
  row: number;
  job: Job;
  key?: string;
  issues: RowIssue[];
  /** The fields the file has columns for whose cells are empty in this row (absent when none). */
  empty?: EmptyField[];
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
  let empty: EmptyField[] | undefined;
  /** A blank field: a problem when required; else, when the file has its column, said (a keyed update keeps or clears it). */
  const blank = (column: BoundColumn, message = 'is required but empty') => {
    const { spec } = column;
    if (spec.required) issues.push({ row, column: labelOf(column) ?? spec.from?.join(' + '), field: spec.field, message });
    else if (column.index !== undefined || column.several) (empty ??= []).push(emptyFieldOf(column));
  };
  for (const column of bound.columns) {
    const { spec } = column;
    if (spec.readOnly) continue;
    if (spec.value !== undefined) {
      setPath(job, column.parts, spec.value);
      continue;
    }
    if (column.several) {
      const read = readSeveral(column, column.several, cells, ctx);
      if ('problem' in read) issues.push({ row, column: read.column, field: spec.field, message: read.problem });
      else if (read.value === undefined) blank(column);
      else if (!tooLong(read.value, column.several[0]?.header, spec.field)) setPath(job, column.parts, read.value);
      continue;
    }
    if (spec.from || spec.template) {
      // Several columns, none of them in the file: an optional field the file does not have.
      if (spec.required) blank(column);
      continue;
    }
    const cell = column.index === undefined ? null : (cells[column.index] ?? null);
    const keptSpaces = spec.trim === false && typeof cell === 'string' && cell !== '';
    if (isBlank(cell) && !keptSpaces) {
      if (spec.required) issues.push({ row, column: column.header ?? spec.column, field: spec.field, message: 'is required but empty' });
      else if (column.index !== undefined) blank(column);
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
      blank(column, 'is required but shows nothing (its number format hides the value)');
    } else if (!tooLong(converted.value, column.header, spec.field)) setPath(job, column.parts, spec.pad ? padded(converted.value, spec.pad) : converted.value);
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
    key = (typeof typed === 'string' || typeof typed === 'number' || typeof typed === 'boolean' ? String(typed) : cellText(cells[bound.keyIndex] ?? null)).trim().normalize('NFC');
    if (isUuid(key)) key = key.toLowerCase();
    if (key === '') {
      // Keyed on the job's uuid (an export's UUID column), an empty cell is most often a job added to the export.
      const byUuid = keyColumn?.spec.field === 'uuid';
      const message = byUuid
        ? 'is the key column and is empty: keyed on UUID, each row names a job that exists. A new job has no uuid yet: import new rows in a file of their own, without --key UUID'
        : 'is the key column and must not be empty';
      issues.push({ row, column: bound.header[bound.keyIndex], message });
    }
  }
  return empty ? { row, job: job, key, issues, empty } : { row, job: job, key, issues };
}

/** The column(s) a bound column reads, as the file spells them (`Startdatum + Starttid` for two). */
function labelOf(column: BoundColumn): string | undefined {
  return column.header ?? (column.several ? column.several.map((c) => c.header).join(' + ') : column.spec.column);
}

const emptyFields = new WeakMap<BoundColumn, EmptyField>();

/** The same for every row of a column: made once (a million rows with an empty cell make no garbage of it). */
function emptyFieldOf(column: BoundColumn): EmptyField {
  let field = emptyFields.get(column);
  if (!field) emptyFields.set(column, (field = { column: labelOf(column) ?? column.spec.field, field: column.spec.field, parts: column.parts, clear: column.spec.empty === 'clear' }));
  return field;
}

/** Digits given the leading zeros a spreadsheet took off (`pad: 7`: 50000 → 0050000); other text as it is. */
function padded(value: unknown, width: number): unknown {
  return typeof value === 'string' && value.length < width && /^\d+$/.test(value) ? value.padStart(width, '0') : value;
}

const textSpecs = new WeakMap<ColumnSpec, ColumnSpec>();

/** A template's part as text: what the cell shows (the column's own map and type do not apply to a part). */
function partSpec(spec: ColumnSpec): ColumnSpec {
  let text = textSpecs.get(spec);
  if (!text) textSpecs.set(spec, (text = { ...spec, type: 'string', map: undefined, trim: true }));
  return text;
}

const parsedTemplates = new WeakMap<ColumnSpec, TextTemplate>();

/**
 * A field read from several columns: a date and a time of day joined into one instant, or a
 * template's text. `value` undefined when every part is blank; a problem names its column.
 */
function readSeveral(column: BoundColumn, several: NonNullable<BoundColumn['several']>, cells: SheetRow['cells'], ctx: ConvertContext): { value?: unknown } | { problem: string; column: string } {
  const { spec } = column;
  const cellAt = (i: number) => cells[several[i]?.index ?? -1] ?? null;
  if (spec.template === undefined) {
    const joined = joinDateTime(cellAt(0), cellAt(1), spec, ctx, [several[0]?.header ?? '', several[1]?.header ?? '']);
    if ('problem' in joined) return { problem: joined.problem, column: several[joined.at]?.header ?? '' };
    return 'value' in joined ? { value: joined.value } : {};
  }
  let template = parsedTemplates.get(spec);
  if (!template) parsedTemplates.set(spec, (template = parseTemplate(spec.template) as TextTemplate));
  const texts: string[] = [];
  for (const [i, part] of several.entries()) {
    const cell = cellAt(i);
    if (isBlank(cell)) {
      texts.push('');
      continue;
    }
    const converted = convertCell(cell, partSpec(spec), ctx);
    if ('problem' in converted) return { problem: converted.problem, column: part.header };
    texts.push(String(converted.value));
  }
  const text = fillTemplate(template, texts);
  return text === '' ? {} : { value: text };
}

/** `row 17, column "Start": expected …` */
export function formatIssue(issue: RowIssue): string {
  return `row ${issue.row}${issue.column ? `, column "${issue.column}"` : issue.field ? `, field ${issue.field}` : ''}: ${issue.message}`;
}
