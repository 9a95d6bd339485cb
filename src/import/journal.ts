import { createHash, hash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

/** How a row ended. */
export type Outcome = 'created' | 'updated' | 'unchanged' | 'skipped' | 'rejected' | 'failed' | 'unknown';

/** A journal line: a row about to be sent, or how it ended. */
export type JournalEntry =
  | { t: 'run'; at: number; file: string; baseUrl: string }
  | { t: 'send'; row: number; at: number; hash: string; method: 'POST' | 'PUT'; uuid?: string }
  | { t: 'done'; row: number; at: number; outcome: Outcome; id?: number; uuid?: string; reason?: string };

/** What an earlier run knows of a row. */
export interface RowState {
  hash: string;
  /** When it was last sent. */
  sentAt: number;
  method: 'POST' | 'PUT';
  outcome?: Outcome;
  id?: number;
  uuid?: string;
}

/** A short stable fingerprint of a payload. */
export function payloadHash(payload: unknown): string {
  return hash('sha1', JSON.stringify(payload), 'base64url').slice(0, 16);
}

/**
 * The journal's path: beside the results, named after the input, and keyed by the input, mapping,
 * key and base URL, so that a run against another server or with another mapping starts afresh.
 */
export function journalPath(dir: string, input: string, identity: readonly string[]): string {
  const hash = createHash('sha256').update([path.resolve(input), ...identity].join('\0')).digest('hex').slice(0, 10);
  return path.join(dir, `.${path.basename(input)}.${hash}.journal.jsonl`);
}

/**
 * An append-only record of each row before its request and after its answer. A row about to be
 * sent is written with a synchronous write, so that its line is with the operating system before
 * the request leaves: a killed process loses nothing it had sent. Outcomes ride along with the
 * next such write (one system call a row instead of two); one lost to a kill in between is an
 * unanswered request to the next run, which PUTs a keyed row again and looks an unkeyed one up
 * on the server.
 */
export class Journal {
  private fd: number | undefined;
  private noted = '';

  constructor(readonly file: string) {}

  /** What the journal knows, by row number; a broken last line (a kill mid-write) is ignored. */
  load(): Map<number, RowState> {
    const states = new Map<number, RowState>();
    if (!existsSync(this.file)) return states;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        continue;
      }
      if (entry.t === 'send') {
        const before = states.get(entry.row);
        states.set(entry.row, { hash: entry.hash, sentAt: entry.at, method: entry.method, uuid: entry.uuid, id: before?.hash === entry.hash ? before.id : undefined });
      } else if (entry.t === 'done') {
        const state = states.get(entry.row);
        if (state) Object.assign(state, { outcome: entry.outcome, id: entry.id ?? state.id, uuid: entry.uuid ?? state.uuid });
      }
    }
    return states;
  }

  /** Starts writing; `fresh` moves an earlier journal aside first. */
  open(fresh: boolean): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    if (fresh && existsSync(this.file)) renameSync(this.file, `${this.file}.${Date.now()}.old`);
    this.fd = openSync(this.file, 'a');
  }

  /** Writes the entry now, after the outcomes noted since the last write. */
  append(entry: JournalEntry): void {
    if (this.fd === undefined) throw new Error('journal not open');
    const text = `${this.noted}${JSON.stringify(entry)}\n`;
    this.noted = '';
    writeSync(this.fd, text);
  }

  /** An outcome: written with the next entry, or at close. */
  note(entry: JournalEntry & { t: 'done' }): void {
    this.noted += `${JSON.stringify(entry)}\n`;
  }

  close(): void {
    if (this.fd !== undefined) {
      if (this.noted) writeSync(this.fd, this.noted);
      this.noted = '';
      closeSync(this.fd);
    }
    this.fd = undefined;
  }
}
