import type { OutCell } from '../mapping/types.js';

export type { OutCell } from '../mapping/types.js';

/**
 * A cell written with what it had in the file it came from (an errors file keeps the input's
 * cells): its own number format, an error value, and why it is wrong. csv writes its value only.
 */
export interface TypedCell {
  value: OutCell;
  /** xlsx: the cell's number format, e.g. `yyyy-mm-dd` or `0000000`. */
  numFmt?: string;
  /** xlsx: an error value such as `#N/A`, written as one (csv writes the text). */
  error?: string;
  /** xlsx: why the cell is wrong; it gets a light red fill and this as its note. */
  problem?: string;
}

/** What a rows writer takes for a cell. */
export type WrittenCell = OutCell | TypedCell;

export function isTypedCell(cell: WrittenCell): cell is TypedCell {
  return typeof cell === 'object' && cell !== null && !(cell instanceof Date);
}

/** The plain value of a cell, for csv. */
export function plainValue(cell: WrittenCell): OutCell {
  if (!isTypedCell(cell)) return cell;
  return cell.error ?? cell.value;
}
