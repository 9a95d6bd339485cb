import { closeSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { processAlive } from '../util/process-alive.js';
import { CdbError } from '../errors.js';
import { createPrivateExclusive, stateProblem } from './private-file.js';

/**
 * Takes an exclusive lock file holding this process's pid, and returns what releases it. A lock
 * whose pid is gone (a killed run) is stale and taken over; one whose process is running is
 * refused with the error `busy` makes of its pid.
 */
export function lockPidFile(lock: string, busy: (pid: number) => CdbError): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = createPrivateExclusive(lock);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return () => {
        try {
          unlinkSync(lock);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if (error instanceof CdbError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw stateProblem(lock, error, 'a lock file in the state folder');
      let pid: number;
      try {
        pid = Number(readFileSync(lock, 'utf8').trim());
      } catch {
        continue; // released between the two calls: try again
      }
      if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || processAlive(pid))) throw busy(pid);
      try {
        unlinkSync(lock); // stale: its process is gone
      } catch {
        // another run took it over first: the next attempt says who holds it
      }
    }
  }
  throw new CdbError('LOCKED', 'Could not take the lock: another run keeps taking it.', { context: { file: lock }, hint: 'Run it again in a moment.' });
}
