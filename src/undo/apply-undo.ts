import path from 'node:path';
import { putCreated } from '../api/assumptions.js';
import type { CoredinationClient } from '../api/client.js';
import type { Job } from '../api/types.js';
import { ApiError } from '../errors.js';
import { withoutServerFields } from '../import/job-diff.js';
import { readJob } from '../api/read-job.js';
import { followMovedJournal, Journal, lockJournal } from '../import/journal.js';
import { RunRecord } from '../import/run-record.js';
import type { Reporter } from '../reporter.js';
import { judge } from './judge.js';
import type { UndoPlan } from './plan-undo.js';
import type { UndoItem } from './undo-items.js';
import { sameValue } from '../import/job-diff.js';

/** How an undo ended. */
export interface UndoSummary {
  /** Deleted, those in `lostAnswer` included. */
  deleted: number;
  /** Deleted though the DELETE's answer was lost: the job was gone when asked again (this undo, most likely). */
  lostAnswer: UndoItem[];
  restored: number;
  /** Changed (or deleted) between the plan and the moment undo came to it: left alone. */
  changedSince: { item: UndoItem; fields: string[]; why: string }[];
  goneSince: UndoItem[];
  failed: { item: UndoItem; reason: string }[];
}

/** The attributes the run changed, as they were before it: what a restoring PUT sends. */
function restoreBody(item: UndoItem, job: Job, putIsPartial: boolean): Job {
  const body: Job = {};
  for (const key of Object.keys(item.sent)) if (key !== 'uuid') body[key] = item.before?.[key] ?? null;
  // What the write changed beyond what it sent (a server whose PUT replaced the job cleared the
  // rest): put back too, as the job was before.
  if (item.before && item.after) {
    for (const [key, value] of Object.entries(item.before)) if (!(key in body) && key !== 'uuid' && !sameValue(value, item.after[key])) body[key] = value;
  }
  // A PUT that replaces the job must carry all of it, or it would clear what the run did not touch.
  return putIsPartial ? body : { ...withoutServerFields(job), ...body };
}

/** How undo's own DELETE ended: deleted; deleted with its answer lost; gone at the first try (by someone else); failed. */
type DeleteEnd = { ended: 'deleted' | 'lost' | 'gone' } | { ended: 'failed'; error: unknown; stillThere: boolean };

async function deleteOnce(client: CoredinationClient, uuid: string, signal?: AbortSignal): Promise<DeleteEnd> {
  let attempts = 0;
  try {
    await client.deleteJob(uuid, { beforeAttempt: () => void attempts++ });
    // An answer that says deleted is believed only once the job is gone: a server that answers
    // 204 and keeps the job would have the next import make it a second time.
    const after = await readJob(client, uuid, { signal }).catch(() => undefined);
    if (after === null) return { ended: 'deleted' };
    const error = new ApiError('HTTP', after === undefined ? 'the server answered the DELETE, but the job could not be read again to see that it is gone' : 'the server answered the DELETE, but the job is still there', { method: 'DELETE', path: `job/${uuid}` });
    return { ended: 'failed', error, stillThere: after !== undefined };
  } catch (error) {
    // A 404 to a DELETE sent again: the first one did it, and its answer was lost.
    if (error instanceof ApiError && error.status === 404) return { ended: attempts > 1 ? 'lost' : 'gone' };
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return { ended: 'failed', error, stillThere: true };
    // No answer that says (a dropped connection, a 500): the job, read again, says.
    const now = await readJob(client, uuid, { signal }).catch(() => undefined);
    if (now === null) return { ended: 'lost' };
    return { ended: 'failed', error, stillThere: now !== undefined };
  }
}

/**
 * The import's journal that the run wrote to, locked while the undo writes to it, so that a job
 * taken back is forgotten there and a re-import makes it again. Records of earlier versions do
 * not name it.
 */
