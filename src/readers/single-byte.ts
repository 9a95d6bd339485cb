import { Transform, type TransformCallback } from 'node:stream';

/** The part of iconv-lite this file uses: decoding one buffer. */
interface Decoder {
  decode(bytes: Buffer, encoding: string): string;
}

/**
 * A byte its encoding does not define (0x81 in Windows-1252) is decoded to this private-use
 * character plus the byte, so that the cell holding it can say which byte it was. iconv-lite
 * makes every such byte U+FFFD, which then reads as if the file held that character.
 */
const MARK = 0xe000;
const MARKS = /[\uE000-\uE0FF]/;

/**
 * A decoder for a single-byte encoding (Windows-1252, ISO-8859-x, Mac Roman): each byte to the
 * character iconv-lite's own table gives it, an undefined byte to its mark. Undefined for an
 * encoding that is not one byte per character, or whose table holds a private-use character.
 */
export function singleByteDecoder(iconv: Decoder, encoding: string): (() => Transform) | undefined {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const table = Array.from({ length: 256 }, (_, i) => iconv.decode(all.subarray(i, i + 1), encoding));
  if (table.some((char) => char.length !== 1 || MARKS.test(char)) || iconv.decode(all, encoding) !== table.join('')) return undefined;
  // Two bytes of UTF-16 per input byte, as iconv-lite's own single-byte codec decodes.
  const units = Buffer.alloc(512);
  table.forEach((char, byte) => units.writeUInt16LE(char === '\uFFFD' ? MARK + byte : char.charCodeAt(0), 2 * byte));
  return () => new Transform({
    encoding: 'utf8',
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
      const out = Buffer.allocUnsafe(2 * chunk.length);
      for (let i = 0; i < chunk.length; i++) {
        const at = 2 * (chunk[i] as number);
        out[2 * i] = units[at] as number;
        out[2 * i + 1] = units[at + 1] as number;
      }
      done(null, out.toString('utf16le'));
    },
  });
}

/**
 * Why a cell holding marked bytes cannot be read, naming the bytes, where the first one is and
 * what to do; undefined for a cell without any.
 */
export function undefinedBytes(cell: string, encoding: string, guessed: boolean): string | undefined {
  const first = cell.search(MARKS);
  if (first < 0) return undefined;
  const marks = [...cell.matchAll(/[\uE000-\uE0FF]/g)].map((match) => hex(match[0]));
  const bytes = [...new Set(marks)];
  const before = cell.slice(Math.max(0, first - 20), first).replace(/[\uE000-\uE0FF]/g, '');
  const where = first === 0 ? 'at the start' : `after "${before}"`;
  const named = bytes.length === 1 ? `byte ${bytes[0]}` : `bytes ${bytes.slice(0, -1).join(', ')} and ${bytes.at(-1)}`;
  return `the cell holds ${named} (${marks.length === 1 ? '' : 'the first '}${where}), which ${encoding}, the encoding ${guessed ? 'guessed' : 'given'} for the file, does not define: the file is in another encoding or damaged; save it as "CSV UTF-8" in Excel, or give its encoding (--encoding, or encoding: in the mapping; a Mac's older files are macintosh)`;
}

/** Whether a cell decoded by {@link singleByteDecoder} holds a byte its encoding does not define. */
export function hasMarks(cell: string): boolean {
  return MARKS.test(cell);
}

/** The text of a cell without its marked bytes: what the errors file keeps. */
export function withoutMarks(cell: string): string {
  return cell.replace(/[\uE000-\uE0FF]/g, '');
}

/** A header cell's marks as U+FFFD, as iconv-lite would have decoded them. */
export function marksAsReplacement(cell: string): string {
  return cell.replace(/[\uE000-\uE0FF]/g, '\uFFFD');
}

function hex(mark: string): string {
  return `0x${(mark.charCodeAt(0) - MARK).toString(16).toUpperCase().padStart(2, '0')}`;
}
