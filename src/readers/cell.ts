/**
 * A spreadsheet cell after its reader has hidden the format's quirks (shared and inline strings,
 * rich text, formulas, number formats, Excel's date systems). Strings stay strings: a csv cell is
 * always text, and `00123` stays `00123`. A plain `number` is an xlsx number shown in the General
 * format; a number with any other format is a {@link NumberCell}, so that a text field can get
 * what Excel shows (`0050002`) and a number field the value (50002).
 */
export type Cell = string | number | boolean | NumberCell | DateCell | TimeCell | DurationCell | ErrorCell | UnreadableCell | null;

/** An Excel number format, parsed once per style and shared by the cells that use it. */
export interface CellFormat {
  /** The format code, e.g. `0000000` or `yyyy-mm-dd`. */
  readonly code: string;
  /** The text Excel shows for a number (a serial for dates) in this format. */
  show(value: number): string;
}

/** An xlsx number with a format other than General. */
export interface NumberCell {
  kind: 'number';
  value: number;
  format: CellFormat;
  /** What the cell shows, where the file says it (an OpenDocument cell's text): wins over the format. */
  shown?: string;
}

/**
 * A date or date-time: a wall-clock time with no time zone, as Excel means it
 * (`yyyy-MM-ddTHH:mm:ss.SSS`). The mapping decides which zone it is in. xlsx dates keep their
 * serial (1900 system) and format, for the text Excel shows.
 */
export interface DateCell {
  kind: 'date';
  wall: string;
  serial?: number;
  format?: CellFormat;
  /** What the cell shows, where the file says it: wins over the format. */
  shown?: string;
}

/** A time of day without a date (a time-only format such as `h:mm`): `HH:mm:ss.SSS`. */
export interface TimeCell {
  kind: 'time';
  time: string;
  serial?: number;
  format?: CellFormat;
  /** What the cell shows, where the file says it: wins over the format. */
  shown?: string;
}

/** An elapsed time (`[h]:mm` and other bracketed formats), in seconds. */
export interface DurationCell {
  kind: 'duration';
  seconds: number;
  serial?: number;
  format?: CellFormat;
  /** What the cell shows, where the file says it (a negative 1904 time): wins over the format. */
  shown?: string;
}

/** An error value such as #N/A or #DIV/0!. */
export interface ErrorCell {
  kind: 'error';
  error: string;
}

/** A cell the reader could not read faithfully (a formula never calculated): why, in words. */
export interface UnreadableCell {
  kind: 'unreadable';
  reason: string;
  /** What of it can be shown (a csv cell without its NUL bytes), for the errors file to keep. */
  text?: string;
}

/** `A`, `AB` from a 0-based column index. */
export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** One data row: its 1-based row number in the file and its cells by column index. */
export interface SheetRow {
  row: number;
  cells: Cell[];
}

export function isDateCell(cell: Cell): cell is DateCell {
  return typeof cell === 'object' && cell !== null && cell.kind === 'date';
}

/** True for a cell with nothing in it (absent, or only white space). */
export function isBlank(cell: Cell | undefined): boolean {
  return cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}

/**
 * A General-format number as Excel keeps it: 15 significant digits (0.1 + 0.2 is 0.3), and in
 * full rather than in the rounded scientific form a narrow column shows (123456789012, not
 * 1.23457E+11), since an order number must not lose digits.
 */
export function generalText(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const rounded = Number(value.toPrecision(15));
  return Math.abs(rounded) < 1e21 && Math.abs(rounded) >= 1e-7 ? String(rounded) : rounded.toExponential().replace('e', 'E');
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `h:mm:ss` for an elapsed time. */
export function durationText(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const s = Math.round(Math.abs(seconds));
  return `${sign}${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/**
 * The cell as the text Excel shows (what its "Save as CSV" writes): the formatted number, the
 * date in its format, TRUE/FALSE. Text fields get this; messages quote it.
 */
export function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number') return generalText(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  switch (cell.kind) {
    case 'number':
      return cell.shown ?? cell.format.show(cell.value);
    case 'date':
      if (cell.shown !== undefined) return cell.shown;
      return cell.format && cell.serial !== undefined ? cell.format.show(cell.serial) : wallText(cell.wall);
    case 'time':
      if (cell.shown !== undefined) return cell.shown;
      return cell.format && cell.serial !== undefined ? cell.format.show(cell.serial) : cell.time.replace(/(:00)?\.000$/, '');
    case 'duration':
      if (cell.shown !== undefined) return cell.shown;
      return cell.format && cell.serial !== undefined ? cell.format.show(cell.serial) : durationText(cell.seconds);
    case 'error':
      return cell.error;
    case 'unreadable':
      return cell.text ?? '';
  }
}

/** `2026-03-01` for a midnight, `2026-03-01 08:00` otherwise (seconds when there are some). */
export function wallText(wall: string): string {
  if (wall.endsWith('T00:00:00.000')) return wall.slice(0, 10);
  const text = wall.replace('T', ' ').replace(/\.000$/, '');
  return text.endsWith(':00') ? text.slice(0, 16) : text;
}

/**
 * The cell as text that reads back to the same value under any mapping: the wall clock of a
 * date rather than its format's look (which may be `3/1/26`). For results and errors files.
 */
export function stableText(cell: Cell | undefined): string {
  if (typeof cell === 'object' && cell !== null && cell.kind === 'date') return wallText(cell.wall);
  if (typeof cell === 'object' && cell !== null && cell.kind === 'time') return cell.time.replace(/\.000$/, '');
  return cellText(cell);
}
