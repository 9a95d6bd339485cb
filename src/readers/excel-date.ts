/**
 * Excel's date serials. The 1900 system counts 1900-01-01 as day 1 and, for Lotus 1-2-3's sake,
 * has a 29 February 1900 that never was (day 60): days before it are one later than a plain count
 * from 1899-12-30 says. The 1904 system (old Mac Excel) counts from 1904-01-01 as day 0.
 */

const DAY_MS = 86_400_000;
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);
/** Days from the 1900 system's day 0 to the 1904 system's. */
export const DAYS_1904 = 1462;
/** 9999-12-31 in the 1900 system: Excel's last day. */
export const LAST_SERIAL = 2_958_465;

const walls = [new Map<number, string | undefined>(), new Map<number, string | undefined>()];

/** The wall clock of a serial as `yyyy-MM-ddTHH:mm:ss.SSS`, or undefined for 1900-02-29 and days before the system's start. */
export function serialToWall(serial: number, date1904 = false): string | undefined {
  // Sheets repeat their dates: a small cache saves most of the formatting.
  const cache = walls[date1904 ? 1 : 0] as Map<number, string | undefined>;
  if (cache.has(serial)) return cache.get(serial);
  const wall = computeWall(serial, date1904);
  if (cache.size >= 4096) cache.clear();
  cache.set(serial, wall);
  return wall;
}

function computeWall(serial: number, date1904: boolean): string | undefined {
  if (!Number.isFinite(serial) || serial < 0 || serial >= (date1904 ? LAST_SERIAL - DAYS_1904 : LAST_SERIAL) + 1) return undefined;
  let ms = Math.round(serial * DAY_MS);
  if (date1904) return new Date(EPOCH_1904 + ms).toISOString().slice(0, 23);
  if (serial >= 60 && serial < 61) return undefined;
  if (serial < 60) ms += DAY_MS;
  return new Date(EPOCH_1900 + ms).toISOString().slice(0, 23);
}

/** The 1900-system serial of a wall clock (`yyyy-MM-ddTHH:mm:ss`), as Excel would store it. */
export function wallToSerial(wall: string): number | undefined {
  const ms = Date.parse(`${wall.length === 10 ? `${wall}T00:00:00` : wall}Z`);
  if (Number.isNaN(ms)) return undefined;
  let serial = (ms - EPOCH_1900) / DAY_MS;
  if (serial < 61) serial -= 1;
  return serial;
}

/** A fraction of a day as `HH:mm:ss.SSS` (the date part, if any, left out). */
export function serialToTime(serial: number): string {
  let ms = Math.round((serial - Math.floor(serial)) * DAY_MS);
  if (ms >= DAY_MS) ms -= DAY_MS;
  return new Date(ms).toISOString().slice(11, 23);
}
