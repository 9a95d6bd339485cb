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
export function formatOf(file: string): 'csv' | 'xlsx' | 'ods' | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  if (ext === '.ods' || ext === '.ots' || ext === '.fods') return 'ods';
  if (CSV_EXTENSIONS.has(ext)) return 'csv';
  return undefined;
}

/**
 * Opens a csv/tsv/txt, xlsx or ods file by its extension (or `options.format`). A workbook is
 * read by what it holds: an OpenDocument spreadsheet named .xlsx is read as one, and either kind
 * under an unknown extension. A file whose content is something else (a web page named .xlsx, a
 * workbook named .csv…) is refused with what it really is.
 */
export async function openSpreadsheet(file: string, options: ReadOptions = {}): Promise<OpenSheet> {
  const kind = await identify(file);
  const named = options.format ?? formatOf(file);
  const format = (kind === 'xlsx' || kind === 'ods') && named !== 'csv' ? kind : named;
  const wrong = wrongKind(file, kind, format, options.format !== undefined);
  if (wrong) throw wrong;
  if (format === 'csv') return openCsv(file, options);
  // The workbook readers are loaded only when a workbook is read.
  if (format === 'xlsx') return (await import('./xlsx-reader.js')).openXlsx(file, options);
  if (format === 'ods') return (await import('./ods/ods-reader.js')).openOds(file, options);
  const ext = path.extname(file).toLowerCase();
  throw new CdbError('INPUT', `Cannot read files of type ${path.extname(file) || '(none)'}.`, {
    context: { file },
    hint: ext === '.xls' && kind === 'text'
      ? 'This .xls file holds text, not an Excel workbook: if it is comma- or tab-separated values, rename it to .csv or .txt.'
      : 'Give an .xlsx, .ods, .csv, .tsv or .txt file.',
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
