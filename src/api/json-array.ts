import { StringDecoder } from 'node:string_decoder';

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * Parses a JSON array from a byte stream, yielding each element as soon as it is complete: the
 * scanner only finds where elements end (tracking depth and strings), and JSON.parse reads each
 * one. Memory holds one element at a time, never the whole array. Strings, most of a job's text,
 * are skipped with indexOf; the rest is a plain character loop (a regular expression call per
 * character that matters was twice as slow).
 */
export async function* parseJsonArray<T = unknown>(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<T> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  let pos = 0; // next character to scan
  let start = -1; // where the current element starts, once inside the array
  let depth = 0;
  let stringStart = -1; // inside a string: where its content starts
  let done = false;
  for await (const chunk of chunks) {
    if (done) continue;
    text += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const end = text.length;
    while (pos < end) {
      if (stringStart >= 0) {
        const quote = text.indexOf('"', pos);
        if (quote < 0) {
          pos = end;
          break;
        }
        // The quote ends the string unless an odd number of backslashes escapes it.
        let b = quote - 1;
        while (b >= stringStart && text.charCodeAt(b) === BACKSLASH) b--;
        pos = quote + 1;
        if ((quote - 1 - b) % 2 === 0) stringStart = -1;
        continue;
      }
      const c = text.charCodeAt(pos++);
      if (depth === 0 && c !== OPEN_ARRAY && !isSpace(c)) throw new SyntaxError('Expected a JSON array');
      if (c === QUOTE) stringStart = pos;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (++depth === 1) start = pos;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (--depth === 0) {
          const last = text.slice(start, pos - 1).trim();
          if (last) yield JSON.parse(last) as T;
          done = true;
          break;
        }
      } else if (c === COMMA && depth === 1) {
        yield JSON.parse(text.slice(start, pos - 1)) as T;
        start = pos;
      }
    }
    if (!done && start > 0) {
      // Drop what was consumed; keep the element in progress.
      text = text.slice(start);
      pos -= start;
      if (stringStart >= 0) stringStart -= start;
      start = 0;
    }
  }
  if (!done) throw new SyntaxError('The JSON array ended early');
}
