import { createHash, hash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, ftruncateSync, fstatSync, lstatSync, readdirSync, readSync, renameSync, type Stats } from 'node:fs';
import path from 'node:path';
import { CdbError } from '../errors.js';
import { writeChecked } from '../state/checked-write.js';
import { createPrivateExclusive, openPrivateAppend, openPrivateUpdate, readPrivate } from '../state/private-file.js';
import { lockPidFile } from '../state/pid-lock.js';
import { normaliseHeader } from '../mapping/bind-header.js';
import type { Mapping } from '../mapping/types.js';
import type { JournalEntry } from './journal-entry.js';
import { readLegacyJournals } from './legacy-journal.js';

export type { JournalEntry, Outcome } from './journal-entry.js';

/** The jobs this journal made for one payload, and the sends of it whose answer never came. */
export interface PayloadRecord {
  created: { uuid: string; id?: number }[];
  /** Uuids sent without an answer: settled by looking them up. */
  pending: string[];
}

/** What a journal holds: by payload, not by row, so inserted, moved and repeated rows are known. */
export interface JournalState {
  payloads: Map<string, PayloadRecord>;
  /** False when a POST's answer carried another uuid than the one sent: the server makes its own. */
  uuidKept?: boolean;
  /** A last line cut by a kill or a full disk: its request never left (lines are written first). */
  cutLastLine: boolean;
}

/** A short stable fingerprint of a payload: what an unkeyed row is known by. */
export function payloadHash(payload: unknown): string {
  return hash('sha1', JSON.stringify(payload), 'base64url').slice(0, 16);
}

/** What names an import's work: the account and what of the mapping makes a job the same job. */
export interface JournalIdentity {
  account: string;
  mapping: string;
}

const short = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * What of a mapping names its journal: the resource, the key's field and the namespace, which decide
 * which job a row stands for. Not its headers, aliases, formats, comments or settings (rate,
 * concurrency): a row's payload says what it sends, so a mapping edited in those keeps its journal
 * and a re-run still knows what was sent.
 */
export function mappingIdentity(mapping: Pick<Mapping, 'resource' | 'key' | 'namespace' | 'columns'>): string {
  return payloadHash({ resource: mapping.resource, key: keyFieldOf(mapping) ?? null, namespace: mapping.namespace?.toLowerCase() ?? null });
}

/** The field the key column fills (its header may be renamed without changing what it names). */
function keyFieldOf(mapping: Pick<Mapping, 'key' | 'columns'>): string | undefined {
  if (mapping.key === undefined) return undefined;
  const wanted = normaliseHeader(mapping.key);
  const column = mapping.columns.find((c) => [c.column, ...c.aliases].some((name) => name !== undefined && normaliseHeader(name) === wanted));
  return column?.field ?? mapping.key;
}


/** The folder of one account's and mapping's journal (and of the older per-file journals). */
export function journalDir(stateDir: string, identity: JournalIdentity): string {
  return path.join(stateDir, 'journals', short(`${identity.account}\0${identity.mapping}`));
}

/**
 * Where an import's journal is: in the state folder, one per account and mapping, whatever the
 * input file is called or where it is, so that a daily file of the same name, a renamed file and
 * a file with rows inserted all meet the same record of what was sent.
 */
export function journalPath(stateDir: string, identity: JournalIdentity): string {
  return path.join(journalDir(stateDir, identity), 'journal.jsonl');
}

/**
 * Earlier versions named a journal's folder by the mapping's whole content. When this identity
 * has no folder yet and that one exists, it is moved here, and a note at the old name says where
 * to, for the run records that name the old path (undo follows it: `followMovedJournal`).
 */
export function adoptEarlierJournal(stateDir: string, identity: JournalIdentity, earlier: JournalIdentity): void {
  const now = journalDir(stateDir, identity);
  const before = journalDir(stateDir, earlier);
  if (now === before || existsSync(now) || !lstatSafe(before)?.isDirectory()) return;
  try {
    renameSync(before, now);
  } catch {
    return; // another run moved it a moment before, or the folder cannot be written: said when the journal opens
  }
  const fd = createPrivateExclusive(before);
  try {
    writeChecked(fd, `${path.basename(now)}\n`, before, "The import's journal note");
  } finally {
    closeSync(fd);
  }
}

