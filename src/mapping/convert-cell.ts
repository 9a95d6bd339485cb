import { DateTime } from 'luxon';
import { cellText, isDateCell, type Cell } from '../readers/cell.js';
import { serialToWall } from '../readers/excel-date.js';
import type { LocaleRules } from './locale.js';
import type { ColumnSpec } from './types.js';
import { formatWall, wallToEpoch, type WallClock } from '../time/zone-time.js';
import { unneutralise } from '../util/formula-text.js';

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

/** `got "Akut"`: the cell as the file shows it, for messages. */
export const got = (cell: Cell) => `got "${cellText(cell)}"`;

/** Reads a number written under a locale: decimal comma or point, spaces or dots between thousands. */
export function parseLocaleNumber(text: string, locale: LocaleRules): number | undefined {
  if (/^-?\d{1,15}$/.test(text)) return Number(text);
  let t = text.trim().replace(/[\s\u00a0\u202f']/g, '').replace(/^−/, '-');
  if (locale.decimal === ',') {
    if (t.includes(',')) t = t.replace(/\./g, '').replace(',', '.');
    else if ((t.match(/\./g) ?? []).length > 1) t = t.replace(/\./g, '');
  } else {
    t = t.replace(/,/g, '');
  }
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : undefined;
}

const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const DAY_MONTH_YEAR = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:[ T]+(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$/i;

/** A wall clock from numbers, or undefined when no such day or time exists (31.02). */
function wallOf(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): WallClock | undefined {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (year < 1000) return undefined; // a year like 0050 is a typing slip, not a date to send
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  return { year, month, day, hour, minute, second };
}

function wallFromMillis(ms: number): WallClock {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}


/** A cell as a wall-clock time, or an instant when the text names its own offset. */
export function readWallClock(cell: Cell, spec: ColumnSpec, ctx: ConvertContext): { wall: WallClock } | { instant: number } | undefined {
  if (isDateCell(cell)) return readWallClock(cell.wall, { ...spec, format: undefined }, ctx);
  if (typeof cell === 'object' && cell?.kind === 'number') return readWallClock(cell.value, spec, ctx);
  if (typeof cell === 'number') {
    // A number where a date belongs: an Excel serial (1900 system) left unformatted.
    if (cell < SERIAL_MIN || cell > SERIAL_MAX) return undefined;
    const wall = serialToWall(Math.round(cell * 86_400) / 86_400);
    return wall === undefined ? undefined : readWallClock(wall, { ...spec, format: undefined }, ctx);
  }
  if (typeof cell !== 'string') return undefined;
  const text = cell.trim();
  if (spec.format) {
    const dt = DateTime.fromFormat(text, spec.format, { zone: 'utc' });
    return dt.isValid ? { wall: wallFromMillis(dt.toMillis()) } : undefined;
  }
  if (/^\d{5}(\.\d+)?$/.test(text)) return readWallClock(Number(text), spec, ctx);
  let m = ISO_LOCAL.exec(text);
  if (m) {
    const wall = wallOf(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
    return wall && { wall };
  }
  if (WITH_OFFSET.test(text)) {
    const dt = DateTime.fromISO(text.replace(' ', 'T').replace(/\s+/, ''), { setZone: true });
    return dt.isValid ? { instant: dt.toMillis() } : undefined;
  }
  m = DAY_MONTH_YEAR.exec(text);
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[3])];
    const [day, month] = ctx.locale.dayFirst ? [a, b] : [b, a];
    const wall = wallOf(Number(m[4]), month, day, Number(m[5] ?? 0), Number(m[6] ?? 0), Number(m[7] ?? 0));
    return wall && { wall };
  }
  return undefined;
}

/**
 * Converts one non-blank cell to the column's type. Pure: the same cell, spec and context
 * always give the same value or the same problem.
 */
export function convertCell(cell: Cell, spec: ColumnSpec, ctx: ConvertContext): Converted {
  // Text this tool's csv writers neutralised ('=1+1, '-5) comes back as it was (=1+1, -5).
  if (typeof cell === 'string') cell = unneutralise(cell);
  if (typeof cell === 'object' && cell !== null) {
    if (cell.kind === 'error') return { problem: `the cell shows the error ${cell.error} (a formula that could not be calculated); fix it in the file` };
    if (cell.kind === 'unreadable') return { problem: cell.reason };
  }
  if (spec.map) return mapped(cell, spec, ctx);
  return typed(cell, spec, ctx);
}

const withoutMap = new WeakMap<ColumnSpec, ColumnSpec>();

/**
 * A cell of a column with a value map: one of the map's words (matched ignoring case), else a
 * cell that holds one of the map's values itself (2 for `Normal: 2`; an enum's allowed value);
 * anything else is a problem naming the words.
 */
function mapped(cell: Cell, spec: ColumnSpec, ctx: ConvertContext): Converted {
  const map = spec.map as Record<string, unknown>;
  const text = cellText(cell).trim().toLowerCase();
  for (const [from, to] of Object.entries(map)) if (from.trim().toLowerCase() === text) return { value: to };
  let plain = withoutMap.get(spec);
  if (!plain) withoutMap.set(spec, (plain = { ...spec, map: undefined }));
  const converted = typed(cell, plain, ctx);
  if (spec.type === 'enum') return 'value' in converted ? converted : { problem: `expected one of ${[...(spec.values ?? []), ...Object.keys(map)].map((v) => `"${v}"`).join(', ')}, ${got(cell)}` };
  if ('value' in converted && Object.values(map).some((v) => v === converted.value)) return converted;
  return { problem: `expected one of ${Object.keys(map).join(', ')}, ${got(cell)}` };
}

/** A cell converted by its column's type alone. */
function typed(cell: Cell, spec: ColumnSpec, ctx: ConvertContext): Converted {
  switch (spec.type) {
    case 'string':
      // What Excel shows: 50002 formatted 0000000 is "0050002".
      return { value: spec.trim === false ? cellText(cell) : cellText(cell).trim() };
    case 'integer':
    case 'number': {
      const n = spec.field === 'duration' && typeof cell === 'string' ? (durationMinutes(cell) ?? numberOf(cell, ctx)) : numberOf(cell, ctx);
      const example = spec.type === 'integer' ? '42' : ctx.locale.decimal === ',' ? '1 234,5' : '1,234.5';
      if (typeof n === 'string') return { problem: n };
      if (n === undefined || !Number.isFinite(n)) return { problem: `expected a number like ${example}, ${got(cell)}` };
      if (spec.type === 'integer' && !Number.isInteger(n)) return { problem: `expected a whole number like ${example}, ${got(cell)}` };
      if (spec.field === 'duration' && n < 0) return { problem: `a duration cannot be negative, ${got(cell)}` };
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
      const notDate = notADate(cell);
      if (notDate) return { problem: notDate };
      const read = readWallClock(cell, spec, ctx);
      if (!read || 'instant' in read) return { problem: `expected a date like ${spec.format ? DateTime.fromISO('2026-03-01').toFormat(spec.format) : '2026-03-01'}, ${got(cell)}` };
      return { value: formatWall(read.wall, 'date') };
    }
    case 'datetime': {
      // Sheets repeat their dates: the same text in the same column converts the same way.
      if (typeof cell === 'string') {
        const cache = cacheFor(ctx, spec);
        let converted = cache.get(cell);
        if (!converted) {
          converted = datetime(cell, spec, ctx);
          if (cache.size >= CACHE_SIZE) cache.clear();
          cache.set(cell, converted);
        }
        return converted;
      }
      return datetime(cell, spec, ctx);
    }
  }
}

/**
 * A number from a cell: the value of a number cell whatever its format, an elapsed time in
 * minutes (`[h]:mm`, for duration fields), text read under the locale; or why not.
 */
function numberOf(cell: Cell, ctx: ConvertContext): number | string | undefined {
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'string') return parseLocaleNumber(cell, ctx.locale);
  if (typeof cell !== 'object' || cell === null) return undefined;
  switch (cell.kind) {
    case 'number':
      return cell.value;
    case 'duration':
      return Math.round(cell.seconds) / 60;
    case 'date':
      return `expected a number, got the date ${cellText(cell)}`;
    case 'time':
      return `expected a number, got the time of day ${cellText(cell)} (format the column as [h]:mm for a duration)`;
    default:
      return undefined;
  }
}

