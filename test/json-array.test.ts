import { describe, expect, test } from '@jest/globals';
import { parseJsonArray } from '../src/api/json-array.js';

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
});