/** A journal path a run record names, or where it was moved to when its folder became a note. */
export function followMovedJournal(file: string): string {
  const dir = path.dirname(file);
  if (!lstatSafe(dir)?.isFile()) return file;
  const to = (readPrivate(dir)?.toString('utf8') ?? '').trim();
  return /^[0-9a-f]{16}$/.test(to) ? path.join(path.dirname(dir), to, path.basename(file)) : file;
}

function lstatSafe(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

/** The state a journal's lines add up to, on top of what `state` already holds. */
export function replay(lines: Iterable<JournalEntry>, state: JournalState = { payloads: new Map(), cutLastLine: false }): JournalState {
  // Each uuid's latest word: sent (pending), created, or nothing made. A job an undo was about to
  // delete is pending (looked up by the next run) until the undo knows how its DELETE ended.
  const byUuid = new Map<string, { hash: string; status: 'pending' | 'created'; id?: number; undoing?: boolean }>();
  for (const [hash, record] of state.payloads) {
    for (const { uuid, id } of record.created) byUuid.set(uuid, { hash, status: 'created', id });
    for (const uuid of record.pending) byUuid.set(uuid, { hash, status: 'pending' });
  }
  for (const entry of lines) {
    if (entry.t === 'send') {
      const known = byUuid.get(entry.uuid);
      if (known?.status !== 'created') byUuid.set(entry.uuid, { hash: entry.hash, status: 'pending' });
    } else if (entry.t === 'done') {
      if (entry.outcome === 'created' || entry.outcome === 'updated' || entry.outcome === 'skipped') {
        byUuid.set(entry.uuid, { hash: entry.hash, status: 'created', id: entry.id ?? byUuid.get(entry.uuid)?.id });
      } else if (entry.outcome !== 'unknown') {
        if (byUuid.get(entry.uuid)?.status === 'pending') byUuid.delete(entry.uuid);
      }
    } else if (entry.t === 'server') {
      state.uuidKept = entry.uuidKept;
    } else if (entry.t === 'undo') {
      const known = byUuid.get(entry.uuid);
      if (known?.status === 'created') byUuid.set(entry.uuid, { ...known, status: 'pending', undoing: true });
    } else if (entry.t === 'undone') {
      const known = byUuid.get(entry.uuid);
      // Taken back: the row is no longer done, and the next run sends it again as new.
      if (entry.outcome !== 'kept') byUuid.delete(entry.uuid);
      else if (known?.undoing) byUuid.set(entry.uuid, { hash: known.hash, status: 'created', id: known.id });
    }
  }
  const payloads = new Map<string, PayloadRecord>();
  for (const [uuid, { hash, status, id }] of byUuid) {
    let record = payloads.get(hash);
    if (!record) payloads.set(hash, (record = { created: [], pending: [] }));
    if (status === 'created') record.created.push(id === undefined ? { uuid } : { uuid, id });
    else record.pending.push(uuid);
  }
  state.payloads = payloads;
  return state;
}

const KINDS = new Set(['run', 'send', 'done', 'server', 'undo', 'undone']);

/** A journal line as it must be: anything else is damage (or, last, a cut line). */
function parseLine(line: string): JournalEntry | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null || !KINDS.has((entry as { t?: unknown }).t as string)) return undefined;
  const e = entry as Record<string, unknown>;
  if (e.t === 'send' || e.t === 'done') {
    if (typeof e.hash !== 'string' || typeof e.uuid !== 'string') return undefined;
    if (e.t === 'done' && typeof e.outcome !== 'string') return undefined;
    if (e.id !== undefined && typeof e.id !== 'number') return undefined;
  }
  if (e.t === 'server' && typeof e.uuidKept !== 'boolean') return undefined;
  if ((e.t === 'undo' || e.t === 'undone') && typeof e.uuid !== 'string') return undefined;
  if (e.t === 'undone' && !['deleted', 'restored', 'kept'].includes(e.outcome as string)) return undefined;
  return entry as JournalEntry;
}

