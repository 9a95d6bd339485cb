import type { Job } from '../api/types.js';
import { madeOf } from '../import/answer-checks.js';
import { sameValue } from '../import/job-diff.js';
import { jobImage } from '../import/run-record.js';
import type { UndoItem } from './undo-items.js';

/** What undo does with one job, as it is now. */
export type Verdict =
  | { act: 'delete' | 'restore' }
  | { act: 'leave'; fields: string[]; why: string }
  | { act: 'gone' }
  | { act: 'already' };

/** The top-level attributes in which two jobs differ (the server's bookkeeping aside). */
export function differing(a: Job, b: Job): string[] {
  const x = jobImage(a);
  const y = jobImage(b);
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((key) => !sameValue(x[key], y[key])).sort();
}

/**
 * Judges a job against what the run left, every attribute but the server's bookkeeping: the same
 * means it may be taken back; anything changed since (by anyone, in any field) means it is left
 * and listed; gone means it is never made again. A run whose answer never came is judged by what
 * it sent: a created job must hold exactly that and never have been modified since it was made
 * (`created` equal to `modified`); an updated job must be exactly the job before with what was
 * sent. What cannot be proven untouched is left.
 */
export function judge(item: UndoItem, job: Job | null): Verdict {
  if (!job) return { act: 'gone' };
  if (item.kind === 'restore' && item.before) {
    const touched = Object.keys(item.sent).filter((key) => key !== 'uuid');
    // Already as before (an earlier undo whose answer was lost): nothing to do.
    if (touched.every((key) => sameValue(job[key], item.before?.[key]))) return { act: 'already' };
  }
  if (item.after) {
    const fields = differing(job, item.after);
    return fields.length ? { act: 'leave', fields, why: 'changed since the run' } : { act: item.kind };
  }
  if (item.kind === 'delete') {
    const fields = Object.keys(item.sent).filter((key) => key !== 'uuid' && !sameValue(job[key], item.sent[key]));
    if (fields.length) return { act: 'leave', fields, why: 'changed since the run' };
    if (job.created === undefined || (job.created !== job.modified && !ownRetries(item, job))) return { act: 'leave', fields: [], why: "the run was stopped before the server's answer came, and the job has been modified since it was made" };
    return { act: 'delete' };
  }
  const expected = { ...item.before, ...item.sent };
  const fields = differing(job, expected);
  return fields.length ? { act: 'leave', fields, why: "the run was stopped before the server's answer came, and the job is not exactly what it left" } : { act: 'restore' };
}

/** Some seconds for the server's clock to be behind this machine's. */
const CLOCK_SLACK_MS = 5000;

/**
 * Whether a job modified after it was made was modified only by the run's own attempts: the run
 * gave up on their answers (it knows when), the job was last modified before that, and it holds
 * nothing but what the run sent (a value the run never sent was put there by someone else).
 */
function ownRetries(item: UndoItem, job: Job): boolean {
  const modified = typeof job.modified === 'number' ? job.modified : Date.parse(String(job.modified));
  if (item.endedAt === undefined || !Number.isFinite(modified) || modified > item.endedAt + CLOCK_SLACK_MS) return false;
  return madeOf(job, item.sent);
}
