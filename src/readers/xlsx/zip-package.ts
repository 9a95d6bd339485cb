import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { XlsxError } from './xlsx-error.js';

/**
 * A workbook's zip, read by its central directory: any part can be opened in any order, so the
 * reader does not depend on the order the writer put them in.
 */
export class ZipPackage {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
  ) {}

  static async open(file: string): Promise<ZipPackage> {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (error, opened) =>
        error ? reject(error) : resolve(opened),
      ),
    );
    const entries = new Map<string, yauzl.Entry>();
    try {
      await new Promise<void>((resolve, reject) => {
        zip.on('entry', (entry: yauzl.Entry) => {
          // Part names are case-insensitive (OPC); some writers add a leading slash or backslashes.
          const name = normalise(entry.fileName);
          if (entries.has(name)) return reject(new XlsxError(`the zip archive holds two parts named ${entry.fileName}, so it is ambiguous which one Excel would read`));
          if (entries.size >= MAX_ENTRIES) return reject(new XlsxError(`the zip archive holds more than ${MAX_ENTRIES} parts, more than any workbook has`, 'limit'));
          entries.set(name, entry);
          zip.readEntry();
        });
        zip.on('end', () => resolve());
        zip.on('error', reject);
        zip.readEntry();
      });
    } catch (error) {
      zip.close();
      throw error;
    }
    return new ZipPackage(zip, entries);
  }

  has(part: string): boolean {
    return this.entries.has(normalise(part));
  }

  /** The part names, as normalised (lower case, no leading slash). */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The whole of a small part as text, refused past `limit` bytes of XML. */
  async text(part: string, limit: number): Promise<string | undefined> {
    const entry = this.entries.get(normalise(part));
    if (!entry) return undefined;
    if (entry.uncompressedSize > limit) throw tooLarge(part, limit);
    const chunks: string[] = [];
    for await (const chunk of this.stream(part, limit)) chunks.push(chunk);
    return chunks.join('');
  }

  /**
   * A part as UTF-8 text in chunks. A character cut by a chunk boundary is carried over to the
   * next chunk (the mistake that turned å into two U+FFFD in exceljs). At most `limit` bytes are
   * inflated, whatever the zip's directory claims.
   */
  async *stream(part: string, limit: number): AsyncGenerator<string> {
    const entry = this.entries.get(normalise(part));
    if (!entry) throw new XlsxError(`the workbook has no part ${part}`);
    if (entry.uncompressedSize > limit) throw tooLarge(part, limit);
    const stream = await new Promise<Readable>((resolve, reject) =>
      this.zip.openReadStream(entry, (error, opened) => (error ? reject(error) : resolve(opened))),
    );
    const decoder = new StringDecoder('utf8');
    let bytes = 0;
    let first = true;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > limit) throw tooLarge(part, limit);
        let text = decoder.write(chunk);
        if (first && text.length) {
          first = false;
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          else if (chunk[0] === 0xff || chunk[0] === 0xfe) throw new XlsxError(`${part} is written in UTF-16, which this reader does not read`);
        }
        if (text) yield text;
      }
      const rest = decoder.end();
      if (rest) yield rest;
    } finally {
      stream.destroy();
    }
  }

  close(): void {
    this.zip.close();
  }
}

const MAX_ENTRIES = 100_000;

function normalise(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
}

function tooLarge(part: string, limit: number): XlsxError {
  return new XlsxError(`${part} is larger than ${Math.round(limit / 1048576)} MB unpacked, this reader's limit for that part`, 'limit');
}
