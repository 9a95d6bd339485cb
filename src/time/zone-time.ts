/**
 * Wall-clock time ↔ epoch milliseconds in an IANA zone, fast enough for a million rows: the
 * zone's offset is looked up through Intl once per quarter hour of time and cached (luxon asks
 * Intl on every call, which was most of an import's time).
 */

/** A wall-clock time: what a cell shows, in no particular zone. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const BUCKET = 15 * 60_000;
const MAX_CACHED = 200_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

function wallOfInstant(ms: number, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year as number, month: parts.month as number, day: parts.day as number, hour: parts.hour as number, minute: parts.minute as number, second: parts.second as number };
}

/** The zone's offset from UTC at an instant, in milliseconds (e.g. +3,600,000 for CET). */
export function zoneOffset(ms: number, zone: string): number {
  let cache = offsets.get(zone);
  if (!cache) offsets.set(zone, (cache = new Map<number, number>()));
  const bucket = Math.floor(ms / BUCKET);
  let offset = cache.get(bucket);
  if (offset === undefined) {
    const start = bucket * BUCKET;
    const wall = wallOfInstant(start, zone);
    offset = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - start;
    if (cache.size > MAX_CACHED) cache.clear();
    cache.set(bucket, offset);
  }
  return offset;
}

/**
 * The instant a wall-clock time names in a zone. Where the clocks go back and the time happens
 * twice, the earlier instant; where they go forward and it never happens, undefined.
 */
export function wallToEpoch(wall: WallClock, zone: string, millisecond = 0): number | undefined {
  const local = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, millisecond);
  // The true instant is within 14 hours of `local`; a day either side lies in the offset regimes
  // before and after any clock change near it (there is never more than one in two days).
  const before = zoneOffset(local - 86_400_000, zone);
  const after = zoneOffset(local + 86_400_000, zone);
  let best: number | undefined;
  for (const offset of before === after ? [before] : [before, after]) {
    const candidate = local - offset;
    if (zoneOffset(candidate, zone) === offset && (best === undefined || candidate < best)) best = candidate;
  }
  return best;
}

/** The wall clock an instant shows in a zone. */
export function epochToWall(ms: number, zone: string): WallClock & { millisecond: number } {
  const shifted = new Date(ms + zoneOffset(ms, zone));
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    millisecond: shifted.getUTCMilliseconds(),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-03-01`, `2026-03-01 08:00` or `2026-03-01 08:00:00`, as a wall clock shows. */
export function formatWall(w: WallClock, precision: 'date' | 'minute' | 'second' = 'minute'): string {
  const date = `${w.year}-${pad(w.month)}-${pad(w.day)}`;
  if (precision === 'date') return date;
  const time = `${pad(w.hour)}:${pad(w.minute)}`;
  return precision === 'minute' ? `${date} ${time}` : `${date} ${time}:${pad(w.second)}`;
}
