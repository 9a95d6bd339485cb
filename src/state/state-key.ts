import { randomBytes } from 'node:crypto';
import { closeSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CdbError } from '../errors.js';
import { createPrivateExclusive, readPrivate, stateProblem } from './private-file.js';

const KEY_BYTES = 32;

/**
 * The state folder's own secret, made once (0600, never through a symlink): run records are
 * signed with it, so that a record changed by hand (a line added, removed or edited) is known,
 * and undo acts only on what the tool itself wrote.
 */
export function stateKey(stateDir: string): Buffer {
  const file = path.join(stateDir, 'key');
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = readPrivate(file);
    if (existing?.length === KEY_BYTES) return existing;
    if (existing) throw stateProblem(file, new Error('the state key is damaged (it is not the 32 bytes this tool wrote); move it aside, and know that the run records signed with it can no longer be undone'), 'the state key');
    const key = randomBytes(KEY_BYTES);
    let fd: number;
    try {
      fd = createPrivateExclusive(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue; // another run made it first
      if (error instanceof CdbError) throw error;
      throw stateProblem(file, error, 'the state key');
    }
    try {
      writeSync(fd, key);
    } finally {
      closeSync(fd);
    }
    return key;
  }
  throw stateProblem(file, new Error('it could not be read or made'), 'the state key');
}
