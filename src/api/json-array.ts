import { StringDecoder } from 'node:string_decoder';

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const IN_STRING = /["\\]/g;
const OUTSIDE = /["{}[\],]/g;

/**
 * Parses a JSON array from a byte stream, yielding each element as soon as it is complete: the
 * scanner only finds where elements end (tracking depth and strings), and JSON.parse reads each
 * one. Memory holds one element at a time, never the whole array; it is several times faster
 * than a token-level streaming parser.
 */
export async function* parseJsonArray<T = unknown>(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<T> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  let pos = 0; // next character to scan
  let start = -1; // where the current element starts, once inside the array
  let depth = 0;
  let inString = false;
  let done = false;
  for await (const chunk of chunks) {
    if (done) continue;
    text += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    while (pos < text.length) {
      // Jump to the next character that matters: in a string, a quote or a backslash; outside,
      // a quote, a bracket, a brace or a comma.
      const pattern = inString ? IN_STRING : OUTSIDE;
      pattern.lastIndex = pos;
      const found = pattern.exec(text);
      if (!found) {
        if (!inString && depth === 0 && text.slice(pos).trim()) throw new SyntaxError('Expected a JSON array');
        pos = text.length;
        break;
      }
      if (!inString && depth === 0 && text.slice(pos, found.index).trim()) throw new SyntaxError('Expected a JSON array');
      pos = found.index;
      const c = text.charCodeAt(pos);
      pos++;
      if (inString) {
        if (c === BACKSLASH) pos++;
        else inString = false;
        continue;
      }
      if (c === QUOTE) inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        depth++;
        if (depth === 1) {
          if (c !== OPEN_ARRAY) throw new SyntaxError('Expected a JSON array');
          start = pos;
        }
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) {
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
      start = 0;
    }
  }
  if (!done) throw new SyntaxError('The JSON array ended early');
}
