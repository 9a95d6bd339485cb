import { CdbError } from '../errors.js';
import type { SheetRow } from './cell.js';
import { headedSheet } from './headed-sheet.js';
import { localGeneral } from './shown-locale.js';
import { unreadable } from './unreadable.js';
import type { OpenSheet, ReadOptions } from './types.js';
import { SheetRowsHandler } from './xlsx/sheet-rows.js';
import { readSharedStrings, SharedStrings } from './xlsx/shared-strings.js';
import { Styles } from './xlsx/styles.js';
import { readWorkbookParts, type SheetEntry, type WorkbookParts } from './xlsx/workbook-parts.js';
import { XlsxError } from './xlsx/xlsx-error.js';
import { XmlScanner } from './xlsx/xml-scanner.js';
import { ZipPackage } from './xlsx/zip-package.js';

/** The documented limits of the xlsx reader (README, "Limits"). */
export const XLSX_LIMITS = {
  /** The text of one cell, in characters. */
  cell: 32 * 1048576,
  /** styles.xml, unpacked. */
  styles: 64 * 1048576,
  /** sharedStrings.xml, unpacked (it is streamed: this bounds time). */
  sharedStrings: 512 * 1048576,
  /**
   * The shared strings' text in all (UTF-8) and their number: the table is kept in memory whole,
   * so these keep a run under 300 MB whatever the file holds (a 0.5 MB file unpacked to 500 MB).
   */
  sharedStringBytes: 128 * 1048576,
  sharedStringCount: 8 * 1048576,
  /** A worksheet part, unpacked (it is streamed: this bounds time, not memory). */
  sheet: 16 * 1024 * 1048576,
};

const SHEET_KINDS: Record<SheetEntry['type'], string> = {
  worksheet: 'a worksheet',
  chartsheet: 'a chart sheet',
  dialogsheet: 'a dialog sheet',
  macrosheet: 'a macro sheet',
  unknown: 'not a worksheet',
};

function problem(file: string, error: unknown, sheet?: string): CdbError {
  if (error instanceof CdbError) return error;
  const context = { file, sheet };
  if (error instanceof XlsxError) {
    const at = error.at.row === undefined ? context : { ...context, row: error.at.row };
    return error.kind === 'limit'
      ? new CdbError('INPUT', `The workbook is too large to read safely: ${error.message}.`, { context, hint: 'Split the file, or save it as .csv and import that.' })
      : new CdbError('INPUT', `The workbook could not be read: ${error.message}.`, { context: at, hint: error.at.hint ?? 'Open it in Excel or LibreOffice and save it again as Excel Workbook (.xlsx).' });
  }
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return unreadable(file, error);
  const message = (error as Error)?.message ?? String(error);
  if (/encrypted/i.test(message)) {
    return new CdbError('INPUT', 'The workbook is password-protected (its zip archive is encrypted).', {
      context,
      hint: 'Open it in Excel, remove the password (File › Info › Protect Workbook), and save it again.',
    });
  }
  if (/compression method/i.test(message)) {
    return new CdbError('INPUT', `The workbook's zip archive uses a compression Excel does not write (${message}).`, {
      context,
      hint: 'Open it in Excel or LibreOffice and save it again as Excel Workbook (.xlsx).',
    });
  }
  return new CdbError('INPUT', 'The file is not a readable xlsx workbook (it is not a complete zip archive, or it is damaged).', {
    context,
    cause: error,
    hint: `Open it in Excel or LibreOffice and save it again as Excel Workbook (.xlsx). (${message})`,
  });
}

