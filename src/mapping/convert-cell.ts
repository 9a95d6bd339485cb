import { DateTime } from 'luxon';
import { cellText, isDateCell, isErrorCell, type Cell } from '../readers/cell.js';
import type { LocaleRules } from './locale.js';
import type { ColumnSpec } from './types.js';

/** The result of converting one cell: a value, or what was expected. */
export type Converted = { value: unknown } | { problem: string };

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'ja', 'j', 'sant', '1', 'x', '✓', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'nej', 'falskt', '0', 'off', '-']);
const SERIAL_MIN = 1;
const SERIAL_MAX = 2_958_465; // 9999-12-31

/** What the conversion needs besides the cell. */
export interface ConvertContext {
  locale: LocaleRules;
  timezone: string;
}

const got = (cell: Cell) => `got "${cellText(cell)}"`;

/** Reads a number written under a locale: decimal comma or point, spaces or dots between thousands. */
export function parseLocaleNumber(text: string, locale: LocaleRules): number | undefined {
  let t = text.trim().replace(/[\s\u00a0\u202f']/g, '').replace(/^−/, '-');
  if (locale.decimal === ',') {
    if (t.includes(',')) t = t.replace(/\./g, '').replace(',', '.');
    else if ((t.match(/\./g) ?? []).length > 1) t = t.replace(/\./g, '');
  } else {
    t = t.replace(/,/g, '');
  }
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : undefined;
}

/** Wall-clock parts to epoch ms in a zone; a time that the clocks skip is a problem, not a guess. */
function zoned(parts: { year: number; month: number; day: number; hour?: number; minute?: number; second?: number }, zone: string): Converted {
  const dt = DateTime.fromObject(parts, { zone });
  if (!dt.isValid) return { problem: 'not a valid date' };
  if (dt.hour !== (parts.hour ?? 0) || dt.minute !== (parts.minute ?? 0)) {
    return { problem: `${dt.toFormat('yyyy-MM-dd')} ${String(parts.hour).padStart(2, '0')}:${String(parts.minute).padStart(2, '0')} does not exist in ${zone} (the clocks go forward then)` };
  }
  return { value: dt.toMillis() };
}

function wallParts(dt: DateTime) {
  return { year: dt.year, month: dt.month, day: dt.day, hour: dt.hour, minute: dt.minute, second: dt.second };
}

/** Text or a cell as a wall-clock DateTime (zone-less, in UTC), or undefined. */
function readWallClock(cell: Cell, spec: ColumnSpec, ctx: ConvertContext): { dt: DateTime; offset?: boolean } | undefined {
  if (isDateCell(cell)) return { dt: DateTime.fromISO(cell.wall, { zone: 'utc' }) };
  if (typeof cell === 'number') {
    if (cell < SERIAL_MIN || cell > SERIAL_MAX) return undefined;
    return { dt: DateTime.fromMillis(Date.UTC(1899, 11, 30) + Math.round(cell * 86_400) * 1000, { zone: 'utc' }) };
  }
  if (typeof cell !== 'string') return undefined;
  const text = cell.trim();
  if (spec.format) {
    const dt = DateTime.fromFormat(text, spec.format, { zone: 'utc' });
    return dt.isValid ? { dt } : undefined;
  }
  if (/^\d{5}(\.\d+)?$/.test(text)) return readWallClock(Number(text), spec, ctx);
  // ISO, with or without T, seconds, or an offset (an explicit offset wins over the mapping's zone).
  const iso = text.replace(/^(\d{4}-\d{2}-\d{2})[ ]+(\d)/, '$1T$2');
  if (/^\d{4}-\d{2}-\d{2}/.test(iso)) {
    const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(iso);
    const dt = DateTime.fromISO(iso, { zone: 'utc', setZone: hasOffset });
    if (dt.isValid) return { dt, offset: hasOffset };
    return undefined;
  }
  const separated = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:[ T]+(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (separated) {
    const [, a, , b, year, hour, minute, second] = separated;
    const [day, month] = ctx.locale.dayFirst ? [a, b] : [b, a];
    const dt = DateTime.fromObject(
      { year: Number(year), month: Number(month), day: Number(day), hour: Number(hour ?? 0), minute: Number(minute ?? 0), second: Number(second ?? 0) },
      { zone: 'utc' },
    );
    return dt.isValid ? { dt } : undefined;
  }
  return undefined;
}

/**
 * Converts one non-blank cell to the column's type. Pure: the same cell, spec and context
 * always give the same value or the same problem.
 */
export function convertCell(cell: Cell, spec: ColumnSpec, ctx: ConvertContext): Converted {
  if (isErrorCell(cell)) return { problem: `the cell holds the error ${cell.error}` };
  if (spec.map) {
    const text = cellText(cell).trim().toLowerCase();
    for (const [from, to] of Object.entries(spec.map)) if (from.trim().toLowerCase() === text) return { value: to };
  }
  switch (spec.type) {
    case 'string':
      return { value: cellText(cell).trim() };
    case 'integer':
    case 'number': {
      const n = typeof cell === 'number' ? cell : typeof cell === 'string' ? parseLocaleNumber(cell, ctx.locale) : undefined;
      const example = spec.type === 'integer' ? '42' : ctx.locale.decimal === ',' ? '1 234,5' : '1,234.5';
      if (n === undefined || !Number.isFinite(n)) return { problem: `expected a number like ${example}, ${got(cell)}` };
      if (spec.type === 'integer' && !Number.isInteger(n)) return { problem: `expected a whole number like ${example}, ${got(cell)}` };
      return { value: n };
    }
    case 'boolean': {
      if (typeof cell === 'boolean') return { value: cell };
      const text = cellText(cell).trim().toLowerCase();
      if (TRUE_WORDS.has(text)) return { value: true };
      if (FALSE_WORDS.has(text)) return { value: false };
      return { problem: `expected yes or no (true/false, ja/nej, 1/0, x), ${got(cell)}` };
    }
    case 'enum': {
      const text = cellText(cell).trim();
      const found = spec.values?.find((v) => v.toLowerCase() === text.toLowerCase());
      if (found !== undefined) return { value: found };
      const allowed = [...(spec.values ?? []), ...Object.keys(spec.map ?? {})];
      return { problem: `expected one of ${allowed.map((v) => `"${v}"`).join(', ')}, ${got(cell)}` };
    }
    case 'date': {
      const read = readWallClock(cell, spec, ctx);
      if (!read) return { problem: `expected a date like ${spec.format ? DateTime.fromISO('2026-03-01').toFormat(spec.format) : '2026-03-01'}, ${got(cell)}` };
      return { value: read.dt.toFormat('yyyy-MM-dd') };
    }
    case 'datetime': {
      const read = readWallClock(cell, spec, ctx);
      if (!read) {
        const example = spec.format ? DateTime.fromISO('2026-03-01T08:00').toFormat(spec.format) : '2026-03-01 08:00';
        return { problem: `expected a date like ${example}, ${got(cell)}` };
      }
      if (read.offset) return { value: read.dt.toMillis() };
      return zoned(wallParts(read.dt), ctx.timezone);
    }
  }
}