/**
 * An append-only record of each payload before its request and after its answer. Lines about to
 * be sent are written in one checked, synchronous write per batch of requests, so that each is
 * with the operating system before its request leaves: a killed process loses nothing it had
 * sent, and a write that fails (a full disk) stops the run before those requests. Outcomes ride
 * along with the next write; the file is flushed to disk (fsync) when a run starts and ends.
 */
export class Journal {
  private fd: number | undefined;
  private noted = '';

  constructor(readonly file: string) {}

  /**
   * What the journal knows. The older journals of this account and mapping (one per input file,
   * by row) are read too, so that what they sent is not sent again. A damaged line other than a
   * cut last one stops the run.
   */
  load(): JournalState {
    const state: JournalState = { payloads: new Map(), cutLastLine: false };
    replay(readLegacyJournals(path.dirname(this.file), this.file), state);
    const bytes = readPrivate(this.file);
    if (!bytes) return state;
    const lines = bytes.toString('utf8').split('\n');
    const last = lines.length - 1; // the text after the final newline: '' when the file is whole
    const entries: JournalEntry[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (!line) continue;
      const entry = parseLine(line);
      if (entry) {
        entries.push(entry);
        continue;
      }
      if (i === last) {
        state.cutLastLine = true;
        continue;
      }
      throw new CdbError('INPUT', `The import's journal is damaged at line ${i + 1}: what it sent cannot be accounted for, so nothing is sent.`, {
        context: { file: this.file },
        hint: 'Check the jobs on the server (export them) and repair or remove that line. Only if you want every row of this mapping sent again as new jobs, move the journal aside (or run with --fresh).',
      });
    }
    return replay(entries, state);
  }

  /** Starts writing; `fresh` moves the earlier journals of this account and mapping aside first. */
  open(fresh: boolean): void {
    if (fresh) {
      const stamp = Date.now();
      for (const name of readdirSafe(path.dirname(this.file))) {
        if (name.endsWith('.jsonl')) renameSync(path.join(path.dirname(this.file), name), path.join(path.dirname(this.file), `${name}.${stamp}.old`));
      }
    }
    // A line cut by a kill or a full disk is cut off, so that the next line starts clean.
    const repair = openPrivateUpdate(this.file);
    if (repair !== undefined) {
      try {
        const size = fstatSync(repair).size;
        if (size > 0) {
          const tail = Buffer.alloc(Math.min(size, 1 << 20));
          readSync(repair, tail, 0, tail.length, size - tail.length);
          if (tail[tail.length - 1] !== 0x0a) {
            const newline = tail.lastIndexOf(0x0a);
            ftruncateSync(repair, newline === -1 ? Math.max(0, size - tail.length) : size - tail.length + newline + 1);
          }
        }
      } finally {
        closeSync(repair);
      }
    }
    this.fd = openPrivateAppend(this.file);
  }

  /** Writes these entries now, after the outcomes noted since the last write; throws when the disk refuses. */
  append(...entries: JournalEntry[]): void {
    if (this.fd === undefined) throw new Error('journal not open');
    let text = this.noted;
    for (const entry of entries) text += `${JSON.stringify(entry)}\n`;
    this.noted = '';
    writeChecked(this.fd, text, this.file, "The import's journal");
    if (entries.some((e) => e.t === 'run')) fsyncSync(this.fd);
  }

  /** An outcome: written with the next entries, or at close. */
  note(entry: JournalEntry): void {
    this.noted += `${JSON.stringify(entry)}\n`;
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      if (this.noted) writeChecked(this.fd, this.noted, this.file, "The import's journal");
      fsyncSync(this.fd);
    } finally {
      this.noted = '';
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * One import per journal at a time (per account and mapping): an exclusive lock file holding the
 * owner's pid. A lock whose pid is gone (a killed run) is stale and taken over.
 */
export function lockJournal(journalFile: string): () => void {
  return lockPidFile(
    `${journalFile}.lock`,
    (pid) =>
      new CdbError('LOCKED', `Another import into this account with this mapping is running (process ${pid}).`, {
        context: { file: journalFile },
        hint: `Wait for it to finish, or stop it (kill ${pid}), then run again. Two at once could each send the same rows.`,
      }),
  );
}
