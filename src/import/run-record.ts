import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, fsyncSync } from 'node:fs';
import path from 'node:path';
import type { Job } from '../api/types.js';
import type { ValueContext } from './job-diff.js';
import { CdbError } from '../errors.js';
import { writeChecked } from '../state/checked-write.js';
import { openPrivateAppend, readPrivate } from '../state/private-file.js';
import { stateKey } from '../state/state-key.js';
import { lockPidFile } from '../state/pid-lock.js';

/**
 * A run's record of what it did to the account, kept in the state folder so that `undo` can take
 * the run back. Written before each request leaves: the job a create sends, and for an update
 * the whole job as it was right before it (read then) and what was sent; after the answer, the
 * job as the run left it. The header names the import's journal (relative to the state folder),
 * so that an undo makes the journal forget the rows it takes back. Every line is signed, chained
 * to the line before, with the state folder's key: a record changed by hand does not verify, and
 * undo refuses it.
 */
export type RunEntry =
  | { t: 'run'; run: string; at: number; file: string; baseUrl: string; account: string; putIsPartial: boolean; uuidKept?: boolean; pid: number; words?: ValueContext; journal?: string }
  /** Before a create: the uuid it carries and what it sends. */
  | { t: 'create'; row: number; uuid: string; sent: Job }
  /** Before an update: the job as it was (all of it but the server's bookkeeping) and what is sent. */
  | { t: 'update'; row: number; uuid: string; id?: number; before: Job; sent: Job }
  /** An answer: how the write ended and the job as the run left it (when the answer held it). */
  | { t: 'done'; row: number; uuid: string; outcome: string; id?: number; jobUuid?: string; after?: Job; at?: number }
  /** What the server was seen to do with the uuid a POST carries. */
  | { t: 'server'; uuidKept: boolean }
  /** A job an undo took back (deleted or put back), and when. */
  | { t: 'undone'; uuid: string; outcome: string; at?: number }
  /** The run ended (not killed): everything it wrote is above. */
  | { t: 'end'; at: number };

/** A new run's id: its start time and a little randomness (`2026-11-27T01-02-03Z-a1b2`). */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().slice(0, 19).replace(/:/g, '-')}Z-${randomBytes(2).toString('hex')}`;
}

export const RUN_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[0-9a-f]{4}$/;

/** The folder of run records under the state folder. */
export function runsDir(stateDir: string): string {
  return path.join(stateDir, 'runs');
}

/** Where a run's record is. */
export function runFile(stateDir: string, run: string): string {
  if (!RUN_ID.test(run)) throw new CdbError('USAGE', `"${run}" is not a run id (they look like 2026-11-27T01-02-03Z-a1b2).`);
  return path.join(runsDir(stateDir), `${run}.jsonl`);
}

/** The attributes the server keeps for itself: never what a run or a person changed. */
const BOOKKEEPING = new Set(['id', 'created', 'modified', 'state', 'reported']);

/** A job less the server's bookkeeping: what "changed since" compares. */
export function jobImage(job: Job): Job {
  const image: Job = {};
  for (const [key, value] of Object.entries(job)) if (!BOOKKEEPING.has(key)) image[key] = value;
  return image;
}

function sign(key: Buffer, previous: string, text: string): string {
  return createHmac('sha256', key).update(previous).update('\n').update(text).digest('base64url').slice(0, 32);
}

/** Appends signed entries with a synchronous, checked write: an entry is on disk before its request leaves. */
export class RunRecord {
  private fd: number | undefined;
  private last = '';
  private readonly key: Buffer;

  constructor(
    readonly file: string,
    stateDir: string,
  ) {
    this.key = stateKey(stateDir);
  }

  open(): void {
    this.fd = openPrivateAppend(this.file);
  }

  /** Writes the entries in one checked write, each signed and chained to the one before. */
  append(...entries: RunEntry[]): void {
    if (this.fd === undefined) throw new Error('run record not open');
    let text = '';
    for (const entry of entries) {
      const json = JSON.stringify(entry);
      this.last = sign(this.key, this.last, json);
      text += `${json.slice(0, -1)}${json === '{}' ? '' : ','}"mac":"${this.last}"}\n`;
    }
    writeChecked(this.fd, text, this.file, "The run's record (kept for undo)");
  }

  /** Continues a record read with `read` (an undo appends what it took back). */
  resume(lastMac: string): void {
    this.last = lastMac;
  }

  close(): void {
    if (this.fd !== undefined) {
      fsyncSync(this.fd);
      closeSync(this.fd);
    }
    this.fd = undefined;
  }

  /**
   * The entries of a record, every line verified. A cut last line (a kill mid-write) is left out;
   * anything else that does not verify (a line edited, added or removed, a missing header, a
   * record of an earlier version, which did not sign) refuses the whole record.
   */
  static read(file: string, stateDir: string): { entries: RunEntry[]; lastMac: string } {
    const bytes = readPrivate(file);
    if (!bytes) return { entries: [], lastMac: '' };
    const key = stateKey(stateDir);
    const lines = bytes.toString('utf8').split('\n');
    const entries: RunEntry[] = [];
    let last = '';
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (!line) continue;
      const refuse = (why: string) =>
        new CdbError('INPUT', `This run's record cannot be trusted (${why}, line ${i + 1}), so undo will not act on it.`, {
          context: { file },
          hint: 'The record was changed after the import wrote it, or it was written by an earlier version of this tool (which did not sign its records). Check the jobs of that run by hand (its results file lists them).',
        });
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        if (i === lines.length - 1) break; // cut by a kill: its request never left
        throw refuse('a line is not a record entry');
      }
      const { mac, ...entry } = parsed;
      if (typeof mac !== 'string') throw refuse('a line is not signed');
      const expected = sign(key, last, JSON.stringify(entry));
      if (mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) throw refuse('a line does not verify');
      if (entries.length === 0 && entry.t !== 'run') throw refuse('the header is missing');
      last = mac;
      entries.push(entry as RunEntry);
    }
    return { entries, lastMac: last };
  }
}

/**
 * One process at a time works on a run: the import while it runs, an undo while it plans and
 * takes the run back. A lock left by a killed process is taken over.
 */
export function lockRun(stateDir: string, run: string, doing: 'import' | 'undo'): () => void {
  return lockPidFile(`${runFile(stateDir, run)}.lock`, (pid) =>
    doing === 'undo'
      ? new CdbError('LOCKED', `Run ${run} is still going, or being undone (process ${pid}): it cannot be undone now.`, {
          hint: `Wait for it to finish (or stop it: kill ${pid}), then run undo again.`,
        })
      : new CdbError('LOCKED', `Run ${run} is being undone (process ${pid}).`, { hint: 'Wait for the undo to finish.' }),
  );
}
