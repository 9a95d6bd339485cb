import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A temporary path beside `target`, in the same folder so that the final rename is atomic. */
export function temporaryPathFor(target: string): string {
  const dir = path.dirname(target);
  return path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes a whole file so that readers see the old content or the new, never a half-written one.
 * The temporary is made new (never through a link someone put there) with `mode` (less the umask),
 * and the rename replaces whatever is at the path, a symlink included, without following it.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, mode = 0o666): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = temporaryPathFor(target);
  try {
    await writeFile(temporary, data, { flag: 'wx', mode });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