function chooseSheet(parts: WorkbookParts, wanted: string | number | undefined): SheetEntry {
  const worksheets = parts.sheets.filter((s) => s.type === 'worksheet');
  const names = worksheets.map((s) => `"${s.name}"`).join(', ');
  const hint = 'Set sheet in the mapping (or --sheet) to one of those names, or a 1-based number.';
  // A sheet named "2026" is asked for by its name, even where a number was meant.
  const named = typeof wanted === 'number' ? worksheets.find((s) => s.name.trim() === String(wanted)) : undefined;
  if (named) return named;
  if (wanted === undefined) {
    // The first worksheet a user can see: hidden ones hold lookups and scratch work, not the data.
    const found = worksheets.find((s) => s.state === 'visible') ?? worksheets[0];
    if (found) return found;
    throw new CdbError('INPUT', 'The workbook has no worksheet with cells (only chart or dialog sheets).', {});
  }
  if (typeof wanted === 'number') {
    const found = worksheets[wanted - 1];
    if (found) return found;
    if (!worksheets.length) throw new CdbError('INPUT', 'The workbook has no worksheet with cells (only chart or dialog sheets).', {});
    throw new CdbError('INPUT', `The workbook has no worksheet number ${wanted}; it has ${names}.`, { hint });
  }
  const key = wanted.trim().toLowerCase();
  const found = parts.sheets.find((s) => s.name.trim().toLowerCase() === key);
  if (found && found.type !== 'worksheet') {
    throw new CdbError('INPUT', `The sheet "${found.name}" is ${SHEET_KINDS[found.type]}, which has no cells to import; the worksheets are ${names || 'none'}.`, { hint });
  }
  if (!found) throw new CdbError('INPUT', `The workbook has no sheet "${wanted}"; it has ${names || 'no worksheets'}.`, { hint });
  return found;
}

/**
 * Opens a sheet of an xlsx workbook with this project's own reader: the zip is read by its
 * central directory (any part order), the workbook, relationships, styles and shared strings
 * first, then the chosen worksheet is streamed, so memory stays flat however long the sheet.
 */
export async function openXlsx(file: string, options: ReadOptions): Promise<OpenSheet> {
  let zip: ZipPackage;
  try {
    zip = await ZipPackage.open(file);
  } catch (error) {
    throw problem(file, error);
  }
  let chosen: SheetEntry;
  let parts: WorkbookParts;
  let styles: Styles;
  let strings: SharedStrings;
  try {
    parts = await readWorkbookParts(zip);
    try {
      chosen = chooseSheet(parts, options.sheet);
    } catch (error) {
      throw error instanceof CdbError ? new CdbError(error.code, error.message, { context: { file }, hint: error.hint }) : error;
    }
    if (!chosen.part) throw new XlsxError(`the sheet "${chosen.name}" is listed but its part is missing from the zip archive`);
    const stylesXml = parts.styles ? await zip.text(parts.styles, XLSX_LIMITS.styles) : undefined;
    styles = stylesXml === undefined ? Styles.none(options.locale) : Styles.parse(stylesXml, parts.styles as string, options.locale);
    strings = parts.sharedStrings ? await readSharedStrings(zip.stream(parts.sharedStrings, XLSX_LIMITS.sharedStrings), parts.sharedStrings, XLSX_LIMITS.cell, {
          bytes: XLSX_LIMITS.sharedStringBytes,
          count: XLSX_LIMITS.sharedStringCount,
        }) : new SharedStrings();
  } catch (error) {
    zip.close();
    throw problem(file, error);
  }
  const sheet = chosen.name;
  const sheetPart = chosen.part;
  const date1904 = parts.date1904;

  const handler = new SheetRowsHandler({ strings, styles, date1904, maxCell: XLSX_LIMITS.cell, general: localGeneral(options.locale) });
  async function* sheetRows(): AsyncGenerator<SheetRow> {
    const scanner = new XmlScanner(handler, sheetPart, XLSX_LIMITS.cell + 1024);
    try {
      for await (const chunk of zip.stream(sheetPart, XLSX_LIMITS.sheet)) {
        scanner.write(chunk);
        if (handler.rows.length) {
          const ready = handler.rows;
          handler.rows = [];
          yield* ready;
        }
      }
      scanner.end();
      if (!handler.complete) throw new XlsxError(`${sheetPart} ends before the sheet is complete (the file was cut short)`);
      yield* handler.rows;
    } finally {
      zip.close();
    }
  }

  const source = sheetRows();
  return headedSheet(
    file,
    {
      async next() {
        try {
          const result = await source.next();
          return result.done ? undefined : result.value;
        } catch (error) {
          throw problem(file, error, sheet);
        }
      },
      limitColumns(count) {
        handler.columnLimit = count;
      },
      beyond: () => handler.beyond,
      async close() {
        await source.return(undefined);
      },
    },
    options.headerRow ?? 1,
    { format: 'xlsx', sheet, sheets: parts.sheets.filter((s) => s.type === 'worksheet').map((s) => s.name), date1904 },
  );
}