function openJournal(stateDir: string, named: string | undefined): { journal?: Journal; unlock: () => void } {
  if (!named) return { unlock: () => {} };
  const file = followMovedJournal(path.resolve(stateDir, named));
  if (path.relative(path.resolve(stateDir, 'journals'), file).startsWith('..')) return { unlock: () => {} };
  const unlock = lockJournal(file);
  try {
    const journal = new Journal(file);
    journal.open(false);
    return { journal, unlock };
  } catch (error) {
    unlock();
    throw error;
  }
}

/**
 * Carries out a plan, one job at a time per slot: each job is read again right before it is
 * touched and judged again, so that a job changed or deleted since the plan was shown (the prompt
 * can wait for hours) is left alone and never made again. Each job taken back is recorded, so
 * that an interrupted undo resumes. The PUT mode is the one the run recorded. The import's journal
 * hears of each job right before its DELETE leaves (the next import looks it up, should the undo
 * be killed then) and once it is known gone, so that a re-import of the file makes it again; a
 * journal line never claims a deletion that did not happen.
 */
export async function applyUndo(
  client: CoredinationClient,
  stateDir: string,
  plan: UndoPlan,
  options: { concurrency?: number; signal?: AbortSignal; reporter?: Reporter } = {},
): Promise<UndoSummary> {
  const { journal, unlock } = openJournal(stateDir, plan.header.journal);
  const record = new RunRecord(plan.file, stateDir);
  record.resume(plan.lastMac);
  try {
    record.open();
  } catch (error) {
    journal?.close();
    unlock();
    throw error;
  }
  const summary: UndoSummary = { deleted: 0, lostAnswer: [], restored: 0, changedSince: [], goneSince: [], failed: [] };
  const queue = [...plan.deletes, ...plan.restores];
  const total = queue.length;
  let done = 0;
  const worker = async () => {
    for (let item = queue.shift(); item && !options.signal?.aborted; item = queue.shift()) {
      try {
        const job = await readJob(client, item.uuid, { signal: options.signal });
        const verdict = judge(item, job);
        if (verdict.act === 'gone') summary.goneSince.push(item);
        else if (verdict.act === 'leave') summary.changedSince.push({ item, fields: verdict.fields, why: `${verdict.why} (after the plan was made)` });
        else if (verdict.act === 'delete' && job) {
          journal?.append({ t: 'undo', at: Date.now(), uuid: item.sentUuid });
          const end = await deleteOnce(client, item.uuid, options.signal);
          if (end.ended === 'failed') {
            // Still there: the journal keeps the row as done. Not known: the next import looks it up.
            if (end.stillThere) journal?.append({ t: 'undone', at: Date.now(), uuid: item.sentUuid, outcome: 'kept' });
            throw end.error;
          }
          if (end.ended === 'gone') {
            summary.goneSince.push(item);
            journal?.append({ t: 'undone', at: Date.now(), uuid: item.sentUuid, outcome: 'kept' });
          } else {
            summary.deleted++;
            if (end.ended === 'lost') summary.lostAnswer.push(item);
            journal?.append({ t: 'undone', at: Date.now(), uuid: item.sentUuid, outcome: 'deleted' });
          }
          record.append({ t: 'undone', uuid: item.uuid, outcome: 'deleted', at: Date.now() });
        } else if (verdict.act === 'restore' && job) {
          const answer = await client.putJob(item.uuid, restoreBody(item, job, plan.header.putIsPartial));
          if (putCreated(answer)) {
            // Deleted between the read and the write: the PUT made it again. Taken away at once.
            await client.deleteJob(item.uuid).catch(() => undefined);
            summary.goneSince.push(item);
            continue;
          }
          summary.restored++;
          journal?.append({ t: 'undone', at: Date.now(), uuid: item.sentUuid, outcome: 'restored' });
          record.append({ t: 'undone', uuid: item.uuid, outcome: 'restored', at: Date.now() });
        }
      } catch (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) throw error;
        summary.failed.push({ item, reason: (error as Error).message });
      }
      options.reporter?.progress?.({ phase: 'undo', done: ++done, total });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  } finally {
    try {
      record.close();
      journal?.close();
    } finally {
      unlock();
    }
  }
  return summary;
}
