import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CdbError } from '../errors.js';
import { errorCode, fileErrorReason } from '../util/file-errors.js';
import { makeFolder } from '../util/make-folder.js';

/**
 * State files (journals, locks, run records, watermarks) are the tool's own: created 0600 in
 * folders 0700, and never opened through a symlink, so that a link planted in a shared state
 * folder cannot make the tool write into (or truncate) another file.
 */

const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** What a state folder problem means to the user, named and with what to do. */
export function stateProblem(target: string, error: unknown, what = 'the state folder'): CdbError {
  const code = errorCode(error);
  const why = code === 'EEXIST' ? 'a file is in the way of a folder' : code === 'EMLINK' ? fileErrorReason({ code: 'ELOOP' }) : fileErrorReason(error);
  return new CdbError('USAGE', `Cannot write ${what} (${why}).`, {
    cause: error,
    context: { file: target },
    hint: 'Point COREDINATION_STATE_DIR at a folder of your own that you can write, then run again; nothing was sent.',
  });
}

/** The folders the tool makes inside the state folder (and its 16-hex journal folders). */
const OWN_FOLDERS = new Set(['journals', 'runs', 'schedules']);
const isOwnFolder = (name: string) => OWN_FOLDERS.has(name) || /^[0-9a-f]{16}$/.test(name);

/**
 * Makes a folder (and its parents) owned by this user, 0700; an existing one is left as it is.
 * The folder and each of the tool's own folders above it, up to and including the state folder,
 * must be real folders: a link planted at `journals/` would take everything under it elsewhere.
 */
export function privateDir(dir: string): void {
  try {
    // Looked at before anything is made (a folder made through a link is made elsewhere), and after.
    realFolders(dir, false);
    makeFolder(dir, 0o700);
    realFolders(dir, true);
  } catch (error) {
    if (error instanceof CdbError) throw error;
    throw stateProblem((error as { path?: string }).path ?? dir, error);
  }
}

function realFolders(dir: string, made: boolean): void {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const info = lstatSync(at, { throwIfNoEntry: made });
    if (info && !info.isDirectory()) throw Object.assign(new Error('not a folder'), { code: info.isSymbolicLink() ? 'ELOOP' : 'ENOTDIR', path: at });
    if (!isOwnFolder(path.basename(at)) || path.dirname(at) === at) break;
  }
}

/**
 * Opens a state file for appending (created 0600 when new), refusing a symlink at its path.
 * Returns the file descriptor.
 */
export function openPrivateAppend(file: string): number {
  privateDir(path.dirname(file));
  try {
    const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NO_FOLLOW, 0o600);
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    }
    return fd;
  } catch (error) {
    throw stateProblem(file, error, `the file ${path.basename(file)} in the state folder`);
  }
}

/** Creates a state file that must not exist yet (a lock), 0600, refusing a symlink. */
export function createPrivateExclusive(file: string): number {
  privateDir(path.dirname(file));
  return openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW, 0o600);
}

/** Opens a state file for reading and writing (to repair it), refusing a symlink; undefined when absent. */
export function openPrivateUpdate(file: string): number | undefined {
  try {
    return openSync(file, constants.O_RDWR | NO_FOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw stateProblem(file, error, `the file ${path.basename(file)} in the state folder`);
  }
}

/** The text of a state file, read without following a symlink; undefined when there is none. */
export function readPrivate(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | NO_FOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw stateProblem(file, error, `the file ${path.basename(file)} in the state folder`);
  }
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
