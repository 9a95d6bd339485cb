import path from 'node:path';
import { cellText, stableText, type SheetRow } from '../readers/cell.js';
import type { Detected } from '../readers/types.js';
import { openRowsWriter, type OutCell, type RowsWriter } from './rows-writer.js';

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

/** Writes the rows that failed, in the input's own columns plus the reason, ready to fix and import again. */
export class ErrorRows {
  private writer: RowsWriter | undefined;
  /** How many of the input's columns are written: an errors file imported again has its Reason replaced, not a second one added. */
  private readonly width: number;
  constructor(
    readonly file: string,
    private readonly header: string[],
    private readonly detected: Detected,
  ) {
    this.width = header.length > 1 && header.at(-1)?.trim() === 'Reason' ? header.length - 1 : header.length;
  }

  async add(row: SheetRow, reason: string): Promise<void> {
    if (!this.writer) {
      this.writer = await openRowsWriter(this.file, {
        header: [...this.header.slice(0, this.width), 'Reason'],
        format: path.extname(this.file).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv',
        delimiter: this.detected.delimiter ?? ';',
        bom: true,
        sheet: 'Errors',
      });
    }
    await this.writer.write([...inputCells(this.header, row).slice(0, this.width), reason]);
  }

  get used(): boolean {
    return this.writer !== undefined;
  }

  async close(): Promise<void> {
    await this.writer?.close();
  }
}
