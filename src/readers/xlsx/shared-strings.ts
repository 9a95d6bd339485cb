import { XlsxError } from './xlsx-error.js';
import { XmlScanner } from './xml-scanner.js';

/**
 * `_xHHHH_` is how the format writes a character XML cannot carry (`_x000D_` for CR); `_x005F_`
 * escapes the underscore of a literal `_xHHHH_`. Decoded left to right, so `_x005F_x000D_` is
 * the text `_x000D_`.
 */
export function decodeEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Collects the text of a string item (`<si>` in the shared strings, `<is>` in a cell): plain
 * `<t>` and rich-text runs `<r><t>` joined; phonetic readings (`<rPh>`, Japanese Excel's
 * furigana) left out, since they are a reading aid and not the cell's text.
 */
export class StringItem {
  private parts: string[] = [];
  /** Characters collected so far, bounded by `limit` (rich runs and CDATA pieces add up). */
  length = 0;

  constructor(private readonly limit = Number.MAX_SAFE_INTEGER) {}

  private inText = false;
  private phonetic = 0;

  open(name: string, selfClosing: boolean): void {
    if (name === 'rPh') {
      if (!selfClosing) this.phonetic++;
    } else if (name === 't' && this.phonetic === 0 && !selfClosing) this.inText = true;
  }

  close(name: string): void {
    if (name === 'rPh') this.phonetic = Math.max(0, this.phonetic - 1);
    else if (name === 't') this.inText = false;
  }

  text(text: string): void {
    if (!this.inText) return;
    this.parts.push(text);
    this.length += text.length;
    if (this.length > this.limit) throw new XlsxError(`a text is longer than ${Math.round(this.limit / 1048576)} MB, this reader's limit for a cell`, 'limit');
  }

  /** The item's text, escapes decoded; the item is ready for the next one. */
  take(): string {
    const text = this.parts.length === 1 ? (this.parts[0] as string) : this.parts.join('');
    this.parts = [];
    this.length = 0;
    this.inText = false;
    this.phonetic = 0;
    return decodeEscapes(text);
  }
}

const CHUNK_BYTES = 16 * 1048576;
/** More strings than Excel's 1,048,576 rows × a few text columns: a table past it is hostile. */
export const MAX_STRINGS = 32 * 1048576;

/**
 * The shared strings table, kept as UTF-8 bytes in large buffers rather than as a million small
 * JS strings (each a slice that would keep its whole XML chunk alive): about a third of the
 * memory, which is what keeps a 1,000,000-row dry run under 200 MB. A string is decoded when a
 * cell asks for it.
 */
export class SharedStrings {
  private readonly chunks: Buffer[] = [];
  private current = Buffer.allocUnsafe(0);
  private used = 0;
  private chunkOf = new Uint16Array(1024);
  private startOf = new Uint32Array(1024);
  private lengthOf = new Uint32Array(1024);
  count = 0;

  add(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.used + bytes > this.current.length) {
      this.current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
      this.chunks.push(this.current);
      this.used = 0;
    }
    if (this.count === this.startOf.length) this.grow();
    if (this.count >= MAX_STRINGS) throw new XlsxError(`the shared strings table holds more than ${MAX_STRINGS.toLocaleString('en')} strings, this reader's limit`, 'limit');
    this.current.write(text, this.used, 'utf8');
    this.chunkOf[this.count] = this.chunks.length - 1;
    this.startOf[this.count] = this.used;
    this.lengthOf[this.count] = bytes;
    this.used += bytes;
    this.count++;
  }

  get(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    // An empty string may come before any chunk exists (an empty first entry, as the .NET Open XML SDK writes).
    if (this.lengthOf[index] === 0) return '';
    const start = this.startOf[index] as number;
    return (this.chunks[this.chunkOf[index] as number] as Buffer).toString('utf8', start, start + (this.lengthOf[index] as number));
  }

  private grow(): void {
    const size = this.startOf.length * 2;
    const chunkOf = new Uint16Array(size);
    chunkOf.set(this.chunkOf);
    const startOf = new Uint32Array(size);
    startOf.set(this.startOf);
    const lengthOf = new Uint32Array(size);
    lengthOf.set(this.lengthOf);
    this.chunkOf = chunkOf;
    this.startOf = startOf;
    this.lengthOf = lengthOf;
  }
}

/** Reads sharedStrings.xml as it streams in: the table cells of type `s` index into. */
export async function readSharedStrings(chunks: AsyncIterable<string>, part: string, maxPending: number): Promise<SharedStrings> {
  const strings = new SharedStrings();
  const item = new StringItem(maxPending);
  let inItem = false;
  const scanner = new XmlScanner(
    {
      open(name, _attributes, selfClosing) {
        // A self-closing <si/> is closed at once by the scanner: an empty string.
        if (name === 'si') inItem = true;
        else if (inItem) item.open(name, selfClosing);
      },
      close(name) {
        if (name === 'si') {
          if (inItem) strings.add(item.take());
          inItem = false;
        } else if (inItem) item.close(name);
      },
      text(text) {
        if (inItem) item.text(text);
      },
    },
    part,
    maxPending,
  );
  for await (const chunk of chunks) scanner.write(chunk);
  scanner.end();
  return strings;
}
