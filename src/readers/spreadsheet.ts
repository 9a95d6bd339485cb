import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CdbError } from '../errors.js';
import { openCsv } from './csv-reader.js';
import { identifyFile, type FileKind } from './identify-file.js';
import type { OpenSheet, ReadOptions } from './types.js';
import { unreadable } from './unreadable.js';
import { wrongKind } from './wrong-kind.js';

export type { Detected, OpenSheet, ReadOptions } from './types.js';

const CSV_EXTENSIONS = new Set(['.csv', '.tsv', '.txt']);

/** The format a file name implies, or undefined. */
export function formatOf(file: string): 'csv' | 'xlsx' | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  if (CSV_EXTENSIONS.has(ext)) return 'csv';
  return undefined;
}

/**
 * Opens a csv/tsv/txt or xlsx file by its extension (or `options.format`; a workbook under an
 * unknown extension is read as one). A file whose content is something else (an .ods or a web
 * page named .xlsx, a workbook named .csv…) is refused with what it really is.
 */
export async function openSpreadsheet(file: string, options: ReadOptions = {}): Promise<OpenSheet> {
  const kind = await identify(file);
  const format = options.format ?? formatOf(file) ?? (kind === 'xlsx' ? 'xlsx' : undefined);
  const wrong = wrongKind(file, kind, format, options.format !== undefined);
  if (wrong) throw wrong;
  if (format === 'csv') return openCsv(file, options);
  // exceljs takes a third of a second to load: only when a workbook is read.
  if (format === 'xlsx') return (await import('./xlsx-reader.js')).openXlsx(file, options);
  const ext = path.extname(file).toLowerCase();
  throw new CdbError('INPUT', `Cannot read files of type ${path.extname(file) || '(none)'}.`, {
    context: { file },
    hint: ext === '.xls' && kind === 'text'
      ? 'This .xls file holds text, not an Excel workbook: if it is comma- or tab-separated values, rename it to .csv or .txt.'
      : 'Give an .xlsx, .csv, .tsv or .txt file.',
  });
}

async function identify(file: string): Promise<FileKind> {
  let kind: FileKind;
  try {
    // A pipe or a device (/dev/zero) would hang the reader or never end: only regular files.
    const info = await stat(file);
    if (!info.isFile() && !info.isDirectory()) {
      throw new CdbError('INPUT', 'This is not a regular file (a pipe, a socket or a device), so it cannot be read as a spreadsheet.', {
        context: { file },
        hint: 'Save the data to a file first, then import that file.',
      });
    }
    kind = await identifyFile(file);
  } catch (error) {
    if (error instanceof CdbError) throw error;
    throw unreadable(file, error);
  }
  if (kind === 'folder') throw unreadable(file, Object.assign(new Error('is a folder'), { code: 'EISDIR' }));
  return kind;
}
