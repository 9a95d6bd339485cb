import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { writeChecked } from './journal.js';
import path from 'node:path';
import { CdbError } from '../errors.js';

/**
 * A run's record of what it did to the account, kept in the state folder so that `undo` can take
 * the run back: each job it creates (by uuid) and each job it updates with the attributes as
 * they were and as the run set them, written before the request leaves.
 */
export type RunEntry =
  | { t: 'run'; run: string; at: number; file: string; baseUrl: string; account: string }
  | { t: 'create'; row: number; uuid: string; after?: Record<string, unknown> }
  | { t: 'update'; row: number; uuid: string; id?: number; before: Record<string, unknown>; after: Record<string, unknown> }
  | { t: 'done'; row: number; uuid: string; outcome: string; id?: number; modified?: number }
  | { t: 'undone'; uuid: string; outcome: string };

/** A new run's id: its start time and a little randomness (`2026-11-27T01-02-03Z-a1b2`). */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().slice(0, 19).replace(/:/g, '-')}Z-${randomBytes(2).toString('hex')}`;
}

/** The folder of run records under the state folder. */
export function runsDir(stateDir: string): string {
  return path.join(stateDir, 'runs');
}

/** Where a run's record is. */
export function runFile(stateDir: string, run: string): string {
  if (!/^[\w-]+$/.test(run)) throw new CdbError('USAGE', `"${run}" is not a run id (they look like 2026-11-27T01-02-03Z-a1b2).`);
  return path.join(runsDir(stateDir), `${run}.jsonl`);
}

/** Appends entries with a synchronous, checked write: an entry is on disk before its request leaves. */
export class RunRecord {
  private fd: number | undefined;

  constructor(readonly file: string) {}

  open(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    this.fd = openSync(this.file, 'a');
  }

  append(entry: RunEntry): void {
    if (this.fd === undefined) throw new Error('run record not open');
    writeChecked(this.fd, `${JSON.stringify(entry)}\n`, this.file, "The run's record (kept for undo)");
  }

  close(): void {
    if (this.fd !== undefined) {
      fsyncSync(this.fd);
      closeSync(this.fd);
    }
    this.fd = undefined;
  }

  /** The entries of a record; a cut last line (a kill mid-write) is left out. */
  static read(file: string): RunEntry[] {
    if (!existsSync(file)) return [];
    const entries: RunEntry[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        entries.push(JSON.parse(line) as RunEntry);
      } catch {
        // a line cut by a kill: its request never left
      }
    }
    return entries;
  }
}
