import type { Job } from '../api/types.js';
import { jobImage } from './run-record.js';

/**
 * Whether a job, as a write to it answered, can be the one this write made: it holds nothing
 * beyond what was sent, but the server's bookkeeping and the empty values a server gives a new
 * job (`items: []`, `customFields: {}`, `false`, `0`). What was sent proves nothing either way (the
 * write put it there); a value the row never sent was put there by someone else, before.
 */
export function madeOf(job: Job, sent: Job): boolean {
  const body = jobImage(sent);
  return Object.entries(jobImage(job)).every(([key, value]) => key === 'uuid' || key in body || isBlank(value));
}

const isBlank = (value: unknown) =>
  value === undefined || value === null || value === '' || value === false || value === 0 || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

/** The fields a job had before a write that did not send them and no longer has after it. */
export function clearedBy(before: Job, sent: Job, after: Job): string[] {
  const was = jobImage(before);
  const now = jobImage(after);
  return Object.keys(was).filter((key) => !(key in sent) && !isBlank(was[key]) && isBlank(now[key])).sort();
}
