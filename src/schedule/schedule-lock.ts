import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { CdbError } from '../errors.js';
import { lockPidFile } from '../state/pid-lock.js';
import type { Schedule, ScheduleEntry } from './schedule-types.js';

const short = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * Where a schedule file's locks are: the state folder, one named by the file's absolute path and
 * one by the file itself (its device and inode), so that a second path to it (a symlink, a hard
 * link) and the same path to a new copy of it (an editor saves by replacing the file) both meet a
 * lock that is held.
 */
export function scheduleLockFiles(stateDir: string, schedule: Schedule, entry?: ScheduleEntry): string[] {
  const found = statSync(schedule.file, { throwIfNoEntry: false });
  const ids = [short(path.resolve(schedule.file)), ...(found ? [short(`${found.dev}:${found.ino}`)] : [])];
  return ids.map((id) => path.join(stateDir, 'schedules', entry ? `${id}.${short(entry.name)}.lock` : `${id}.lock`));
}

/** Takes every lock, or none: the first one held elsewhere throws, and those taken are let go. */
function lockAll(files: readonly string[], held: (pid: number) => CdbError): () => void {
  const taken: (() => void)[] = [];
  try {
    for (const file of files) taken.push(lockPidFile(file, held));
  } catch (error) {
    for (const release of taken.reverse()) release();
    throw error;
  }
  return () => {
    for (const release of taken.reverse()) release();
  };
}

/**
 * One daemon per schedule file: a second would run every export twice. Returns what releases it;
 * throws LOCKED naming the process that holds it.
 */
export function lockSchedule(stateDir: string, schedule: Schedule): () => void {
  return lockAll(scheduleLockFiles(stateDir, schedule), (pid) =>
    new CdbError('LOCKED', `Another schedule daemon is running this schedule file (process ${pid}); two would run every export twice.`, {
      context: { file: schedule.file },
      hint: `Stop that one first (kill ${pid}) if you mean to restart it; one daemon per schedule file.`,
    }),
  );
}

/** One run of an entry at a time, whether the daemon's or a `--once`. */
export function lockEntry(stateDir: string, schedule: Schedule, entry: ScheduleEntry): () => void {
  return lockAll(scheduleLockFiles(stateDir, schedule, entry), (pid) =>
    new CdbError('LOCKED', `another run of the ${entry.kind} "${entry.name}" of this schedule is going (process ${pid})`, {
      context: { file: schedule.file },
      hint: `Wait for it to finish, or stop it (kill ${pid}), then run again.`,
    }),
  );
}
