import type { WriteStream } from 'node:fs';
import type { Alignment, Cell, Fill, Font, PaperSize, Style } from 'exceljs';
import { release } from './release-stream.js';
import { isTypedCell, type WrittenCell } from './written-cell.js';

/** How an xlsx table is laid out. */
export interface XlsxSheetOptions {
  header: string[];
  sheet?: string;
  /** Number formats per column (e.g. 'yyyy-mm-dd hh:mm'). */
  numFmts?: (string | undefined)[];
  /** Column widths in characters (default: the header's). */
  widths?: number[];
  /** Columns whose text wraps at the column's width (long text); a cell with a line break always wraps. */
  wrap?: boolean[];
  /** The paper it is set up to print on (default A4; a file that names none is printed on Letter). */
  paper?: 'a4' | 'letter';
}

/** The paper sizes of ECMA-376's pageSetup (exceljs's type leaves Letter out). */
const PAPER_SIZES = { letter: 1 as PaperSize, a4: 9 as PaperSize };

/** A format's writer: `abort` releases the file whatever state its stream is in. */
export interface FormatWriter {
  write(cells: WrittenCell[]): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

/** A sheet's stream as patched: waits while the zip is this far behind. */
interface Backlogged {
  waitForBacklog?(limit: number): Promise<void>;
}

/** At most this much of a sheet waits for deflate: memory stays flat however many rows. */
const ZIP_BACKLOG = 4 << 20;

// A font with a name: one without is shown in the reader's default, a serif in LibreOffice.
const FONT: Partial<Font> = { name: 'Calibri', family: 2, size: 11 };
const HEADER_FONT: Partial<Font> = { ...FONT, bold: true };
// Excel's own "Bad" cell style: light red fill, dark red text.
const BAD_FILL: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };
const BAD_FONT: Partial<Font> = { ...FONT, color: { argb: 'FF9C0006' } };
const TOP: Partial<Alignment> = { vertical: 'top' };
const WRAPPED: Partial<Alignment> = { vertical: 'top', wrapText: true };
const LINE_BREAK = /[\r\n]/;
/** Calibri 11's line height, in points. */
const LINE_HEIGHT = 15;
/** A wrapped row taller than this many lines is cut (Excel's rows are at most 409 points). */
const MAX_LINES = 27;

/**
 * How many lines a text takes in a column this many characters wide, wrapped at words. A width
 * counts Calibri's digits; text averages a fifth narrower, of which the estimate keeps half as
 * slack for the words wrapped early.
 */
function linesOf(text: string, width: number): number {
  const perLine = Math.max(1, Math.floor(width * 1.1));
  let lines = 0;
  for (const paragraph of text.split(/\r\n|[\r\n]/)) lines += Math.max(1, Math.ceil(paragraph.length / perLine));
  return lines;
}

/**
 * Print setup: landscape, one page wide and as many long as it takes, the header row on every
 * page, gridlines (printOptions: patches/), the sheet and page numbers in the footer. Without it a
 * wide sheet prints one column a page.
 */
const PAGE_SETUP = {
  orientation: 'landscape',
  showGridLines: true,
  fitToWidth: 1,
  fitToHeight: 0,
  printTitlesRow: '1:1',
  margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
} as const;
const FOOTER = { oddFooter: '&L&A&R&P / &N' };

/** Styles one cell after its value is set: its own format, a wrap for a line break, a mark for a problem. */
function styleCell(cell: Cell, value: WrittenCell, wrapsAlready: boolean): void {
  if (typeof value === 'string') {
    if (!wrapsAlready && LINE_BREAK.test(value)) cell.alignment = WRAPPED;
    return;
  }
  if (!isTypedCell(value)) return;
  if (value.numFmt) cell.numFmt = value.numFmt;
  if (!wrapsAlready && typeof value.value === 'string' && LINE_BREAK.test(value.value)) cell.alignment = WRAPPED;
  if (value.problem) {
    cell.fill = BAD_FILL;
    cell.font = BAD_FONT;
    cell.note = value.problem;
  }
}

function needsStyle(value: WrittenCell): boolean {
  return typeof value === 'string' ? LINE_BREAK.test(value) : isTypedCell(value);
}

/** Control characters (DEL too, which exceljs drops), CR, U+FFFE/U+FFFF and a half of a surrogate pair alone: none goes into XML as it is. */
const UNWRITABLE_SOURCE = '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f\\r\\ufffe\\uffff]|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const UNWRITABLE = new RegExp(UNWRITABLE_SOURCE);
const UNWRITABLE_ALL = new RegExp(UNWRITABLE_SOURCE, 'g');

