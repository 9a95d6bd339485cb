import { CdbError } from '../errors.js';

/** The error for a file that cannot be opened. */
export function unreadable(file: string, error: unknown): CdbError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
  return new CdbError('INPUT', `Cannot open the file (${reason}).`, { context: { file }, hint: 'Check the path and try again.' });
}
