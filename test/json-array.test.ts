import { describe, expect, test } from '@jest/globals';
import { JsonElementTooLargeError, parseJsonArray } from '../src/api/json-array.js';

async function parseInChunks(text: string, size: number): Promise<unknown[]> {
  const bytes = Buffer.from(text);
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }
  const out: unknown[] = [];
  for await (const value of parseJsonArray(chunks())) out.push(value);
  return out;
}

describe('streaming JSON array parser', () => {
  test.each([
    '[]',
    '[1,2,3]',
    ' [ {"a":"x,]}\\"y","b":[1,[2]]} , "s\\\\", null ] ',
    '[{"title":"Åtgärd på Östra Ågatan","n":-1.5e3}]',
  ])('%s, cut into chunks of any size (even inside å and escapes)', async (text) => {
    for (const size of [1, 2, 3, 7, 1000]) expect(await parseInChunks(text, size)).toEqual(JSON.parse(text));
  });

  test.each([
    ['{"a":1}', /Expected a JSON array/],
    ['[1,2', /ended early/],
    ['x[1]', /Expected a JSON array/],
  ])('%s is an error', async (text, message) => {
    await expect(parseInChunks(text, 2)).rejects.toThrow(message);
  });

  test('strings full of backslashes and quotes, cut anywhere, read as JSON.parse reads them', async () => {
    const values = ['\\', '\\\\', '\\"', 'a\\\\\\"b', '"', '\\u00e5', '},{"x":]', '\\\\\\'];
    const text = JSON.stringify([...values.map((title) => ({ title })), ...values]);
    for (const size of [1, 2, 3, 5, 8, 13]) expect(await parseInChunks(text, size)).toEqual(JSON.parse(text));
  });

  test('one element longer than the limit is an error; the elements before it are read', async () => {
    const text = `[1,{"a":"${'x'.repeat(100)}"},3]`;
    const out: unknown[] = [];
    async function* chunks() {
      for (let i = 0; i < text.length; i += 10) yield text.slice(i, i + 10);
    }
    await expect((async () => {
      for await (const value of parseJsonArray(chunks(), { maxElementChars: 50 })) out.push(value);
    })()).rejects.toThrow(JsonElementTooLargeError);
    expect(out).toEqual([1]);
  });

  test('a long element takes linear time (a 15 MB string was 16 s when the text was searched again on every chunk)', async () => {
    const spaces = Buffer.alloc(16 * 1024, 32);
    async function* chunks() {
      yield Buffer.from('[{"title":"');
      for (let i = 0; i < 15 * 64; i++) yield spaces;
      yield Buffer.from('"},2]');
    }
    const started = Date.now();
    const out: unknown[] = [];
    for await (const value of parseJsonArray(chunks())) out.push(value);
    expect(out).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