/**
 * Text as the format carries it: XML holds no control character, and reads a CR as a line feed,
 * so each is written `_xHHHH_` (`_x000D_` for CR), as Excel writes them and every reader of the
 * format (ours too) reads them; the underscore of a literal `_xHHHH_` is written `_x005F_`.
 * Without this exceljs left control characters out and a CR came back as a line feed, so an
 * export read back planned updates of jobs nobody had changed.
 */
export function escapeText(text: string): string {
  if (!UNWRITABLE.test(text) && !/_x[0-9A-Fa-f]{4}_/.test(text)) return text;
  return text.replace(/_(?=x[0-9A-Fa-f]{4}_)/g, '_x005F_').replace(UNWRITABLE_ALL, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`);
}

/** The value exceljs is given for a cell. */
function rawValue(value: WrittenCell): unknown {
  if (value === undefined) return null;
  if (typeof value === 'string') return escapeText(value);
  if (!isTypedCell(value)) return value;
  if (value.error) return { error: value.error };
  return typeof value.value === 'string' ? escapeText(value.value) : (value.value ?? null);
}

/** Writes a table to an xlsx file with exceljs's streaming writer, made to be read and printed. */
export async function xlsxWriter(temporary: string, options: XlsxSheetOptions): Promise<FormatWriter> {
  // exceljs takes a third of a second to load: only when a workbook is written.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: temporary, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(options.sheet ?? 'Sheet1', {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: { ...PAGE_SETUP, paperSize: PAPER_SIZES[options.paper ?? 'a4'], margins: { ...PAGE_SETUP.margins } },
    headerFooter: FOOTER,
  });
  const widths = options.header.map((h, i) => options.widths?.[i] ?? Math.max(8, h.length + 2));
  const wrap = options.header.map((_, i) => options.wrap?.[i] === true);
  sheet.columns = options.header.map((header, i) => {
    const style: Partial<Style> = wrap[i] ? { alignment: WRAPPED } : {};
    const numFmt = options.numFmts?.[i];
    if (numFmt) style.numFmt = numFmt;
    return { header, key: String(i), width: widths[i], style };
  });
  sheet.getRow(1).font = HEADER_FONT;
  sheet.getRow(1).alignment = TOP; // not the wrapping columns' alone
  sheet.getRow(1).commit();
  // When the file fails, the zip stops draining into it: waiting for the zip (or for the commit)
  // would never end, so every wait also ends when the file fails.
  const file = (workbook as unknown as { stream: WriteStream }).stream;
  let failure: Error | undefined;
  const failed = new Promise<void>((resolve) =>
    file.on('error', (error) => {
      failure ??= error;
      resolve();
    }),
  );
  const check = () => {
    if (failure) throw failure;
  };
  let rows = 1;
  return {
    async write(cells) {
      check();
      rows++;
      const row = sheet.addRow(cells.map(rawValue));
      let lines = 1;
      cells.forEach((value, i) => {
        if (needsStyle(value)) styleCell(row.getCell(i + 1), value, wrap[i] === true);
        const text = isTypedCell(value) ? value.value : value;
        if (typeof text === 'string' && (wrap[i] || LINE_BREAK.test(text))) lines = Math.max(lines, linesOf(text, widths[i] as number));
      });
      // Neither Excel nor LibreOffice makes a row taller for its wrapped text when it opens a file:
      // the height is set, or the lines print over the rows below. Its other cells go to the top,
      // beside the first line (only such rows: a style on every cell costs a sixth of the time).
      if (lines > 1) {
        row.height = Math.min(lines, MAX_LINES) * LINE_HEIGHT;
        cells.forEach((value, i) => {
          const cell = row.getCell(i + 1);
          if (!cell.alignment?.wrapText) cell.alignment = TOP;
        });
      }
      row.commit();
      // exceljs does not wait for its zip (deflate) to keep up; our patch lets us (patches/).
      await Promise.race([(sheet as unknown as { stream: Backlogged }).stream.waitForBacklog?.(ZIP_BACKLOG), failed]);
      check();
    },
    async close() {
      sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(rows, 1), column: Math.max(options.header.length, 1) } };
      check();
      sheet.commit();
      const committed = workbook.commit();
      committed.catch(() => undefined); // raced below; its late failure is not unhandled
      await Promise.race([committed, failed]);
      check();
    },
    abort: () => release(file),
  };
}
