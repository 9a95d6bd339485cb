import { createHash, hash } from 'node:crypto';
import { createReadStream, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, truncateSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CdbError } from '../errors.js';
import { lockPidFile } from '../util/pid-lock.js';

/** How a row ended. */
export type Outcome = 'created' | 'updated' | 'unchanged' | 'skipped' | 'not-sent' | 'rejected' | 'failed' | 'unknown';

/** A journal line: a run's start (with what names its input), a row about to be sent, or how it ended. */
export type JournalEntry =
  | { t: 'run'; at: number; file: string; baseUrl: string; content?: string; name?: string }
  | { t: 'send'; row: number; at: number; hash: string; method: 'POST' | 'PUT'; uuid?: string }
  | { t: 'done'; row: number; at: number; outcome: Outcome; id?: number; uuid?: string; reason?: string; uuidKept?: boolean };

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

/** What a journal held, and what of it could not be read. */
export interface JournalState {
  rows: Map<number, RowState>;
  /** False when a POST's answer carried another uuid than the one sent: the server makes its own. */
  uuidKept?: boolean;
  /** A last line cut by a kill or a full disk: its request never left (lines are written first). */
  cutLastLine: boolean;
}

/** A short stable fingerprint of a payload. */
export function payloadHash(payload: unknown): string {
  return hash('sha1', JSON.stringify(payload), 'base64url').slice(0, 16);
}

/** SHA-256 of a file's bytes: what names an input whatever its path. */
export async function contentHash(file: string): Promise<string> {
  const digest = createHash('sha256');
  for await (const chunk of createReadStream(file)) digest.update(chunk as Buffer);
  return digest.digest('hex').slice(0, 32);
}

/** What names an import's work: the account, the mapping, and the input (by name and by content). */
export interface JournalIdentity {
  account: string;
  /** A fingerprint of the mapping's content (not its path). */
  mapping: string;
  input: string;
  content: string;
}

const short = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * Where an import's journal is: in the state folder, under the account and mapping, named after
 * the input's file name. An input moved to another folder keeps its journal; one renamed keeps
 * it when its content is the one an earlier run read; another spelling of the base URL
 * (`localhost`, `127.0.0.1`) or another results folder changes nothing.
 */
export function journalPath(stateDir: string, identity: JournalIdentity): string {
  const dir = path.join(stateDir, 'journals', short(`${identity.account}\0${identity.mapping}`));
  const byName = path.join(dir, `${path.basename(identity.input).replace(/[^\w.-]+/g, '_').slice(0, 80)}.${short(path.basename(identity.input))}.jsonl`);
  if (existsSync(byName) || !existsSync(dir)) return byName;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.jsonl')) continue;
    const file = path.join(dir, name);
    const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
    try {
      const entry = JSON.parse(first) as JournalEntry;
      if (entry.t === 'run' && entry.content === identity.content) return file;
    } catch {
      // an unreadable journal is not this input's
    }
  }
  return byName;
}

/**
 * An append-only record of each row before its request and after its answer. A row about to be
 * sent is written with a synchronous write whose length is checked, so that its line is with the
 * operating system before the request leaves: a killed process loses nothing it had sent, and a
 * write that fails (a full disk) stops the run before the request. Outcomes ride along with the
 * next such write; the journal is flushed to disk (fsync) when a run starts and ends.
 */
export class Journal {
  private fd: number | undefined;
  private noted = '';

  constructor(readonly file: string) {}

