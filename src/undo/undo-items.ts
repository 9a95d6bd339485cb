import type { Job } from '../api/types.js';
import type { RunEntry } from '../import/run-record.js';

/** One job a run changed, and what its record proves. */
export interface UndoItem {
  /** The job's uuid on the server. */
  uuid: string;
  /** The uuid the run sent (the import's journal knows the row by it). */
  sentUuid: string;
  id?: number;
  row: number;
  /** delete: the run created it; restore: the run updated it. */
  kind: 'delete' | 'restore';
  /** What the run sent. */
  sent: Job;
  /** restore: the job as it was right before the run's update (less the server's bookkeeping). */
  before?: Job;
  /** The job as the run left it; absent when the answer never came (the run was killed). */
  after?: Job;
  /** When the run gave up on an answer that never came (its last attempt had left by then). */
  endedAt?: number;
}

/** What a run's record says it did, less what an earlier undo took back. */
export interface RunItems {
  items: UndoItem[];
  /** Jobs the run wrote to that someone had made a moment before (a race): never deleted, listed. */
  notMade: UndoItem[];
  alreadyUndone: number;
  /** The items an earlier undo took back. */
  taken: UndoItem[];
  /** When the last of those was taken back (records of earlier versions did not say). */
  undoneAt?: number;
}

/**
 * The jobs a run created and updated, from its verified record: a create, or an update, written
 * before its request left, and how it ended. A request refused or never sent changed nothing; an
 * unanswered one may have. Nothing else is an item: undo never deletes a job its record does not
 * prove it created.
 */
export function runItems(entries: readonly RunEntry[]): RunItems {
  const byUuid = new Map<string, UndoItem & { outcome?: string }>();
  const undone = new Set<string>();
  let undoneAt: number | undefined;
  for (const entry of entries) {
    if (entry.t === 'create') byUuid.set(entry.uuid, { uuid: entry.uuid, sentUuid: entry.uuid, row: entry.row, kind: 'delete', sent: entry.sent });
    else if (entry.t === 'update') byUuid.set(entry.uuid, { uuid: entry.uuid, sentUuid: entry.uuid, id: entry.id, row: entry.row, kind: 'restore', sent: entry.sent, before: entry.before });
    else if (entry.t === 'done') {
      const item = byUuid.get(entry.uuid);
      if (!item) continue;
      item.outcome = entry.outcome;
      item.id = entry.id ?? item.id;
      item.after = entry.after;
      if (entry.at !== undefined) item.endedAt = entry.at;
      // The server made its own uuid for a POST: the job is known by that one.
      if (entry.jobUuid) item.uuid = entry.jobUuid;
    } else if (entry.t === 'undone') {
      undone.add(entry.uuid);
      if (entry.at !== undefined) undoneAt = Math.max(undoneAt ?? 0, entry.at);
    }
  }
  const items: UndoItem[] = [];
  const notMade: UndoItem[] = [];
  const taken: UndoItem[] = [];
  for (const { outcome, ...item } of byUuid.values()) {
    if (outcome !== undefined && outcome !== 'created' && outcome !== 'updated' && outcome !== 'unknown') continue;
    // A create that landed on a job made meanwhile is an update with no before-image: left alone.
    if (item.kind === 'delete' && outcome === 'updated') {
      if (!undone.has(item.uuid)) notMade.push(item);
      continue;
    }
    // An update whose job was deleted meanwhile made a new job: the run did create that one.
    const it: UndoItem = item.kind === 'restore' && outcome === 'created' ? { ...item, kind: 'delete' } : item;
    (undone.has(item.uuid) ? taken : items).push(it);
  }
  return { items, notMade, alreadyUndone: undone.size, taken, ...(undoneAt === undefined ? {} : { undoneAt }) };
}
