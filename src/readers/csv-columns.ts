import { Transform, type TransformCallback } from 'node:stream';
import { CdbError } from '../errors.js';

/** Excel's last column, XFD: no header of a real sheet is wider. */
export const MAX_CSV_COLUMNS = 16_384;

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * Counts the fields of the first records (the header and the rows above it) as they stream in,
 * before csv-parse builds them: a header of 3.5 million columns (30 MB, under the row limit) took
 * 1 GB and 98 s to refuse. Quotes are read as csv-parse reads them with `relax_quotes` (special
 * only at the start of a field, `""` inside). After those records the data passes untouched.
 */
export class CsvColumnGuard extends Transform {
  private record = 1;
  private fields = 1;
  private quoted = false;
  /** A quote inside a quoted field: the end of it, unless another quote follows. */
  private quoteSeen = false;
  private fieldStart = true;
  private lastCr = false;

  constructor(
    private readonly delimiter: number,
    private readonly records: number,
    private readonly file: string,
    /** Records before the first row (an Excel `sep=;` line), not counted as rows. */
    private readonly skipped = 0,
  ) {
    super();
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.record <= this.records) {
      const problem = this.scan(chunk);
      if (problem) {
        done(problem);
        return;
      }
    }
    done(null, chunk);
  }

  private scan(chunk: Buffer | string): CdbError | undefined {
    const text = typeof chunk === 'string';
    const n = chunk.length;
    for (let i = 0; i < n && this.record <= this.records; i++) {
      const c = text ? (chunk).charCodeAt(i) : (chunk)[i] as number;
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === QUOTE) continue; // "" is a quote inside the field
          this.quoted = false; // the field's closing quote; this character follows it
        } else {
          if (c === QUOTE) this.quoteSeen = true;
          continue;
        }
      }
      if (c === this.delimiter) {
        this.fieldStart = true;
        if (++this.fields > MAX_CSV_COLUMNS) return this.tooWide();
      } else if (c === LF || c === CR) {
        if (!(c === LF && this.lastCr)) this.endRecord();
        this.fieldStart = true;
      } else if (c === QUOTE && this.fieldStart) {
        this.quoted = true;
        this.fieldStart = false;
      } else {
        this.fieldStart = false;
      }
      this.lastCr = c === CR;
    }
    return undefined;
  }

  private endRecord(): void {
    this.record++;
    this.fields = 1;
  }

  private tooWide(): CdbError {
    return new CdbError('INPUT', `This row has more than ${MAX_CSV_COLUMNS.toLocaleString('en')} fields, more columns than Excel allows: it cannot be a header of jobs.`, {
      context: { file: this.file, row: this.record - this.skipped },
      hint: 'Check that the file is a csv of jobs and that the delimiter is right (--delimiter).',
    });
  }
}
