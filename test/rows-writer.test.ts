import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { openRowsWriter } from '../src/writers/rows-writer.js';
import { readAll, tempDir } from './helpers/files.js';

describe('csv writer', () => {
  test('a field with a line break (LF or a lone CR) is quoted, so other readers keep the row whole', async () => {
    const file = path.join(await tempDir(), 'out.csv');
    const writer = await openRowsWriter(file, { header: ['Title', 'Description'], format: 'csv', delimiter: ';' });
    await writer.write(['A', 'line 1\nline 2']);
    await writer.write(['B', 'cr\rinside']);
    await writer.close();
    const text = await readFile(file, 'utf8');
    expect(text).toContain('A;"line 1\nline 2"\r\n');
    expect(text).toContain('B;"cr\rinside"\r\n');
    expect((await readAll(file)).rows.map((r) => r.cells)).toEqual([
      ['A', 'line 1\nline 2'],
      ['B', 'cr\rinside'],
    ]);
  });
});