/** `1:30` or `26:15:00` (what Excel's Save as CSV writes for an `[h]:mm` cell) in minutes. */
function durationMinutes(text: string): number | undefined {
  const m = /^\s*(\d+):([0-5]\d)(?::([0-5]\d))?\s*$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3] ?? 0) / 60 : undefined;
}

/** Why a time of day or a duration cannot be a date, or undefined. */
export function notADate(cell: Cell): string | undefined {
  if (typeof cell !== 'object' || cell === null) return undefined;
  if (cell.kind === 'time') return `expected a date, got the time of day ${cellText(cell)} with no date`;
  if (cell.kind === 'duration') return `expected a date, got the duration ${cellText(cell)}`;
  return undefined;
}

const CACHE_SIZE = 20_000;
const caches = new WeakMap<ConvertContext, WeakMap<ColumnSpec, Map<string, Converted>>>();

function cacheFor(ctx: ConvertContext, spec: ColumnSpec): Map<string, Converted> {
  let bySpec = caches.get(ctx);
  if (!bySpec) caches.set(ctx, (bySpec = new WeakMap()));
  let cache = bySpec.get(spec);
  if (!cache) bySpec.set(spec, (cache = new Map<string, Converted>()));
  return cache;
}

/** A cell as epoch milliseconds: a wall-clock time in the mapping's zone, or an explicit offset. */
function datetime(cell: Cell, spec: ColumnSpec, ctx: ConvertContext): Converted {
  const notDate = notADate(cell);
  if (notDate) return { problem: notDate };
  const read = readWallClock(cell, spec, ctx);
  if (!read) {
    const example = spec.format ? DateTime.fromISO('2026-03-01T08:00').toFormat(spec.format) : '2026-03-01 08:00';
    return { problem: `expected a date like ${example}, ${got(cell)}` };
  }
  if ('instant' in read) return { value: read.instant };
  const ms = wallToEpoch(read.wall, ctx.timezone);
  if (ms === undefined) return { problem: `${formatWall(read.wall)} does not exist in ${ctx.timezone} (the clocks go forward then)` };
  return { value: ms };
}
