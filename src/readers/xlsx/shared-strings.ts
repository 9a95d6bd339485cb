import { XlsxError } from './xlsx-error.js';
import { attribute, XmlScanner } from './xml-scanner.js';

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

/** What the shared strings table may hold (README, "Limits"): it is kept in memory whole. */
export interface SharedStringsLimits {
  /** The strings' text in all, as UTF-8 bytes. */
  bytes: number;
  /** How many strings. */
  count: number;
}

const FIRST_CHUNK = 64 * 1024;
const CHUNK_BYTES = 16 * 1048576;

function tooMany(what: string): XlsxError {
  return new XlsxError(`the shared strings table holds more than ${what}, this reader's limit for it`, 'limit');
}

/**
 * The shared strings table, kept as UTF-8 bytes in large buffers rather than as a million small
 * JS strings (each a slice that would keep its whole XML chunk alive), with 4 bytes of index per
 * string: a string ends where the next in its buffer starts. About a third of the memory, which
 * keeps a 1,000,000-row dry run under 200 MB, and bounded by the limits whatever the file holds.
 * A string is decoded when a cell asks for it.
 */
export class SharedStrings {
  private readonly chunks: Buffer[] = [];
  /** Bytes used in each chunk, and the index of the first string in it. */
  private readonly used: number[] = [];
  private readonly firstOf: number[] = [];
  private startOf = new Uint32Array(1024);
  count = 0;
  private bytes = 0;

  constructor(private readonly limits: SharedStringsLimits = { bytes: Number.MAX_SAFE_INTEGER, count: 2 ** 32 - 1 }) {}

  /** Room for the number of strings the file announces (`uniqueCount`), within the limit: no regrowing. */
  reserve(count: number): void {
    if (Number.isInteger(count) && count > this.startOf.length && this.count === 0) this.startOf = new Uint32Array(Math.min(count, this.limits.count) + 1);
  }

  add(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.count >= this.limits.count) throw tooMany(`${this.limits.count.toLocaleString('en')} strings`);
    if (this.bytes + bytes > this.limits.bytes) throw tooMany(`${Math.round(this.limits.bytes / 1048576)} MB of text`);
    let chunk = this.chunks.length - 1;
    if (chunk === -1 || (this.used[chunk] as number) + bytes > (this.chunks[chunk] as Buffer).length) {
      const previous = this.chunks[chunk]?.length ?? FIRST_CHUNK / 2;
      this.chunks.push(Buffer.allocUnsafe(Math.max(Math.min(previous * 2, CHUNK_BYTES), bytes)));
      this.used.push(0);
      this.firstOf.push(this.count);
      chunk++;
    }
    if (this.count === this.startOf.length) this.grow();
    const used = this.used[chunk] as number;
    (this.chunks[chunk] as Buffer).write(text, used, 'utf8');
    this.startOf[this.count] = used;
    this.used[chunk] = used + bytes;
    this.bytes += bytes;
    this.count++;
  }

  get(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    // The chunk holding it: few chunks, and cells mostly ask for strings near the last ones asked.
    let chunk = this.lastChunk;
    if ((this.firstOf[chunk] as number) > index || (this.firstOf[chunk + 1] ?? Number.POSITIVE_INFINITY) <= index) {
      let low = 0;
      let high = this.firstOf.length - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if ((this.firstOf[mid] as number) <= index) low = mid;
        else high = mid - 1;
      }
      chunk = low;
      this.lastChunk = chunk;
    }
    const start = this.startOf[index] as number;
    const next = index + 1;
    const end = next < this.count && next < (this.firstOf[chunk + 1] ?? Number.POSITIVE_INFINITY) ? (this.startOf[next] as number) : (this.used[chunk] as number);
    return end === start ? '' : (this.chunks[chunk] as Buffer).toString('utf8', start, end);
  }

  private lastChunk = 0;

  private grow(): void {
    const size = Math.min(this.startOf.length * 2, this.limits.count + 1);
    const startOf = new Uint32Array(Math.max(size, this.startOf.length + 1));
    startOf.set(this.startOf);
    this.startOf = startOf;
  }
}

/** Reads sharedStrings.xml as it streams in: the table cells of type `s` index into. */
export async function readSharedStrings(chunks: AsyncIterable<string>, part: string, maxPending: number, limits?: SharedStringsLimits): Promise<SharedStrings> {
  const strings = new SharedStrings(limits);
  const item = new StringItem(maxPending);
  let inItem = false;
  const scanner = new XmlScanner(
    {
      open(name, attributes, selfClosing) {
        // A self-closing <si/> is closed at once by the scanner: an empty string.
        if (name === 'si') inItem = true;
        else if (name === 'sst') strings.reserve(Number(attribute(attributes, 'uniqueCount') ?? attribute(attributes, 'count')));
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
