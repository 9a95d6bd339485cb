import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { open } from 'node:fs/promises';
import { CsvError, parse } from 'csv-parse';
import { CdbError } from '../errors.js';
import { columnLetters, type Cell, type SheetRow } from './cell.js';
import { CsvColumnGuard } from './csv-columns.js';
import { guessDelimiter, guessEncoding, sepLine } from './detect-text.js';
import { hasMarks, marksAsReplacement, singleByteDecoder, undefinedBytes, withoutMarks } from './single-byte.js';
import type { OpenSheet, ReadOptions } from './types.js';
import { unreadable } from './unreadable.js';

const SAMPLE_BYTES = 64 * 1024;

/** What one csv file may hold, so a hostile or broken file cannot take the machine's memory. */
export const CSV_LIMITS = {
  /** One record (a row, with every field in it), in characters: the xlsx reader's cell limit. */
  record: 32 * 1048576,
};

async function readSample(file: string): Promise<{ sample: Buffer; complete: boolean }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
    return { sample: buffer.subarray(0, bytesRead), complete: bytesRead < SAMPLE_BYTES };
  } finally {
    await handle.close();
  }
}

/** Whether the whole file is valid UTF-8 (read through once, only when a U+FFFD turns up). */
async function validUtf8(file: string, start: number): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(file, { start }) as AsyncIterable<Buffer>) decoder.decode(chunk, { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

function csvProblem(file: string, error: CsvError, row: number): CdbError {
  const context = { file, row };
  switch (error.code) {
    case 'CSV_MAX_RECORD_SIZE':
      return new CdbError('INPUT', `This row is longer than ${CSV_LIMITS.record / 1048576} MB, this tool's limit for one csv row.`, {
        context, hint: 'Check that the file is a csv of jobs: a quote that is never closed makes the rest of the file one row.',
      });
    case 'CSV_QUOTE_NOT_CLOSED':
      return new CdbError('INPUT', 'A quoted field is never closed: a " opens a field and no " ends it.', {
        context, hint: 'Close the quote, or write a quote inside a field as "".',
      });
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new CdbError('INPUT', 'A quote is followed by other characters before the next delimiter.', {
        context, hint: 'Write a quote inside a quoted field as "", or leave the field unquoted.',
      });
    default:
      return new CdbError('INPUT', `The file is not valid CSV (${error.message.replace(/\s*at line \d+/, '')}).`, { context });
  }
}

const NUL_IN_CELL = 'the cell holds a NUL character (byte 0), which no text has: the file is damaged or not in the encoding read; fix the cell, or give the encoding (--encoding)';

/**
 * A cell holding a NUL, or a byte the encoding does not define, is a problem on that cell, never
 * sent; the errors file keeps the rest of its text.
 */
function unreadableCell(cell: string, marked: { encoding: string; guessed: boolean } | undefined): Cell {
  const rest = (text: string): string => (marked ? withoutMarks(text) : text);
  if (cell.includes('\0')) return { kind: 'unreadable', reason: NUL_IN_CELL, text: rest(cell.replace(/\0/g, '')) };
  const reason = marked && undefinedBytes(cell, marked.encoding, marked.guessed);
  return reason === undefined ? cell : { kind: 'unreadable', reason, text: withoutMarks(cell) };
}

/**
 * Opens a csv/tsv/txt file as a stream of rows, detecting encoding and delimiter unless told.
 * Row numbers are those a spreadsheet shows: the record's position, a `sep=` line not counted.
 */
export async function openCsv(file: string, options: ReadOptions): Promise<OpenSheet> {
  const { sample, complete } = await readSample(file);
  const guess = guessEncoding(sample, complete);
  const encoding = options.encoding ?? guess.encoding;
  const utf8 = /^utf-?8$/i.test(encoding);
  // iconv-lite is loaded only for the encodings Node does not read itself (Windows-1252, UTF-16).
  const iconv = utf8 ? undefined : (await import('iconv-lite')).default;
  if (iconv && !iconv.encodingExists(encoding)) {
    throw new CdbError('USAGE', `Unknown encoding "${String(encoding)}".`, { hint: 'Use utf-8, windows-1252, iso-8859-1 or utf-16le.' });
  }
  const text = iconv ? iconv.decode(sample.subarray(guess.bomLength), encoding) : sample.subarray(guess.bomLength).toString('utf8');
  if (text.trim() === '') {
    throw new CdbError('INPUT', 'The file is empty: there is no header row.', { context: { file }, hint: 'Check that you exported the right file.' });
  }
  const sep = sepLine(text);
  const delimiter = options.delimiter ?? sep ?? guessDelimiter(sep ? text.replace(/^[^\n]*\n/, '') : text);
  const headerRow = options.headerRow ?? 1;

  const source = createReadStream(file, { start: guess.bomLength });
  const parser = parse({
    delimiter,
    relax_column_count: true,
    from_line: sep ? 2 : 1,
    skip_empty_lines: false,
    bom: true,
    // A bare quote inside an unquoted field (37°36'37.8"N) is text, as Excel, LibreOffice and
    // Python read it; a quoted field that is never closed still stops the file.
    relax_quotes: true,
    // Line ends as they come: a file whose lines mix CR LF and LF (pasted together) keeps its rows
    // apart (csv-parse otherwise fixes the ending from the first line and glues the others).
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: CSV_LIMITS.record,
  });
  // The header's fields are counted before csv-parse builds them (a single-byte delimiter; in
  // UTF-8 no other character holds its byte).
  const code = delimiter.length === 1 ? delimiter.charCodeAt(0) : 0x100;
  const guard = code < (iconv ? 0x10000 : 0x80) ? new CsvColumnGuard(code, headerRow + (sep ? 1 : 0), file, sep ? 1 : 0) : undefined;
  // csv-parse decodes UTF-8 itself, faster than a decoding stream in between. A failure anywhere
  // (the file, the decoder, the guard) reaches the parser, whose rows then end with it.
  // A single-byte encoding is decoded by iconv-lite's table with its undefined bytes marked, so
  // that a cell holding one is a problem naming the byte, not a U+FFFD sent as if it were text.
  const singleByte = iconv ? singleByteDecoder(iconv, encoding) : undefined;
  const decoder = singleByte ? singleByte() : iconv?.decodeStream(encoding, { stripBOM: true });
  const stages: NodeJS.ReadWriteStream[] = [...(decoder ? [decoder] : []), ...(guard ? [guard] : [])];
  pipeline([source, ...stages, parser], (error) => {
    if (error && !parser.destroyed) parser.destroy(error);
  });

  let row = 0;
  const iterator = (parser as AsyncIterable<string[]>)[Symbol.asyncIterator]();
  async function next(): Promise<string[] | undefined> {
    try {
      const result = await iterator.next();
      if (result.done) return undefined;
      row++;
      return result.value;
    } catch (error) {
      if (error instanceof CdbError) throw error;
      if (error instanceof CsvError) throw csvProblem(file, error, row + 1);
      throw unreadable(file, error);
    }
  }

  let header: string[] | undefined;
  while (row < headerRow) {
    header = await next();
    if (!header) {
      throw new CdbError('INPUT', `The file has no row ${headerRow} to take the header from.`, { context: { file }, hint: 'Check headerRow in the mapping.' });
    }
  }
  const columns = (header ?? []).map((cell) => (singleByte ? marksAsReplacement(cell.trim()) : cell.trim()));
  const nul = columns.findIndex((name) => name.includes('\0'));
  if (nul !== -1) {
    throw new CdbError('INPUT', `The header holds a NUL character (byte 0) in column ${columnLetters(nul)}: the file is not ${encoding} text.`, {
      context: { file, row: headerRow },
      hint: 'Give its encoding (--encoding utf-16le, or encoding: in the mapping), or save it from Excel as "CSV UTF-8".',
    });
  }
  const unnamed = columns.flatMap((name, i) => (name === '' ? [i] : []));
  const unnamedValues = new Map<number, number>();
  const warnings: string[] = [];
  // A guess of UTF-8 rests on the first 64 KB, and a given one on the user's word: a byte that is
  // not UTF-8 further on would become U+FFFD in the data without a word.
  let checkUtf8 = utf8;
  const marked = singleByte ? { encoding, guessed: options.encoding === undefined } : undefined;

  async function* rows(): AsyncGenerator<SheetRow> {
    for (let record = await next(); record; record = await next()) {
      if (record.every((cell) => cell.trim() === '')) continue;
      // U+FFFD may also be in the data itself (a file already damaged upstream, but valid UTF-8):
      // only bytes that are not UTF-8 stop the file.
      if (checkUtf8 && record.some((cell) => cell.includes('\uFFFD'))) {
        checkUtf8 = false;
        if (!(await validUtf8(file, guess.bomLength))) throw new CdbError('INPUT', options.encoding === undefined ? 'This row holds bytes that are not UTF-8, although the start of the file is: the file mixes encodings, or is Windows-1252 with its first special character far down.' : `This row holds bytes that are not UTF-8, the encoding given (${encoding}): the file is in another encoding, or mixes encodings.`, {
          context: { file, row },
          hint: 'Give the encoding (--encoding windows-1252, or encoding: in the mapping), or save the file as "CSV UTF-8" in Excel.',
        });
      }
      for (const i of unnamed) if ((record[i] ?? '').trim() !== '') unnamedValues.set(i, (unnamedValues.get(i) ?? 0) + 1);
      const extra = record.slice(columns.length).some((cell) => cell.trim() !== '');
      if (extra || record.length < columns.length) {
        throw new CdbError('INPUT', `This row has ${record.length} fields but the header has ${columns.length}.`, {
          context: { file, row },
          hint: `Check the row for a stray or missing delimiter ("${delimiter === '\t' ? 'tab' : delimiter}"), or quote fields that contain it.`,
        });
      }
      const cells = record.slice(0, columns.length);
      yield { row, cells: cells.some((cell) => cell.includes('\0') || (marked && hasMarks(cell))) ? cells.map((cell) => unreadableCell(cell, marked)) : cells };
    }
    if (unnamedValues.size) {
      const count = [...unnamedValues.values()].reduce((a, b) => a + b, 0);
      const which = [...unnamedValues.keys()].map((i) => `column ${columnLetters(i)}`).join(', ');
      warnings.push(`${which[0]?.toUpperCase()}${which.slice(1)} ${unnamedValues.size === 1 ? 'has' : 'have'} no header in row ${headerRow}, so ${count === 1 ? 'its value is' : `their ${count} values are`} left out: no mapping can name ${unnamedValues.size === 1 ? 'it' : 'them'}.`);
    }
  }

  return {
    file,
    detected: { format: 'csv', encoding, delimiter, bom: guess.bomLength > 0 },
    headerRow,
    header: columns,
    rows: rows(),
    warnings,
    close: async () => {
      source.destroy();
      parser.destroy();
    },
  };
}
