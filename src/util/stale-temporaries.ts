import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { processAlive } from './process-alive.js';

/**
 * Removes temporary files that a killed run left beside `target` (`.name.<pid>.<random>.tmp`),
 * leaving those of runs still going.
 */
export async function removeStaleTemporaries(target: string): Promise<string[]> {
  const dir = path.dirname(path.resolve(target));
  const prefix = `.${path.basename(target)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) {
      await rm(path.join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}
