import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Makes a folder and its missing parents, one at a time (Node's own recursive mkdir never returns
 * for some paths, such as one under /proc). An existing folder is left as it is; a file in the
 * way, or a parent that cannot be written, throws the error of that step (EEXIST, ENOTDIR, EACCES…).
 */
export function makeFolder(dir: string, mode = 0o777): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const found = statSync(at, { throwIfNoEntry: false });
    if (found) {
      if (!found.isDirectory()) throw Object.assign(new Error(`not a folder: ${at}`), { code: at === path.resolve(dir) ? 'EEXIST' : 'ENOTDIR', path: at });
      break;
    }
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const at of missing) {
    try {
      mkdirSync(at, { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // made meanwhile: fine
    }
  }
}
