import type { Job } from '../api/types.js';
import { naturalType } from './job-fields.js';
import type { ColumnSpec, Mapping } from './types.js';

/** Dotted paths of a job's values that the mapping does not name (for --all-fields). */
function extraPaths(jobs: readonly Job[], known: Set<string>): string[] {
  const seen = new Set<string>();
  const walk = (value: unknown, at: string, depth: number) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      if (value.length === 0) return;
      if (value.every((v) => v === null || typeof v !== 'object')) seen.add(at);
      else value.slice(0, 3).forEach((v, i) => walk(v, `${at}[${i}]`, depth + 1));
      return;
    }
    if (typeof value === 'object' && depth < 4) {
      for (const [k, v] of Object.entries(value)) walk(v, at ? `${at}.${k}` : k, depth + 1);
      return;
    }
    seen.add(at);
  };
  for (const job of jobs) walk(job, '', 0);
  return [...seen].filter((p) => !known.has(p)).sort();
}

/**
 * A datetime read from a date column and a time column (`column: [Startdatum, Starttid]`) is
 * written back to both, a date cell and a time-of-day cell, so that the file imports the same. A
 * template's text is not split back into its columns.
 */
function dateAndTime(spec: ColumnSpec): ColumnSpec[] {
  const [date, time] = spec.from ?? [];
  if (spec.template !== undefined || date === undefined || time === undefined) return [];
  return [
    { ...spec, column: date, from: undefined, type: 'date' },
    { ...spec, column: time, from: undefined, timeOfDay: true },
  ];
}

/**
 * The columns an export writes: the mapping's columns that read a cell (constants are not
 * exported), then, when `sample` is given (--all-fields), every other field those jobs hold, as a
 * dotted-path column. `mapped` is how many of them the mapping names.
 */
export function exportColumns(mapping: Mapping, sample?: readonly Job[]): { specs: ColumnSpec[]; mapped: number } {
  const named = mapping.columns.flatMap((c) => (c.value !== undefined ? [] : c.column !== undefined ? [c] : dateAndTime(c)));
  const specs: ColumnSpec[] = [...named];
  if (sample) {
    const known = new Set(named.map((c) => c.field));
    for (const field of extraPaths(sample, known)) {
      specs.push({ column: field, field, aliases: [], required: false, trim: true, readOnly: true, type: naturalType(field.replace(/\[\d+\]/g, '[0]')) ?? 'string' });
    }
  }
  return { specs, mapped: named.length };
}

/**
 * The columns a blank import workbook has: every column the import reads, a field read from
 * several columns as those columns (a date and a time of day; the text parts a template joins).
 */
export function importColumns(mapping: Mapping): ColumnSpec[] {
  return mapping.columns.flatMap((c) => {
    if (c.value !== undefined || c.readOnly) return [];
    if (c.column !== undefined) return [c];
    if (c.template !== undefined) {
      return (c.from ?? []).map((column): ColumnSpec => ({ ...c, column, type: 'string', template: undefined, from: undefined, map: undefined, values: undefined, required: false, aliases: [] }));
    }
    return dateAndTime(c);
  });
}
