import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CdbError } from '../errors.js';
import { isTemporaryName } from './glob.js';
import { moveNoClobber } from './safe-move.js';
import type { ImportEntry } from './schedule-types.js';

/**
 * The folder inside the watched one where a file is while it is imported, with its results and
 * errors files (hidden, so never picked up; inside, so that moves are renames on one disk).
 */
export const WORK_FOLDER = '.coredination-batch';

/** A file being imported: where it is, and the name it came in under. */
export interface WorkFile {
  path: string;
  /** Its name in the watched folder, e.g. jobs.csv. */
  source: string;
}

/** `jobs.<16 hex of its content>.csv`: the name a file is imported under (see pickUp). */
const WORK_NAME = /^(.*)\.([0-9a-f]{16})(\.[^.]+)$/;

/** The entry's folders checked and made (archive, failed and work private), all on one disk; returns the work folder. */
export async function prepareFolders(entry: ImportEntry): Promise<string> {
  const where = `the watched folder ${entry.watch} of "${entry.name}"`;
  let watched;
  try {
    watched = await stat(entry.watch);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CdbError('USAGE', `${where[0]?.toUpperCase()}${where.slice(1)} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}.`, {
      hint: 'Create it (the ERP drops its files there), or fix watch: in the schedule file.',
    });
  }
  if (!watched.isDirectory()) throw new CdbError('USAGE', `${where[0]?.toUpperCase()}${where.slice(1)} is a file, not a folder.`);
  const work = path.join(entry.watch, WORK_FOLDER);
  for (const [key, folder] of [['archive', entry.archive], ['failed', entry.failed], ['work', work]] as const) {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    if ((await stat(folder)).dev !== watched.dev) {
      throw new CdbError('USAGE', `The ${key} folder ${folder} of "${entry.name}" is on another disk than ${entry.watch}; files are moved by renaming, which needs one disk.`, {
        hint: `Give ${key}: a folder on the same disk as the watched folder.`,
      });
    }
  }
  return work;
}

/**
 * What would stop an entry's folders from working, found without making anything (for
 * `schedule --next`): the watched folder missing or not a folder, or the archive or failed
 * folder, where it exists, on another disk. Undefined when they look right.
 */
export async function folderProblem(entry: ImportEntry): Promise<string | undefined> {
  let watched;
  try {
    watched = await stat(entry.watch);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `its watched folder ${entry.watch} ${code === 'ENOENT' ? 'does not exist: create it (the ERP drops its files there), or fix watch: in the schedule file' : `cannot be read (${code})`}`;
  }
  if (!watched.isDirectory()) return `its watched folder ${entry.watch} is a file, not a folder`;
  for (const [key, folder] of [['archive', entry.archive], ['failed', entry.failed]] as const) {
    const found = await stat(folder).catch(() => undefined);
    if (found && !found.isDirectory()) return `its ${key} folder ${folder} is a file, not a folder`;
    if (found && found.dev !== watched.dev) return `its ${key} folder ${folder} is on another disk than ${entry.watch} (files are moved by renaming, which needs one disk)`;
  }
  return undefined;
}

async function contentId(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex').slice(0, 16);
}

/** Files left in the work folder by a run that was stopped or killed, oldest first: they are continued before any other. */
export async function unfinished(work: string): Promise<WorkFile[]> {
  const found: { file: WorkFile; at: number }[] = [];
  for (const dirent of await readdir(work, { withFileTypes: true })) {
    const match = WORK_NAME.exec(dirent.name);
    if (!dirent.isFile() || !match) continue;
    const file = path.join(work, dirent.name);
    found.push({ file: { path: file, source: `${match[1]}${match[3]}` }, at: (await lstat(file)).ctimeMs });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.file);
}

/**
 * The oldest file of the watched folder that matches the pattern and has been unchanged for
 * `settle` (its content and its inode: the later of mtime and ctime, which a copy that keeps
 * times cannot set back), moved into the work folder under a name that holds a hash of its
 * content. The import's journal is named by the file's name: so the same file dropped again is
 * known by its content and sends nothing, and another file under a name used before (an ERP
 * that writes jobs.csv every night) is a new file. Symlinks and temporary names are left alone.
 */
export async function pickUp(entry: ImportEntry, work: string, now = Date.now()): Promise<WorkFile | undefined> {
  const candidates: { name: string; at: number }[] = [];
  for (const dirent of await readdir(entry.watch, { withFileTypes: true })) {
    if (!dirent.isFile() || isTemporaryName(dirent.name) || !entry.matches(dirent.name)) continue;
    try {
      const info = await lstat(path.join(entry.watch, dirent.name));
      const changed = Math.max(info.mtimeMs, info.ctimeMs);
      if (now - changed >= entry.settleMs) candidates.push({ name: dirent.name, at: changed });
    } catch {
      // gone since the listing
    }
  }
  candidates.sort((a, b) => a.at - b.at || a.name.localeCompare(b.name));
  for (const { name } of candidates) {
    const from = path.join(entry.watch, name);
    const ext = path.extname(name);
    try {
      const to = path.join(work, `${path.basename(name, ext)}.${await contentId(from)}${ext}`);
      await moveNoClobber(from, to);
      return { path: to, source: name };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EEXIST') continue; // gone meanwhile, or the same content is in the work folder already
      throw error;
    }
  }
  return undefined;
}
