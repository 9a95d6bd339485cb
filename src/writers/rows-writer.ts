import { createWriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { stringify, type Options } from 'csv-stringify/sync';
import { temporaryPathFor } from '../util/atomic-write.js';
import { neutralise } from '../util/formula-text.js';
import { CdbError } from '../errors.js';
import { fileErrorReason, isSpaceProblem } from '../util/file-errors.js';
import { release } from './release-stream.js';
import { plainValue, type OutCell, type WrittenCell } from './written-cell.js';
import { xlsxWriter, type FormatWriter, type XlsxSheetOptions } from './xlsx-writer.js';
import { makeFolder } from '../util/make-folder.js';

export type { OutCell, TypedCell, WrittenCell } from './written-cell.js';

/** How to write a table (the xlsx options are ignored by csv, and the other way round). */
export interface RowsWriterOptions extends XlsxSheetOptions {
  format: 'csv' | 'xlsx';
  /** csv */
  delimiter?: string;
  /** csv: a UTF-8 byte order mark, so that Excel reads åäö right. */
  bom?: boolean;
  /** csv: write text as it is, even text a spreadsheet would run as a formula (else neutralised, header too). */
  raw?: boolean;
  /** The file's permissions at most (less the umask): an import's outputs get its input's. */
  mode?: number;
}

/** Writes rows as they come to a temporary file, and puts it at its path only when complete. */
export interface RowsWriter {
  write(cells: WrittenCell[]): Promise<void>;
  /** Finishes the file and renames it into place. */
  close(): Promise<void>;
  /** Removes the temporary file; nothing appears at the path. */
  abort(): Promise<void>;
}

/** The format a path's extension implies (csv unless it ends in .xlsx). */
export function outputFormat(file: string): 'csv' | 'xlsx' {
  return path.extname(file).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv';
}

/** A failed write as our error: what happened to which file, and that nothing took its place. */
function writeFailure(error: unknown, file: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof CdbError || code === undefined || !code.startsWith('E')) return error;
  const reason = fileErrorReason(error);
  return new CdbError('OUTPUT', `Could not write ${file}: ${reason} (${code}); nothing was written to its path.`, {
    cause: error,
    hint: isSpaceProblem(error) ? 'Free some space or choose another folder, then run it again.' : 'Check the folder, or choose another, then run it again.',
  });
}

/** Opens a csv or xlsx writer. */
export async function openRowsWriter(file: string, options: RowsWriterOptions): Promise<RowsWriter> {
  try {
    makeFolder(path.dirname(path.resolve(file)));
  } catch (error) {
    throw writeFailure(error, file);
  }
  const temporary = temporaryPathFor(path.resolve(file));
  // Made new, with the permissions asked (never through a link someone put at that name).
  try {
    await writeFile(temporary, '', { flag: 'wx', mode: options.mode ?? 0o666 });
  } catch (error) {
    throw writeFailure(error, file);
  }
  const writer = options.format === 'xlsx' ? await xlsxWriter(temporary, options) : await csvWriter(temporary, options);
  let finished = false;
  return {
    async write(cells) {
      try {
        await writer.write(cells);
      } catch (error) {
        throw writeFailure(error, file);
      }
    },
    async close() {
      if (finished) return;
      finished = true;
      try {
        await writer.close();
        await rename(temporary, file);
      } catch (error) {
        await writer.abort().catch(() => undefined);
        await rm(temporary, { force: true });
        throw writeFailure(error, file);
      }
    },
    async abort() {
      if (finished) return;
      finished = true;
      // Not close(): a stream that failed has already closed, and waiting for it would hang.
      await writer.abort().catch(() => undefined);
      await rm(temporary, { force: true });
    },
  };
}

/** csv rows are turned into text this many at a time: a third of the cost of one at a time. */
const CSV_BATCH = 64;

async function csvWriter(temporary: string, options: RowsWriterOptions): Promise<FormatWriter> {
  const out = createWriteStream(temporary);
  // A write error can come between two writes: it is kept and thrown by the next write or close.
  let failure: Error | undefined;
  out.on('error', (error) => (failure ??= error));
  const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
  const check = () => {
    if (failure) throw failure;
  };
  const settings: Options = {
    delimiter: options.delimiter ?? ',',
    record_delimiter: 'windows',
    // A line break inside a field must be quoted, or Excel and every other reader split the row.
    quoted_match: /[\r\n]/,
    cast: {
      date: (value) => value.toISOString().slice(0, 16).replace('T', ' '),
      boolean: (value) => (value ? 'true' : 'false'),
    },
  };
  let batch: OutCell[][] = [];
  const flush = async () => {
    if (!batch.length) return;
    const text = stringify(batch, settings);
    batch = [];
    check();
    if (!out.write(text)) await Promise.race([once(out, 'drain').catch(() => undefined), closed]);
    check();
  };
  // Every csv this tool writes (exports, results, errors) is opened in spreadsheets: text that
  // would run as a formula, input cells and header names included, is neutralised unless raw.
  const safe = options.raw ? (cells: WrittenCell[]) => cells.map(plainValue) : (cells: WrittenCell[]) => cells.map(plainValue).map((cell) => (typeof cell === 'string' ? neutralise(cell) : cell));
  if (options.bom) out.write('\ufeff');
  batch.push(safe(options.header));
  await flush();
  return {
    async write(cells) {
      batch.push(safe(cells));
      if (batch.length >= CSV_BATCH) await flush();
    },
    async close() {
      await flush();
      out.end();
      await closed;
      check();
    },
    abort: () => release(out),
  };
}
