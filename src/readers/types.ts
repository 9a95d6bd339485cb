/** The readers' shared types: what a reader is asked for, and what it hands back. */
import type { SheetRow } from './cell.js';

/** What a reader found out about the file, for verbose output and the summary. */
export interface Detected {
  format: 'csv' | 'xlsx' | 'ods';
  encoding?: string;
  delimiter?: string;
  bom?: boolean;
  sheet?: string;
  sheets?: string[];
  date1904?: boolean;
}

/** An opened spreadsheet: its header (the cells of the header row, as text) and its data rows. */
export interface OpenSheet {
  file: string;
  detected: Detected;
  /** 1-based row number of the header. */
  headerRow: number;
  header: string[];
  /** Data rows after the header, blank rows left out. Can be iterated once. */
  rows: AsyncIterable<SheetRow>;
  /** What the reader noticed but read past (values under no header), complete once the rows are read. */
  warnings: string[];
  /** Stops reading early and frees the file. */
  close(): Promise<void>;
}

/** How to read a spreadsheet; the mapping or flags fill it in. */
export interface ReadOptions {
  /** xlsx and ods: sheet name or 1-based index; default the first not hidden. */
  sheet?: string | number;
  /** 1-based; default 1. */
  headerRow?: number;
  /** csv: override the detected encoding (utf-8, windows-1252, utf-16le, …). */
  encoding?: string;
  /** csv: override the detected delimiter. */
  delimiter?: string;
  /** Force a format instead of the extension's. */
  format?: 'csv' | 'xlsx' | 'ods';
  /**
   * xlsx: the locale Excel's built-in formats (the short date of format 14) and the decimal and
   * group separators are shown in, as the clerk's own Excel shows them; default en-US. The
   * mapping's `locale`. Patterns written in the file are shown as written.
   */
  locale?: string;
}
