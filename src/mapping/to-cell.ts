import { DATE_ONLY_PATTERN } from '../api/assumptions.js';
import type { LocaleRules } from './locale.js';
import type { ColumnSpec, OutCell } from './types.js';
import { epochToWall, formatWall } from '../time/zone-time.js';
import { neutralise } from '../util/formula-text.js';

/** How cells are written: to a workbook (typed cells) or to csv (text). */
export interface CellTarget {
  format: 'xlsx' | 'csv';
  timezone: string;
  locale: LocaleRules;
  /** csv: leave text that starts like a formula as it is (--raw). */
  raw?: boolean;
}


/** The Excel number format of a column, for typed xlsx cells. */
export function numFmtOf(spec: ColumnSpec): string | undefined {
  if (spec.timeOfDay) return 'hh:mm';
  if (spec.type === 'datetime') return 'yyyy-mm-dd hh:mm';
  if (spec.type === 'date') return 'yyyy-mm-dd';
  if (spec.type === 'string') return '@';
  return undefined;
}

export { neutralise };

function reverseMap(spec: ColumnSpec, value: unknown): unknown {
  if (!spec.map) return value;
  for (const [from, to] of Object.entries(spec.map)) if (to === value) return from;
  return value;
}

/** A date-only or wall-clock cell: in xlsx a Date whose UTC fields are the wall clock. */
function timeCell(value: unknown, spec: ColumnSpec, target: CellTarget): OutCell {
  if (spec.timeOfDay && typeof value === 'string') return null; // an all-day job's date has no time of day
  if (typeof value === 'string' && DATE_ONLY_PATTERN.test(value)) {
    return target.format === 'xlsx' ? new Date(`${value}T00:00:00Z`) : value;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return value === null || value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value);
  const w = epochToWall(value, target.timezone);
  if (spec.timeOfDay) {
    // Excel's time of day: a fraction of the day on its day 0.
    return target.format === 'xlsx' ? new Date(Date.UTC(1899, 11, 30, w.hour, w.minute, w.second)) : formatWall(w).slice(11);
  }
  if (spec.type === 'date') {
    return target.format === 'xlsx' ? new Date(Date.UTC(w.year, w.month - 1, w.day)) : formatWall(w, 'date');
  }
  if (target.format === 'xlsx') return new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second));
  return formatWall(w);
}

const textTargets = new WeakMap<CellTarget, CellTarget>();

/** The target an array's elements are written to before they are joined: raw text. */
function textTargetOf(target: CellTarget): CellTarget {
  let text = textTargets.get(target);
  if (!text) textTargets.set(target, (text = { ...target, format: 'csv', raw: true }));
  return text;
}

/**
 * A job's value as a cell, the mapping applied in reverse: value maps reversed (true → Ja), dates
 * as wall-clock time in the mapping's zone, numbers as numbers (decimal comma in csv under a locale
 * that uses one), text as text, arrays joined.
 */
export function toCell(value: unknown, spec: ColumnSpec, target: CellTarget): OutCell {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) {
    const asText = textTargetOf(target);
    const parts = value.map((v) => toCell(v, spec, asText)).filter((v) => v !== null && v !== '');
    const text = parts.map(String).join(spec.join ?? '; ');
    return target.format === 'csv' && !target.raw ? neutralise(text) : text;
  }
  const mapped = reverseMap(spec, value);
  if (mapped !== value) return typeof mapped === 'string' && target.format === 'csv' && !target.raw ? neutralise(mapped) : (mapped as OutCell);
  switch (spec.type) {
    case 'date':
    case 'datetime':
      return timeCell(value, spec, target);
    case 'boolean':
      if (typeof value === 'boolean') return target.format === 'xlsx' ? value : value ? 'true' : 'false';
      break;
    default:
      break;
  }
  // A JSON number is a number cell whatever the column's type (a custom field holding 18524).
  if (typeof value === 'number' && Number.isFinite(value)) {
    return target.format === 'csv' && target.locale.decimal === ',' ? String(value).replace('.', ',') : value;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return target.format === 'csv' && !target.raw ? neutralise(text) : text;
}