  /** What the journal knows, by row number. A damaged line other than a cut last one stops the run. */
  load(): JournalState {
    const state: JournalState = { rows: new Map(), cutLastLine: false };
    if (!existsSync(this.file)) return state;
    const lines = readFileSync(this.file, 'utf8').split('\n');
    const last = lines.length - 1; // the text after the final newline: '' when the file is whole
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (!line) continue;
      let entry: JournalEntry | null;
      try {
        entry = JSON.parse(line) as JournalEntry | null;
      } catch {
        entry = null;
      }
      if (entry === null || typeof entry !== 'object' || !['run', 'send', 'done'].includes(entry.t)) {
        if (i === last) {
          state.cutLastLine = true;
          continue;
        }
        throw new CdbError('INPUT', `The import's journal is damaged at line ${i + 1}: the rows it names cannot be accounted for, so nothing is sent.`, {
          context: { file: this.file },
          hint: 'Check the jobs on the server (export them), then either repair that line, or run with --fresh to start a new journal: with --fresh, rows this journal recorded as created are sent again unless the mapping has a key.',
        });
      }
      if (entry.t === 'send') {
        const before = state.rows.get(entry.row);
        state.rows.set(entry.row, { hash: entry.hash, sentAt: entry.at, method: entry.method, uuid: entry.uuid, id: before?.hash === entry.hash ? before.id : undefined });
      } else if (entry.t === 'done') {
        const row = state.rows.get(entry.row);
        if (row) Object.assign(row, { outcome: entry.outcome, id: entry.id ?? row.id, uuid: entry.uuid ?? row.uuid });
        if (entry.uuidKept !== undefined) state.uuidKept = entry.uuidKept;
      }
    }
    return state;
  }

  /** Starts writing; `fresh` moves an earlier journal aside first. */
  open(fresh: boolean): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    if (fresh && existsSync(this.file)) renameSync(this.file, `${this.file}.${Date.now()}.old`);
    // A line cut by a kill or a full disk is cut off, so that the next line starts clean.
    if (existsSync(this.file)) {
      const text = readFileSync(this.file);
      if (text.length && text[text.length - 1] !== 0x0a) truncateSync(this.file, text.lastIndexOf(0x0a) + 1);
    }
    this.fd = openSync(this.file, 'a');
  }

  /** Writes the entry now, after the outcomes noted since the last write; throws when the disk refuses. */
  append(entry: JournalEntry): void {
    if (this.fd === undefined) throw new Error('journal not open');
    const text = `${this.noted}${JSON.stringify(entry)}\n`;
    this.noted = '';
    this.write(text);
    if (entry.t === 'run') fsyncSync(this.fd);
  }

  private write(text: string): void {
    writeChecked(this.fd as number, text, this.file, "The import's journal");
  }

  /** An outcome: written with the next entry, or at close. */
  note(entry: JournalEntry & { t: 'done' }): void {
    this.noted += `${JSON.stringify(entry)}\n`;
  }

  close(): void {
    if (this.fd !== undefined) {
      try {
        if (this.noted) this.write(this.noted);
        fsyncSync(this.fd);
      } finally {
        this.noted = '';
        closeSync(this.fd);
        this.fd = undefined;
      }
    }
  }
}

/** Writes all of `text` or throws an OUTPUT error saying why (a full disk, a file size limit). */
export function writeChecked(fd: number, text: string, file: string, what: string): void {
  const bytes = Buffer.from(text);
  let written: number;
  try {
    written = writeSync(fd, bytes);
  } catch (error) {
    throw writeFailure(file, what, error);
  }
  if (written !== bytes.length) throw writeFailure(file, what, Object.assign(new Error('short write'), { code: 'ENOSPC' }));
}

function writeFailure(file: string, what: string, error: unknown): CdbError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EFBIG' ? 'the file is larger than this system allows' : code === 'EDQUOT' ? 'the disk quota is used up' : code === 'EROFS' ? 'the disk is read-only' : (error as Error)?.message;
  return new CdbError('OUTPUT', `${what} could not be written (${why}): the run stopped before sending anything it could not record.`, {
    context: { file },
    hint: 'Free some space, then run the same command again: rows already done are skipped, and none is sent twice.',
  });
}

/**
 * One import per journal at a time: an exclusive lock file holding the owner's pid. A lock whose
 * pid is gone (a killed run) is stale and taken over.
 */
export function lockJournal(journalFile: string): () => void {
  return lockPidFile(
    `${journalFile}.lock`,
    (pid) =>
      new CdbError('LOCKED', `Another import of this file into this account is running (process ${pid}).`, {
        context: { file: journalFile },
        hint: `Wait for it to finish, or stop it (kill ${pid}), then run again. Two at once would each send every row.`,
      }),
  );
}
