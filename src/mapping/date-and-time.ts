import { DateTime } from 'luxon';
import { cellText, isBlank, type Cell } from '../readers/cell.js';
import { formatWall, wallToEpoch, type WallClock } from '../time/zone-time.js';
import { got, notADate, readWallClock, type ConvertContext } from './convert-cell.js';
import type { ColumnSpec } from './types.js';

/** Two cells made one instant, or the problem and which of the two cells it is on. */
export type JoinedDateTime = { value: number } | { problem: string; at: 0 | 1 } | { blank: true };

const TIME_TEXT = /^(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$/i;
const FOUR_DIGITS = /^(\d{2})(\d{2})$/;

/** A format such as `dd.MM.yyyy HH:mm` split into its date part and its time part. */
function splitFormat(format: string | undefined): { date?: string; time?: string } {
  if (!format) return {};
  const at = format.search(/[Hh]/);
  if (at === -1) return { date: format };
  return { date: format.slice(0, at).trim() || undefined, time: format.slice(at).trim() };
}

type TimeOfDay = { hour: number; minute: number; second: number };

function timeOf(hour: number, minute: number, second = 0): TimeOfDay | undefined {
  return hour <= 23 && minute <= 59 && second <= 59 ? { hour, minute, second } : undefined;
}

/** A time of day from a cell: an xlsx time cell, a fraction of a day, a short elapsed time, or text (08:00, 8.00, 0800, kl 8:00). */
function readTime(cell: Cell, format: string | undefined): TimeOfDay | string {
  const expected = `expected a time of day like 08:00, ${got(cell)}`;
  if (typeof cell === 'object' && cell !== null) {
    switch (cell.kind) {
      case 'time': {
        const [h, m, sec] = cell.time.split(':').map((part) => Math.floor(Number(part)));
        return timeOf(h ?? 0, m ?? 0, sec ?? 0) ?? expected;
      }
      case 'duration':
        if (cell.seconds >= 0 && cell.seconds < 86_400) return fromSeconds(cell.seconds);
        return `expected a time of day, got the duration ${cellText(cell)}`;
      case 'date':
        return `expected a time of day like 08:00, got the date ${cellText(cell)} (the time column should hold the time alone)`;
      case 'number':
        return readTime(cell.value, format);
      default:
        return expected;
    }
  }
  if (typeof cell === 'number') return cell >= 0 && cell < 1 ? fromSeconds(cell * 86_400) : expected;
  const text = cellText(cell).trim();
  if (format) {
    const dt = DateTime.fromFormat(text, format, { zone: 'utc' });
    if (dt.isValid) return { hour: dt.hour, minute: dt.minute, second: dt.second };
  }
  const m = TIME_TEXT.exec(text) ?? FOUR_DIGITS.exec(text);
  return (m && timeOf(Number(m[1]), Number(m[2]), Number(m[3] ?? 0))) || expected;
}

function fromSeconds(seconds: number): TimeOfDay {
  const s = Math.round(seconds) % 86_400;
  return { hour: Math.floor(s / 3600), minute: Math.floor(s / 60) % 60, second: s % 60 };
}

const hasTime = (w: WallClock) => w.hour !== 0 || w.minute !== 0 || w.second !== 0;

/**
 * A date cell and a time-of-day cell (`column: [Startdatum, Starttid]`) as one instant in the
 * mapping's zone. Each is read by the usual rules: xlsx date and time cells, or text (the date
 * in the column's `format`, or its date part, else the forms a date column takes; the time as
 * 08:00, 8.00 or 0800). A blank time is midnight, as a date alone in a datetime column is. A date
 * cell that holds a time of its own beside a filled time column is a problem, not a guess; so
 * is a time with no date, and a time the clocks skip.
 */
export function joinDateTime(dateCell: Cell, timeCell: Cell, spec: ColumnSpec, ctx: ConvertContext, names: readonly [string, string]): JoinedDateTime {
  const noDate = isBlank(dateCell);
  const noTime = isBlank(timeCell);
  if (noDate && noTime) return { blank: true };
  const format = splitFormat(spec.format);
  if (noDate) return { problem: `is empty, but "${names[1]}" has the time ${cellText(timeCell).trim()}: a time needs its date`, at: 0 };
  for (const [at, cell] of [[0, dateCell], [1, timeCell]] as const) {
    if (typeof cell === 'object' && cell !== null && cell.kind === 'error') return { problem: `the cell shows the error ${cell.error} (a formula that could not be calculated); fix it in the file`, at };
    if (typeof cell === 'object' && cell !== null && cell.kind === 'unreadable') return { problem: cell.reason, at };
  }
  const notDate = notADate(dateCell);
  if (notDate) return { problem: notDate, at: 0 };
  const read = readWallClock(dateCell, { ...spec, format: format.date }, ctx);
  if (!read) return { problem: `expected a date like ${format.date ? DateTime.fromISO('2026-03-01').toFormat(format.date) : '2026-03-01'}, ${got(dateCell)}`, at: 0 };
  if ('instant' in read) return { problem: `expected a date alone (the time is in "${names[1]}"), ${got(dateCell)}`, at: 0 };
  let wall = read.wall;
  if (!noTime) {
    if (hasTime(wall)) {
      return { problem: `holds a time of its own (${cellText(dateCell).trim()}) besides the time ${cellText(timeCell).trim()} in "${names[1]}": which one is meant cannot be told; give the date alone here`, at: 0 };
    }
    const time = readTime(timeCell, format.time);
    if (typeof time === 'string') return { problem: time, at: 1 };
    wall = { ...wall, ...time };
  }
  const ms = wallToEpoch(wall, ctx.timezone);
  if (ms === undefined) return { problem: `${formatWall(wall)} does not exist in ${ctx.timezone} (the clocks go forward then)`, at: noTime ? 0 : 1 };
  return { value: ms };
}

