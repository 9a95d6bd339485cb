import { stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CdbError } from '../errors.js';
import { temporaryPathFor } from './atomic-write.js';
import { errorCode, fileErrorReason } from './file-errors.js';

/** The nearest folder of `dir` that exists (the writer creates the rest). */
async function existingFolder(dir: string): Promise<string> {
  for (let at = dir; ; at = path.dirname(at)) {
    try {
      await stat(at);
      return at;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(at) === at) return at;
    }
  }
}

/**
 * Checks, before any request, that each output file can be written: it is not a folder, and a
 * temporary file can be made and removed in its folder (or the nearest one that exists). A path
 * that cannot be written is a USAGE error, so that nothing is sent whose results would be lost.
 */
export async function checkWritable(paths: readonly string[]): Promise<void> {
  for (const target of paths) {
    const file = path.resolve(target);
    const refuse = (why: string, cause?: unknown): never => {
      throw new CdbError('USAGE', `Cannot write ${target}: ${why}; nothing was sent.`, {
        cause,
        hint: 'Choose a file in a folder you can write to, then run it again.',
      });
    };
    const found = await stat(file).catch(() => undefined);
    if (found?.isDirectory()) refuse('it is a folder (name a file in it, like results.csv)');
    const folder = await existingFolder(path.dirname(file));
    const probe = folder === path.dirname(file) ? temporaryPathFor(file) : temporaryPathFor(path.join(folder, path.basename(file)));
    try {
      await writeFile(probe, '', { flag: 'wx' });
    } catch (error) {
      refuse(`${fileErrorReason(error)} (${errorCode(error) ?? 'error'}) in ${folder}`, error);
    }
    await unlink(probe).catch(() => undefined);
  }
}
