import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { describe, expect, test } from '@jest/globals';
import { CdbError } from '../src/errors.js';
import { moveTogether } from '../src/schedule/safe-move.js';
import { tempDir } from './helpers/files.js';

describe('moving a watched file', () => {
  test('a file another process moved away first is said so, not "This is a bug"', async () => {
    const dir = await tempDir();
    const into = path.join(dir, 'failed');
    await mkdir(into);
    const error = await moveTogether([[path.join(dir, 'gone.csv'), '.csv']], into, 'gone').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CdbError);
    expect((error as CdbError).message).toContain(`gone.csv is no longer in ${dir}: another process moved it away first`);
  });
});
