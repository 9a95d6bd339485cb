import { PUT_CREATES_BY_UUID } from '../api/assumptions.js';
import type { Job } from '../api/types.js';
import { isUuid } from '../util/uuid.js';
import { generateJobs } from './generate-jobs.js';
import type { JobStore } from './job-store.js';
import { answeredJob, listedJob } from './job-view.js';
import type { Faults } from './options.js';
import { JobList, Reply, text } from './reply.js';
import { validateJobBody } from './validate-job.js';

/** A request body as read: its JSON, or what is wrong with it. */
export interface ParsedBody {
  value?: unknown;
  error?: string;
}

/** What the routes work on. */
export interface RouteContext {
  store: JobStore;
  /** The options in force (they may change while the sandbox runs). */
  faults: Faults;
  /** Seeds the jobs another user creates (churn), one more each time. */
  nextSeed: () => number;
  /** Where the last listing is: its first page was asked for, or the churn has happened since. */
  listing?: 'started' | 'churned';
}

/** The jobs API: `/job` and `/job/:id`. Any change to the store is made here, at once. */
export function route(ctx: RouteContext, method: string, path: string, query: URLSearchParams, body: ParsedBody | undefined): Reply {
  const { store, faults } = ctx;
  if (path === '/job') {
    if (method === 'GET') return listJobs(ctx, query);
    if (method === 'POST') {
      const invalid = body?.error ?? validateJobBody(body?.value);
      if (invalid) return text(406, invalid);
      const job = body?.value as Job;
      if (faults.ignorePostUuid) delete job.uuid;
      if (typeof job.uuid === 'string' && store.get(job.uuid)) return text(406, `Attribute uuid: a job with uuid ${job.uuid} exists`);
      return new Reply(200, answeredJob(store.create(job), faults));
    }
    return text(405, 'Method not allowed');
  }
  const match = /^\/job\/([^/]+)$/.exec(path);
  if (!match) return text(404, 'Not found');
  const id = decodeURIComponent(match[1] as string);
  const job = store.get(id);
  if (method === 'GET') {
    if (faults.quirks?.includes('empty-lookup')) return new Reply(200, {});
    return job ? new Reply(200, answeredJob(job, faults)) : text(404, `Job ${id} not found`);
  }
  if (method === 'DELETE') {
    if (!job) return text(404, `Job ${id} not found`);
    if (!faults.ignoreDelete) store.delete(job);
    return new Reply(204);
  }
  if (method === 'PUT') {
    const invalid = body?.error ?? validateJobBody(body?.value);
    if (invalid) return text(406, invalid);
    const update = body?.value as Job;
    if (typeof update.uuid === 'string' && update.uuid.toLowerCase() !== (job?.uuid ?? id.toLowerCase())) {
      return text(406, 'Attribute uuid does not match the uuid in the path');
    }
    if (job) return new Reply(200, answeredJob(store.update(job, update, faults.putReplaces), faults));
    if (PUT_CREATES_BY_UUID && !faults.putNoCreate && isUuid(id)) return new Reply(200, answeredJob(store.create(update, id), faults));
    return text(404, `Job ${id} not found`);
  }
  return text(405, 'Method not allowed');
}

/** Another user deletes the `count` oldest jobs and creates as many new ones. */
function churn(ctx: RouteContext, count: number): void {
  for (const job of ctx.store.list({ limit: count })) ctx.store.delete(job);
  for (const made of generateJobs(count, { firstId: ctx.store.peekNextId(), seed: ctx.nextSeed() })) ctx.store.create(made);
}

/** `GET /job`: paged by `limit` and `offset`, filtered by `modified`, as the switches bend them. */
function listJobs(ctx: RouteContext, query: URLSearchParams): Reply {
  const { store, faults } = ctx;
  const limit = nonNegativeInteger(query.get('limit'));
  const offset = nonNegativeInteger(query.get('offset'));
  const modified = query.get('modified');
  if (limit === null) return text(400, 'Bad query parameter limit: expected a whole number of 0 or more');
  if (offset === null) return text(400, 'Bad query parameter offset: expected a whole number of 0 or more');
  let modifiedSince: number | undefined;
  if (modified !== null) {
    modifiedSince = /^\d+$/.test(modified) ? Number(modified) : Date.parse(modified);
    if (Number.isNaN(modifiedSince)) return text(400, 'Bad query parameter modified: expected a timestamp in milliseconds or a date');
  }
  // Once in each listing, between its first page and its second.
  if (!offset) ctx.listing = 'started';
  else if (faults.churn && ctx.listing === 'started') {
    ctx.listing = 'churned';
    churn(ctx, faults.churn);
  }
  const from = faults.ignoreOffset ? 0 : (offset ?? 0);
  const most = Math.min(faults.ignoreLimit ? Number.POSITIVE_INFINITY : (limit ?? Number.POSITIVE_INFINITY), faults.pageCap ?? Number.POSITIVE_INFINITY);
  const since = faults.ignoreModified ? undefined : modifiedSince;
  const quirks = (faults.quirks ?? []).filter((quirk) => quirk === 'null-in-list' || quirk === 'job-without-uuid' || quirk === 'job-listed-twice');
  let items: (Job | null)[];
  if (!quirks.length) {
    items = store.list({ limit: Number.isFinite(most) ? most : undefined, offset: from, modifiedSince: since });
  } else {
    // The hostile answers sit in the middle of the account, each a place in the list as a real
    // server's would be (the jobs after it move one on), so that a listing meets them on a later page.
    const all: (Job | null)[] = store.list({ modifiedSince: since });
    const middle = Math.floor(store.size / 2);
    if (middle < all.length) {
      if (quirks.includes('job-without-uuid')) {
        const { uuid: _uuid, ...withoutUuid } = all[middle] as Job;
        all[middle] = withoutUuid;
      }
      if (quirks.includes('job-listed-twice')) all.splice(middle + 1, 0, all[middle] as Job);
      if (quirks.includes('null-in-list')) all.splice(middle + 1, 0, null);
    }
    items = all.slice(from, Number.isFinite(most) ? from + most : undefined);
  }
  return new Reply(200, new JobList(items, (job) => listedJob(job, faults)));
}

/** undefined when absent, null when not a whole number of 0 or more. */
function nonNegativeInteger(value: string | null): number | undefined | null {
  if (value === null) return undefined;
  return /^\d+$/.test(value) ? Number(value) : null;
}
