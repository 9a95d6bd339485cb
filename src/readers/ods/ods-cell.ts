import type { Cell, CellFormat } from '../cell.js';
import { wallToSerial } from '../excel-date.js';
import { generalCell } from '../shown-locale.js';
import { styleFormat } from '../xlsx/number-formats.js';
import type { DataStyle } from './ods-styles.js';

/** What an OpenDocument cell element says: its attributes and the text of its paragraphs. */
export interface OdsCellData {
  /** `office:value-type`: float, percentage, currency, date, time, boolean, string, or none. */
  valueType: string | undefined;
  /** `calcext:value-type`, LibreOffice's own: `error` for an error result. */
  calcType: string | undefined;
  /** `office:value`, `office:date-value`, `office:time-value`, `office:boolean-value` or `office:string-value`, by the value type. */
  value: string | undefined;
  stringValue: string | undefined;
  formula: boolean;
  /** The cell's `text:p` paragraphs (what it shows), joined by line breaks; undefined when it has none. */
  text: string | undefined;
  dataStyle: DataStyle | null;
}

export const UNCALCULATED =
  'the formula in this cell has no calculated value (the program that wrote the file does not calculate formulas); open the file in LibreOffice or Excel and save it, so its formulas are calculated';

/** What LibreOffice, Excel and OpenOffice show for an error result. */
const ERROR_TEXT = /^(#NULL!|#DIV\/0!|#VALUE!|#REF!|#NAME\?|#NUM!|#N\/A|#GETTING_DATA|#SPILL!|#CALC!|#FIELD!|#BLOCKED!|#UNKNOWN!|Err:\d{3})$/;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(?:Z|[+-]\d{2}:\d{2})?$/;
const ISO_DURATION = /^(-)?P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Each data style's format, for the locale it is shown in (one per reader): made once. */
const formats = new WeakMap<DataStyle, { locale: string | undefined; format: CellFormat }>();

/**
 * The cell's format as an Excel code (what an xlsx errors file gives it, and how the cell shows
 * when the file wrote no text for it); General where the style has no code.
 */
function formatOf(style: DataStyle, locale: string | undefined): CellFormat {
  const known = formats.get(style);
  if (known && known.locale === locale) return known.format;
  const format = styleFormat(style.code, locale).format;
  formats.set(style, { locale, format });
  return format;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The two digits at `at`, or NaN. */
function two(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `2022-06-15` or `2022-06-15T13:24:56.5` as the reader's wall clock; undefined when no such day or time exists. */
export function odsWall(text: string): string | undefined {
  // What LibreOffice writes, read by position (a date cell in every row): 2022-06-15, 2022-06-15T13:24:56.
  if ((text.length === 10 || text.length === 19) && text[4] === '-' && text[7] === '-') {
    const year = two(text, 0) * 100 + two(text, 2);
    const month = two(text, 5);
    const day = two(text, 8);
    if (!(year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month))) return undefined;
    if (text.length === 10) return `${text}T00:00:00.000`;
    if (text[10] === 'T' && text[13] === ':' && text[16] === ':' && two(text, 11) <= 23 && two(text, 14) <= 59 && two(text, 17) <= 59) return `${text}.000`;
  }
  return parseWall(text);
}

function parseWall(text: string): string | undefined {
  const m = ISO_DATE.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map<number>((part) => Number(part ?? 0));
  const ms = Math.round(Number(m[7] ?? 0) * 1000);
  if (mo! < 1 || mo! > 12 || d! < 1 || h > 23 || mi > 59 || s > 59 || y! < 1) return undefined;
  const date = new Date(Date.UTC(2000, mo! - 1, d));
  date.setUTCFullYear(y!);
  if (date.getUTCMonth() !== mo! - 1 || date.getUTCDate() !== d!) return undefined;
  return `${pad(y!, 4)}-${pad(mo!)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${pad(Math.min(ms, 999), 3)}`;
}

/** `PT13H24M56S` (hours may pass 24, `-` in front for a negative time) in seconds, to the millisecond. */
export function odsSeconds(text: string): number | undefined {
  const m = ISO_DURATION.exec(text.trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const [, minus, days, hours, minutes, seconds] = m;
  const total = Number(days ?? 0) * 86_400 + Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0);
  if (!Number.isFinite(total)) return undefined;
  return (minus ? -1 : 1) * (Math.round(total * 1000) / 1000);
}

function timeOfDay(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

const quoted = (text: string) => `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;

/**
 * A cell as the reader hands it on: typed by its value type, with what it shows (its paragraphs)
 * for text fields. An error result, or a formula with no stored result at all, is a problem on the
 * cell; a formula whose stored result is an empty paragraph is empty (LibreOffice's `""`).
 */
export function decodeOdsCell(data: OdsCellData, general: CellFormat | undefined, locale?: string): Cell {
  const { valueType, text, formula } = data;
  // A date or time with a code also keeps its serial, so that it can be shown by that code.
  const format = data.dataStyle?.code === undefined ? undefined : formatOf(data.dataStyle, locale);
  if (data.calcType === 'error') return { kind: 'error', error: text?.trim() || '#VALUE!' };
  if (formula && text !== undefined && ERROR_TEXT.test(text.trim())) return { kind: 'error', error: text.trim() };
  switch (valueType) {
    case 'float':
    case 'percentage':
    case 'currency': {
      const raw = data.value;
      const value = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(value) || /^\s*0[xob]/i.test(raw ?? '')) return { kind: 'unreadable', reason: `the cell is marked as a number but holds ${quoted(raw ?? '')}` };
      if (!data.dataStyle) return generalCell(value, general);
      const number = formatOf(data.dataStyle, locale);
      return text === undefined ? { kind: 'number', value, format: number } : { kind: 'number', value, format: number, shown: text };
    }
    case 'date': {
      const wall = data.value === undefined ? undefined : odsWall(data.value);
      if (wall === undefined) return { kind: 'unreadable', reason: `the cell is marked as a date but holds ${quoted(data.value ?? '')}, which is not a date this tool can read` };
      if (text !== undefined) return format ? { kind: 'date', wall, format, shown: text } : { kind: 'date', wall, shown: text };
      // No text written: shown by its code, which needs its serial.
      const serial = format && wallToSerial(wall);
      return serial === undefined || !format ? { kind: 'date', wall } : { kind: 'date', wall, serial, format };
    }
    case 'time': {
      const seconds = data.value === undefined ? undefined : odsSeconds(data.value);
      if (seconds === undefined) return { kind: 'unreadable', reason: `the cell is marked as a time but holds ${quoted(data.value ?? '')}` };
      const shown = text === undefined ? {} : { shown: text };
      const coded = format ? { serial: seconds / 86_400, format } : {};
      if (data.dataStyle?.elapsed || seconds < 0 || seconds >= 86_400) return { kind: 'duration', seconds, ...coded, ...shown };
      return { kind: 'time', time: timeOfDay(seconds), ...coded, ...shown };
    }
    case 'boolean': {
      const flag = (data.value ?? '').trim().toLowerCase();
      if (flag === 'true' || flag === '1') return true;
      if (flag === 'false' || flag === '0') return false;
      return { kind: 'unreadable', reason: `the cell is marked as TRUE/FALSE but holds ${quoted(data.value ?? '')}` };
    }
    case 'string':
      return text ?? data.stringValue ?? '';
    default:
      // No value type: a formula with no stored result when it has no paragraph either.
      if (formula && text === undefined) return { kind: 'unreadable', reason: UNCALCULATED };
      return text === undefined || text === '' ? null : text;
  }
}
