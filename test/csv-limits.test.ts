import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { renderError } from '../src/cli/render-error.js';
import { CdbError } from '../src/errors.js';
import { CSV_LIMITS } from '../src/readers/csv-reader.js';
import { readAll, tempDir } from './helpers/files.js';

/** A csv whose row 3 is one field of `bytes` bytes (written in chunks: no 40 MB string here). */
async function fileWithLongRow(bytes: number, quoted: boolean): Promise<string> {
  const file = path.join(await tempDir(), 'long-row.csv');
  const handle = await open(file, 'w');
  try {
    await handle.write('Title;Customer\nShort;Acme\n');
    if (quoted) await handle.write('"');
    const chunk = Buffer.alloc(1048576, 'x');
    for (let written = 0; written < bytes; written += chunk.length) await handle.write(chunk);
    await handle.write(quoted ? '";Acme\nAfter;Acme\n' : ';Acme\nAfter;Acme\n');
  } finally {
    await handle.close();
  }
  return file;
}

describe('csv limits', () => {
  test.each([false, true])('a 40 MB row (quoted: %s) stops the file with the limit and the row, exit 2', async (quoted) => {
    const file = await fileWithLongRow(40 * 1048576, quoted);
    const before = process.memoryUsage().rss;
    const error = await readAll(file).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(CdbError);
    const problem = error as CdbError;
    expect(problem.code).toBe('INPUT');
    expect(problem.message).toBe("This row is longer than 32 MB, this tool's limit for one csv row.");
    expect(problem.context).toEqual({ file, row: 3 });
    expect(renderError(problem).exitCode).toBe(2);
    // The record is cut off at the limit: well under a few copies of it.
    expect(process.memoryUsage().rss - before).toBeLessThan(8 * CSV_LIMITS.record);
    await rm(path.dirname(file), { recursive: true });
  });
});
