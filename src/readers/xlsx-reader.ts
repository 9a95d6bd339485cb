import { access } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { CdbError } from '../errors.js';
import type { Cell, SheetRow } from './cell.js';
import { unreadable } from './csv-reader.js';
import type { OpenSheet, ReadOptions } from './spreadsheet.js';
import { readWorkbookInfo, type WorkbookInfo } from './xlsx-workbook.js';

type WorksheetReader = AsyncIterable<ExcelJS.Row>;

const DATE_FORMAT = /[dmyhs]/i;
const NOT_DATE_FORMAT = /^(General|@|0.*|#.*)$/i;

/** exceljs reads Excel dates as UTC wall time: keep that wall clock, rounded to the second. */
function wallClock(date: Date): Cell {
  const rounded = new Date(Math.round(date.getTime() / 1000) * 1000);
  return { kind: 'date', wall: rounded.toISOString().slice(0, 23) };
}

/** Excel serial (1900 or 1904 system) to a wall clock. */
function serialToWall(serial: number, date1904: boolean): Cell {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  return wallClock(new Date(epoch + serial * 86_400_000));
}

function isDateFormat(numFmt: string | undefined): boolean {
  if (!numFmt || NOT_DATE_FORMAT.test(numFmt)) return false;
  // Leave out literal text and colours before looking for date tokens.
  return DATE_FORMAT.test(numFmt.replace(/"[^"]*"|\[[^\]]*\]|\\./g, ''));
}

/** One exceljs cell value as a normalised cell. */
export function normaliseCell(value: ExcelJS.CellValue, numFmt: string | undefined, date1904: boolean): Cell {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return wallClock(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return isDateFormat(numFmt) ? serialToWall(value, date1904) : value;
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('error' in value) return { kind: 'error', error: String(value.error) };
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: unknown }).result;
    if (result === undefined || result === null) return null;
    if (typeof result === 'number' && Number.isNaN(result)) return { kind: 'error', error: '#VALUE!' };
    if (typeof result === 'object' && 'error' in (result as object)) return { kind: 'error', error: String((result as { error: unknown }).error) };
    return normaliseCell(result as ExcelJS.CellValue, numFmt, date1904);
  }
  if ('text' in value) {
    const text = (value as { text: unknown }).text;
    return typeof text === 'string' ? text : normaliseCell(text as ExcelJS.CellValue, numFmt, date1904);
  }
  return String(value);
}

function damaged(file: string, error: unknown): CdbError {
  const message = (error as Error)?.message ?? String(error);
  const notZip = /signature|end of central directory|zip|FILE_ENDED|invalid/i.test(message);
  return new CdbError(
    'INPUT',
    notZip ? 'The file is not a readable xlsx workbook (it is not a complete zip archive).' : `The workbook could not be read (${message}).`,
    { context: { file }, hint: 'Open it in Excel or LibreOffice and save it again as .xlsx (Excel Workbook).' },
  );
}

/**
 * Opens a sheet of an xlsx workbook with exceljs's streaming reader; rows are read as they are
 * consumed, so memory stays flat however long the sheet.
 */
export async function openXlsx(file: string, options: ReadOptions): Promise<OpenSheet> {
  try {
    await access(file);
  } catch (error) {
    throw unreadable(file, error);
  }
  let info: WorkbookInfo;
  try {
    info = await readWorkbookInfo(file);
  } catch (error) {
    throw damaged(file, error);
  }
  const wanted = options.sheet ?? 1;
  const chosen = typeof wanted === 'number' ? info.sheets[wanted - 1] : info.sheets.find((s) => s.name.trim().toLowerCase() === wanted.trim().toLowerCase());
  if (!chosen) {
    const which = typeof wanted === 'number' ? `number ${wanted}` : `"${wanted}"`;
    throw new CdbError('INPUT', `The workbook has no sheet ${which}; it has ${info.sheets.map((s) => `"${s.name}"`).join(', ') || 'no sheets'}.`, {
      context: { file },
      hint: 'Set sheet in the mapping (or --sheet) to one of those names, or a 1-based number.',
    });
  }
  const sheetName = chosen.name;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  // exceljs announces each worksheet's file number in an 'entry' event just before yielding it.
  let fileNumber = 0;
  (reader as unknown as NodeJS.EventEmitter).on('entry', (entry: { type: string; id?: string }) => {
    if (entry.type === 'worksheet') fileNumber = Number(entry.id);
  });
  const headerRow = options.headerRow ?? 1;

  async function* sheetRows(): AsyncGenerator<SheetRow> {
    for await (const worksheet of reader as unknown as AsyncIterable<WorksheetReader>) {
      if (fileNumber !== chosen?.fileNumber) {
        for await (const _row of worksheet) void _row; // a sheet must be drained for the next to come
        continue;
      }
      for await (const row of worksheet) {
        const cells: Cell[] = [];
        row.eachCell({ includeEmpty: false }, (cell, column) => {
          const value = cell.value;
          // exceljs turns date-formatted numbers into Dates itself; only a formula's numeric result
          // needs its cell's number format looked up (a style lookup, not free on every cell).
          const formula = typeof value === 'object' && value !== null && ('formula' in value || 'sharedFormula' in value);
          cells[column - 1] = normaliseCell(value, formula ? cell.numFmt : undefined, info.date1904);
        });
        for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
        yield { row: row.number, cells };
      }
      return;
    }
  }

  const source = sheetRows();
  async function next(): Promise<SheetRow | undefined> {
    try {
      const result = await source.next();
      return result.done ? undefined : result.value;
    } catch (error) {
      if (error instanceof CdbError) throw error;
      throw damaged(file, error);
    }
  }

  const sheet = sheetName;
  let header: string[] | undefined;
  for (let item = await next(); item && item.row <= headerRow; item = await next()) {
    if (item.row === headerRow) {
      header = item.cells.map((cell) => (typeof cell === 'string' || typeof cell === 'number' ? String(cell).trim() : ''));
      break;
    }
  }
  if (!header) {
    throw new CdbError('INPUT', `The sheet has no header in row ${headerRow} (the sheet is empty there).`, {
      context: { file, sheet },
      hint: 'Put the column names in that row, or set headerRow in the mapping.',
    });
  }
  const columns = header;

  async function* rows(): AsyncGenerator<SheetRow> {
    for (let item = await next(); item; item = await next()) {
      const cells = item.cells.slice(0, Math.max(columns.length, 0));
      const overflow = item.cells.slice(columns.length).some((cell) => cell !== null && !(typeof cell === 'string' && cell.trim() === ''));
      if (overflow) {
        throw new CdbError('INPUT', `This row has values beyond the last named column (${columns.length} columns in the header).`, {
          context: { file, sheet, row: item.row },
          hint: 'Give those columns a name in the header row, or clear the cells.',
        });
      }
      if (cells.every((cell) => cell === null || (typeof cell === 'string' && cell.trim() === ''))) continue;
      yield { row: item.row, cells };
    }
  }

  return {
    file,
    detected: { format: 'xlsx', sheet, sheets: info.sheets.map((s) => s.name), date1904: info.date1904 },
    headerRow,
    header: columns,
    rows: rows(),
    close: async () => {
      await source.return(undefined);
    },
  };
}
