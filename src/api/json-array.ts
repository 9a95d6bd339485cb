import { StringDecoder } from 'node:string_decoder';

const QUOTE = 34;
const COMMA = 44;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/** The most one element of a streamed array may hold, in characters (16 MB of text). */
export const MAX_ELEMENT_CHARS = 16 * 1048576;

/** One element of the array, or what comes before the array, is longer than the limit. */
export class JsonElementTooLargeError extends RangeError {
  override name = 'JsonElementTooLargeError';
  constructor(readonly limit: number) {
    super(`An element of the JSON array is longer than ${limit} characters`);
  }
}

/**
 * Parses a JSON array from a byte stream, yielding each element as soon as it is complete: the
 * scanner only finds where elements end (tracking depth and strings), and JSON.parse reads each
 * one. Memory holds one element at a time, never the whole array, and no element longer than
 * `maxElementChars`. Each chunk is scanned on its own and an element's pieces are joined only
 * when it ends: appending to one string and searching it again made a long element quadratic
 * (16 s for a 16 MB string). Strings, most of a job's text, are skipped with indexOf; the rest is
 * a plain character loop (a regular expression call per character that matters was twice as slow).
 */
export async function* parseJsonArray<T = unknown>(
  chunks: AsyncIterable<Buffer | string>,
  { maxElementChars = MAX_ELEMENT_CHARS }: { maxElementChars?: number } = {},
): AsyncGenerator<T> {
  const decoder = new StringDecoder('utf8');
  let depth = 0;
  let inString = false;
  let escaped = false; // the chunk before ended inside a string on a backslash that escapes
  let done = false;
  let pieces: string[] = []; // the current element, from chunks before this one
  let held = 0;
  const element = (text: string, from: number, to: number): string => {
    const tail = text.slice(from, to);
    const whole = pieces.length ? pieces.join('') + tail : tail;
    pieces = [];
    held = 0;
    return whole;
  };
  for await (const chunk of chunks) {
    if (done) continue;
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const end = text.length;
    let start = 0; // where the current element starts in this chunk
    let pos = 0;
    let backslash = -2; // the next backslash at or after pos, -2 when not looked for yet
    while (pos < end) {
      if (inString) {
        if (escaped) {
          escaped = false;
          pos++;
          continue;
        }
        const quote = text.indexOf('"', pos);
        if (backslash !== -1 && backslash < pos) backslash = text.indexOf('\\', pos);
        if (backslash >= 0 && (quote < 0 || backslash < quote)) {
          pos = backslash + 2;
          if (pos > end) escaped = true;
          continue;
        }
        if (quote < 0) break;
        pos = quote + 1;
        inString = false;
        continue;
      }
      const c = text.charCodeAt(pos++);
      if (depth === 0 && c !== OPEN_ARRAY && !isSpace(c)) throw new SyntaxError('Expected a JSON array');
      if (c === QUOTE) inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (++depth === 1) start = pos;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (--depth === 0) {
          const last = element(text, start, pos - 1).trim();
          if (last) yield JSON.parse(last) as T;
          done = true;
          break;
        }
      } else if (c === COMMA && depth === 1) {
        yield JSON.parse(element(text, start, pos - 1)) as T;
        start = pos;
      }
    }
    if (!done && depth > 0) {
      const rest = text.slice(start);
      pieces.push(rest);
      held += rest.length;
    }
    // Before the array only spaces are allowed and nothing is kept; inside it, the element so far.
    if (held > maxElementChars) throw new JsonElementTooLargeError(maxElementChars);
  }
  if (!done) throw new SyntaxError('The JSON array ended early');
}
