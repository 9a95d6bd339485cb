import { putCreated } from '../api/assumptions.js';
import type { CoredinationClient } from '../api/client.js';
import type { Job } from '../api/types.js';
import { ApiError } from '../errors.js';
import { withoutServerFields } from '../import/job-diff.js';
import { readJob } from '../api/read-job.js';
import { RunRecord } from '../import/run-record.js';
import type { Reporter } from '../reporter.js';
import { judge } from './judge.js';
import type { UndoPlan } from './plan-undo.js';
import type { UndoItem } from './undo-items.js';

/** How an undo ended. */
export interface UndoSummary {
  deleted: number;
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
  // A PUT that replaces the job must carry all of it, or it would clear what the run did not touch.
  return putIsPartial ? body : { ...withoutServerFields(job), ...body };
}

/**
 * Carries out a plan, one job at a time per slot: each job is read again right before it is
 * touched and judged again, so that a job changed or deleted since the plan was shown (the prompt
 * can wait for hours) is left alone and never made again. Each job taken back is recorded, so
 * that an interrupted undo resumes. The PUT mode is the one the run recorded.
 */
export async function applyUndo(
  client: CoredinationClient,
  stateDir: string,
  plan: UndoPlan,
  options: { concurrency?: number; signal?: AbortSignal; reporter?: Reporter } = {},
): Promise<UndoSummary> {
  const record = new RunRecord(plan.file, stateDir);
  record.resume(plan.lastMac);
  record.open();
  const summary: UndoSummary = { deleted: 0, restored: 0, changedSince: [], goneSince: [], failed: [] };
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
          try {
            await client.deleteJob(item.uuid);
            summary.deleted++;
          } catch (error) {
            if (!(error instanceof ApiError && error.status === 404)) throw error;
            summary.goneSince.push(item);
          }
          record.append({ t: 'undone', uuid: item.uuid, outcome: 'deleted' });
        } else if (verdict.act === 'restore' && job) {
          const answer = await client.putJob(item.uuid, restoreBody(item, job, plan.header.putIsPartial));
          if (putCreated(answer)) {
            // Deleted between the read and the write: the PUT made it again. Taken away at once.
            await client.deleteJob(item.uuid).catch(() => undefined);
            summary.goneSince.push(item);
            continue;
          }
          summary.restored++;
          record.append({ t: 'undone', uuid: item.uuid, outcome: 'restored' });
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
    record.close();
  }
  return summary;
}
