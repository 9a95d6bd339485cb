import { epochToWall, formatWall, zoneOffset } from '../time/zone-time.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * An instant as ISO 8601 in the schedule's zone: `2026-03-02T02:00:00.000+01:00`. Logs read in
 * the zone the cron times are written in, and the offset keeps each time exact.
 */
export function isoInZone(at: Date | number, zone: string): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  const w = epochToWall(ms, zone);
  const offset = Math.round(zoneOffset(ms, zone) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  return `${formatWall(w, 'date')}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}.${pad(w.millisecond, 3)}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** `2026-03-02 02:00:03`: the wall clock of the schedule's zone, for readable lines. */
export function wallInZone(at: Date | number, zone: string): string {
  return formatWall(epochToWall(typeof at === 'number' ? at : at.getTime(), zone), 'second');
}
