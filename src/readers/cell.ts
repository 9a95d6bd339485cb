/**
 * A spreadsheet cell after its reader has hidden the format's quirks (shared and inline strings,
 * rich text, formulas, hyperlinks, Excel's date systems). Strings stay strings: a csv cell is
 * always text, and `00123` stays `00123`.
 */
export type Cell = string | number | boolean | DateCell | ErrorCell | null;

/**
 * A date-formatted xlsx cell: a wall-clock time with no time zone, as Excel shows it
 * (`yyyy-MM-ddTHH:mm:ss.SSS`). The mapping decides which zone it is in.
 */
export interface DateCell {
  kind: 'date';
  wall: string;
}

/** An error value such as #N/A or #REF!. */
export interface ErrorCell {
  kind: 'error';
  error: string;
}

/** One data row: its 1-based row number in the file and its cells by column index. */
export interface SheetRow {
  row: number;
  cells: Cell[];
}

export function isDateCell(cell: Cell): cell is DateCell {
  return typeof cell === 'object' && cell !== null && cell.kind === 'date';
}

export function isErrorCell(cell: Cell): cell is ErrorCell {
  return typeof cell === 'object' && cell !== null && cell.kind === 'error';
}

/** True for a cell with nothing in it (absent, or only white space). */
export function isBlank(cell: Cell | undefined): boolean {
  return cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}

/** The cell as the text a user sees, for messages and for the errors file. */
export function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  if (cell.kind === 'date') return cell.wall.endsWith('T00:00:00.000') ? cell.wall.slice(0, 10) : cell.wall.slice(0, 16).replace('T', ' ');
  return cell.error;
}
