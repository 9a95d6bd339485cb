import { CdbError } from '../errors.js';
import { cellText, columnLetters, isBlank, type Cell, type SheetRow } from './cell.js';
import type { Detected, OpenSheet } from './types.js';

/** Non-empty cells right of the header, by column: how many, and the first row. */
export type Beyond = Map<number, { rows: number; first: number }>;

/** A workbook sheet's rows as its reader streams them, blank rows included or not. */
export interface RowSource {
  /** The next row, or undefined at the end; failures already in the user's words. */
  next(): Promise<SheetRow | undefined>;
  /**
   * Cells from this column on are only counted from here on (a cell at XFD in every row would
   * otherwise make every row 16,384 cells long).
   */
  limitColumns(count: number): void;
  /** The cells the reader counted beyond the limit, complete once the rows are read. */
  beyond(): Beyond;
  /** Stops reading and frees the file. */
  close(): Promise<void>;
}

/**
 * A workbook sheet (xlsx or ods) as an {@link OpenSheet}: the header from its row, then the data
 * rows with blank ones left out, and one warning for values under no header.
 */
export async function headedSheet(file: string, source: RowSource, headerRow: number, detected: Detected): Promise<OpenSheet> {
  let header: string[] | undefined;
  for (let item = await source.next(); item; item = await source.next()) {
    if (item.row === headerRow) header = item.cells.map((cell) => cellText(cell).trim());
    if (item.row >= headerRow) break;
  }
  if (!header || header.every((h) => h === '')) {
    await source.close();
    throw new CdbError('INPUT', `The sheet has no header in row ${headerRow} (the sheet is empty there).`, {
      context: { file, sheet: detected.sheet },
      hint: 'Put the column names in that row, or set headerRow in the mapping.',
    });
  }
  while (header.length && header[header.length - 1] === '') header.pop();
  const columns = header;
  const unnamed: Beyond = new Map();
  const warnings: string[] = [];
  source.limitColumns(columns.length);

  async function* rows(): AsyncGenerator<SheetRow> {
    for (let item = await source.next(); item; item = await source.next()) {
      const cells: Cell[] = item.cells.length > columns.length ? item.cells.slice(0, columns.length) : item.cells;
      for (let i = 0; i < item.cells.length; i++) {
        if ((i >= columns.length || columns[i] === '') && !isBlank(item.cells[i])) {
          const seen = unnamed.get(i);
          if (seen) seen.rows++;
          else unnamed.set(i, { rows: 1, first: item.row });
        }
      }
      if (cells.every((cell) => isBlank(cell))) continue;
      yield { row: item.row, cells };
    }
    for (const [column, seen] of source.beyond()) {
      const earlier = unnamed.get(column);
      if (earlier) unnamed.set(column, { rows: earlier.rows + seen.rows, first: Math.min(earlier.first, seen.first) });
      else unnamed.set(column, seen);
    }
    if (unnamed.size) warnings.push(unnamedWarning(unnamed, headerRow));
  }

  return { file, detected, headerRow, header: columns, rows: rows(), warnings, close: () => source.close() };
}

function unnamedWarning(unnamed: Beyond, headerRow: number): string {
  const list = [...unnamed.entries()].sort(([a], [b]) => a - b);
  const rowsWith = list.reduce((sum, [, seen]) => sum + seen.rows, 0);
  const first = Math.min(...list.map(([, seen]) => seen.first));
  const letters = list.map(([index]) => columnLetters(index)).join(', ');
  const one = list.length === 1;
  return (
    `${one ? `Column ${letters} has` : `Columns ${letters} have`} no header in row ${headerRow}, so ${rowsWith === 1 ? 'its value' : `their ${rowsWith} values`} ` +
    `(first in row ${first}) ${rowsWith === 1 ? 'is' : 'are'} left out: no mapping can name ${one ? 'that column' : 'those columns'}. Give ${one ? 'it a header' : 'them headers'} to import ${one ? 'it' : 'them'}.`
  );
}
