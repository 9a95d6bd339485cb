import path from 'node:path';
import { cellText, stableText, type Cell, type SheetRow } from '../readers/cell.js';
import type { Detected } from '../readers/types.js';
import type { RowIssue } from '../mapping/types.js';
import { normaliseHeader } from '../mapping/bind-header.js';
import { openRowsWriter, type OutCell, type RowsWriter, type WrittenCell } from './rows-writer.js';
import { isTypedCell } from './written-cell.js';

/** A row's cells as written back to a results or errors file: numbers stay numbers, the rest as shown. */
export function inputCells(header: readonly string[], row: SheetRow): OutCell[] {
  return header.map((_, i) => {
    const cell = row.cells[i] ?? null;
    if (typeof cell === 'number' || typeof cell === 'boolean') return cell;
    if (typeof cell === 'object' && cell?.kind === 'number') {
      // Keep the look (0050002) when it reads back as the same number; else the number itself.
      const shown = cellText(cell);
      return Number(shown) === cell.value ? shown : cell.value;
    }
    return stableText(cell);
  });
}

/** Excel's serial 0 (30 December 1899), which a time of day alone counts from. */
const TIME_EPOCH = '1899-12-30T';

/**
 * A cell as it was in an xlsx input, for an xlsx errors file: a date stays a date cell in its own
 * format, a number a number in its format (so 0050002 stays the number 50002 shown as 0050002),
 * a time a time, an error value an error; a formula's calculated value is kept as that value.
 */
export function typedInputCell(cell: Cell | undefined): WrittenCell {
  if (cell === undefined || cell === null || typeof cell !== 'object') return cell ?? null;
  switch (cell.kind) {
    case 'number':
      return { value: cell.value, numFmt: cell.format.code };
    case 'date':
      return { value: new Date(`${cell.wall}Z`), numFmt: cell.format?.code ?? (cell.wall.endsWith('T00:00:00.000') ? 'yyyy-mm-dd' : 'yyyy-mm-dd hh:mm') };
    case 'time':
      return { value: new Date(`${TIME_EPOCH}${cell.time}Z`), numFmt: cell.format?.code ?? 'hh:mm' };
    case 'duration':
      return { value: cell.serial ?? cell.seconds / 86_400, numFmt: cell.format?.code ?? '[h]:mm' };
    case 'error':
      return { value: cell.error, error: cell.error };
    case 'unreadable':
      return null;
  }
}

/** The column an errors file adds after the input's own: why each row failed. */
export const REASON_COLUMN = 'Reason';

/**
 * The position of an errors file's own Reason column in a header (the last, after at least one
 * other), or undefined: an errors file imported again is expected to have it, and it is replaced.
 */
export function reasonColumnOf(header: readonly string[]): number | undefined {
  return header.length > 1 && header.at(-1)?.trim() === REASON_COLUMN ? header.length - 1 : undefined;
}

/** The input's own columns: an errors file's Reason left out, for the files that add their own. */
export function inputColumns(header: readonly string[]): readonly string[] {
  return header.slice(0, reasonColumnOf(header) ?? header.length);
}

const MAX_WIDTH = 50;
const MIN_WIDTH = 18;

/** About how many characters a cell shows (a formatted number about as many as its format). */
function widthOf(cell: WrittenCell | undefined): number {
  if (cell === undefined) return 0;
  const typed = isTypedCell(cell) ? cell : { value: cell };
  const value = typed.error ?? typed.value;
  if (value instanceof Date) return 16;
  if (value === null || value === undefined) return 0;
  return Math.max(String(value).length, typeof value === 'number' ? (typed.numFmt?.length ?? 0) : 0);
}

/** The header position of each issue's column, with the issues' messages joined: the cells to mark. */
function problemsByColumn(header: readonly string[], issues: readonly RowIssue[]): Map<number, string> {
  const marks = new Map<number, string>();
  const normal = header.map(normaliseHeader);
  for (const issue of issues) {
    if (issue.column === undefined) continue;
    let at = header.indexOf(issue.column);
    if (at < 0) at = normal.indexOf(normaliseHeader(issue.column));
    if (at < 0) continue;
    const earlier = marks.get(at);
    marks.set(at, earlier ? `${earlier}\n${issue.message}` : issue.message);
  }
  return marks;
}

/**
 * Writes the rows that failed, in the input's own columns plus the reason, ready to fix and
 * import again. An xlsx errors file keeps each cell's type and format, and marks each cell an
 * issue names (light red, with a note saying why); a csv one has the reason in its last column.
 */
export class ErrorRows {
  private writer: RowsWriter | undefined;
  /** How many of the input's columns are written: an errors file imported again has its Reason replaced, not a second one added. */
  private readonly width: number;
  private readonly format: 'xlsx' | 'csv';
  constructor(
    readonly file: string,
    private readonly header: string[],
    private readonly detected: Detected,
    /** The input's permissions: the errors file gets them at most. */
    private readonly mode?: number,
  ) {
    this.width = reasonColumnOf(header) ?? header.length;
    this.format = path.extname(this.file).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv';
  }

  /**
   * Adds a row with why it failed. `issues` (the row's problems, as mapped) mark the cells they
   * name in an xlsx errors file; a row the server refused has a reason and no issues.
   */
  async add(row: SheetRow, reason: string, issues: readonly RowIssue[] = []): Promise<void> {
    const cells = [...this.cellsOf(row, issues), reason];
    if (!this.writer) {
      const header = [...this.header.slice(0, this.width), REASON_COLUMN];
      this.writer = await openRowsWriter(this.file, {
        header,
        format: this.format,
        delimiter: this.detected.delimiter ?? ';',
        bom: true,
        sheet: 'Errors',
        // The rows stream: the first one sets the widths, at least a date's (else ##### shows), the reason wraps.
        widths: header.map((h, i) => Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, h.length + 2, widthOf(cells[i]) + 2))),
        wrap: header.map((_, i) => i === header.length - 1),
        mode: this.mode,
      });
    }
    await this.writer.write(cells);
  }

  private cellsOf(row: SheetRow, issues: readonly RowIssue[]): WrittenCell[] {
    // A csv errors file, or the cells of a csv input, are stable text (a csv cell has no type).
    if (this.format === 'csv' || this.detected.format === 'csv') {
      const cells: WrittenCell[] = inputCells(this.header, row).slice(0, this.width);
      if (this.format === 'xlsx') for (const [at, problem] of problemsByColumn(this.header, issues)) if (at < this.width) cells[at] = { value: cells[at] as OutCell, problem };
      return cells;
    }
    const cells = this.header.slice(0, this.width).map((_, i) => typedInputCell(row.cells[i]));
    for (const [at, problem] of problemsByColumn(this.header, issues)) {
      const cell = cells[at];
      if (cell !== undefined) cells[at] = isTypedCell(cell) ? { ...cell, problem } : { value: cell, problem };
    }
    return cells;
  }

  get used(): boolean {
    return this.writer !== undefined;
  }

  async close(): Promise<void> {
    await this.writer?.close();
  }
}
