import path from 'node:path';
import { CdbError } from '../errors.js';

/** The formats export writes. */
export type ExportFormat = 'xlsx' | 'csv';

/** Extensions written as csv with a tab between fields: what Excel's "Text (Tab delimited)" writes. */
const TAB_SEPARATED = new Set(['.tsv', '.txt']);

/** What the extensions export is asked for most often, but cannot write, are. */
const NOT_WRITTEN: Record<string, string> = {
  '.xls': 'an Excel 97–2003 workbook',
  '.xlsm': 'a macro-enabled workbook',
  '.xlsb': 'an Excel binary workbook',
  '.ods': 'an OpenDocument spreadsheet',
  '.numbers': 'an Apple Numbers document',
  '.pdf': 'a PDF',
  '.json': 'JSON',
};

const WRITES = '.xlsx and .csv (and .tsv or .txt, tab-separated)';

/**
 * Why an export cannot be written under this name, or undefined when it can: the name's
 * extension must be one export writes, unless `format` says what to write. For the CLI and the
 * schedule file, which each add how to fix it.
 */
export function exportFormatProblem(output: string, format?: ExportFormat): string | undefined {
  if (format) return undefined;
  const ext = path.extname(output).toLowerCase();
  if (ext === '.xlsx' || ext === '.csv' || TAB_SEPARATED.has(ext)) return undefined;
  const name = path.basename(output);
  if (ext === '') return `"${name}" has no extension to say which format to write; export writes ${WRITES}`;
  const what = NOT_WRITTEN[ext];
  return `"${name}" ${what ? `is ${what} (${ext})` : `ends in ${ext}`}, which export does not write; it writes ${WRITES}`;
}

/** The format an export writes to `output`: `format` if given, else its extension's. Throws USAGE when neither says one it writes. */
export function exportFormat(output: string, format?: ExportFormat): ExportFormat {
  const problem = exportFormatProblem(output, format);
  if (problem) {
    const stem = path.basename(output, path.extname(output)) || 'jobs';
    throw new CdbError('USAGE', `${problem}.`, { hint: `Name the file ${stem}.xlsx or ${stem}.csv, or give --format xlsx (or csv) to write that format under this name.` });
  }
  if (format) return format;
  return path.extname(output).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv';
}

/** The csv delimiter a name implies: a tab for .tsv and .txt, else none (the locale decides). */
export function delimiterOfName(output: string): string | undefined {
  return TAB_SEPARATED.has(path.extname(output).toLowerCase()) ? '\t' : undefined;
}
