import { writeSync } from 'node:fs';
import { CdbError } from '../errors.js';
import { fileErrorReason } from '../util/file-errors.js';

/**
 * Writes all of `text` at once or throws an OUTPUT error saying why (a full disk, a file size
 * limit): a record that must be on disk before its request leaves is never half-believed.
 */
export function writeChecked(fd: number, text: string, file: string, what: string): void {
  const bytes = Buffer.from(text);
  let written: number;
  try {
    written = writeSync(fd, bytes);
  } catch (error) {
    throw writeFailure(file, what, error);
  }
  if (written !== bytes.length) throw writeFailure(file, what, Object.assign(new Error('short write'), { code: 'ENOSPC' }));
}

function writeFailure(file: string, what: string, error: unknown): CdbError {
  return new CdbError('OUTPUT', `${what} could not be written (${fileErrorReason(error)}): the run stopped before sending anything it could not record.`, {
    cause: error,
    context: { file },
    hint: 'Free some space, then run the same command again: rows already done are skipped, and none is sent twice.',
  });
}
