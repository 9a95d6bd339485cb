import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync } from 'node:fs';
import path from 'node:path';
import { CdbError } from '../errors.js';
import { writeChecked } from '../state/checked-write.js';
import { openPrivateAppend, readPrivate } from '../state/private-file.js';

/**
 * A run's record of what it did to the account, kept in the state folder so that `undo` can take
 * the run back: each job it creates (by uuid) and each job it updates with the attributes as
 * they were and as the run set them, written before the request leaves.
 */
export type RunEntry =
  | { t: 'run'; run: string; at: number; file: string; baseUrl: string; account: string; putIsPartial?: boolean; pid?: number }
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
    this.fd = openPrivateAppend(this.file);
  }

  /** Writes the entries in one checked write. */
  append(...entries: RunEntry[]): void {
    if (this.fd === undefined) throw new Error('run record not open');
    let text = '';
    for (const entry of entries) text += `${JSON.stringify(entry)}\n`;
    writeChecked(this.fd, text, this.file, "The run's record (kept for undo)");
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
    const bytes = readPrivate(file);
    if (!bytes) return [];
    const entries: RunEntry[] = [];
    for (const line of bytes.toString('utf8').split('\n')) {
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
