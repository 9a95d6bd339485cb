import { link, lstat, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { CdbError } from '../errors.js';

/** File systems without hard links (some network shares): there the move checks, then renames. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Moves a file to a path that must not exist, on the same disk, never overwriting: a hard link
 * (which fails when the name is taken, a dangling symlink included) then the old name removed.
 * Throws EEXIST when the name is taken; a move across disks is an OUTPUT error saying so.
 */
export async function moveNoClobber(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EXDEV') {
      throw new CdbError('OUTPUT', `Cannot move ${from} to ${path.dirname(to)}: it is on another disk, and files are moved by renaming.`, {
        hint: 'Put the archive and failed folders on the same disk as the watched folder.',
      });
    }
    if (code === 'ENOENT' && !(await exists(from))) {
      // Taken meanwhile: another daemon (another schedule file, or another state folder) watching the same folder.
      throw new CdbError('OUTPUT', `${path.basename(from)} is no longer in ${path.dirname(from)}: another process moved it away first (a second daemon watching this folder?).`, {
        hint: 'Let one schedule file, run by one daemon with one COREDINATION_STATE_DIR, watch each folder.',
      });
    }
    if (!NO_LINKS.has(code)) throw error;
    if (await exists(to)) throw Object.assign(new Error(`${to} exists`), { code: 'EEXIST' });
    await rename(from, to);
    return;
  }
  await unlink(from);
}

/**
 * Moves files into a folder under one free stem: `jobs.csv` with `jobs.results.csv` as they are,
 * or as `jobs-2.csv` and `jobs-2.results.csv` when a name is taken, so that nothing already
 * there is overwritten and a file keeps its results beside it. Each file is [path, what follows
 * the stem]; the first is moved last, so that it stays where it was until the rest have moved.
 * Returns where each went.
 */
export async function moveTogether(files: readonly (readonly [string, string])[], folder: string, stem: string): Promise<string[]> {
  const targets = await freeNames(path.join(folder, stem), files.map(([, suffix]) => suffix));
  for (let i = files.length - 1; i >= 0; i--) await moveNoClobber((files[i] as readonly [string, string])[0], targets[i] as string);
  return targets;
}

/**
 * The first names `base` + suffix that are all free (nothing there, not even a dangling link):
 * `jobs.csv`, else `jobs-2.csv`, `jobs-3.csv`…, one number for every suffix.
 */
export async function freeNames(base: string, suffixes: readonly string[]): Promise<string[]> {
  for (let n = 1; n < 10_000; n++) {
    const names = suffixes.map((suffix) => `${n === 1 ? base : `${base}-${n}`}${suffix}`);
    let taken = false;
    for (const name of names) if (await exists(name)) taken = true;
    if (!taken) return names;
  }
  throw new CdbError('OUTPUT', `${path.dirname(base)} holds 10,000 files named like ${path.basename(base)}; move some away.`);
}
