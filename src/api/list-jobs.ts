import { ApiError } from '../errors.js';
import { LIST_PARAMS } from './assumptions.js';
import { pageLabel, readPage, type PageReader, type PageStats } from './read-page.js';
import type { Job, JobListing, ListingReport, ListJobsOptions } from './types.js';
import { UuidSet } from './uuid-set.js';

/** Jobs asked for per page unless the caller says otherwise. */
export const DEFAULT_PAGE_SIZE = 500;

/**
 * The most distinct jobs one listing may bring: far beyond any real account, and a bound on what
 * a server streaming jobs without end (each new, each small, as fast as it can) costs: some 170 MB
 * for the uuids seen, and the time to read them.
 */
export const MAX_LISTED_JOBS = 5_000_000;

/** Pages in a row that bring nothing new before the server is taken to ignore `offset`. */
const STALE_PAGES = 3;

/** A page asked for, its first job on the way. */
interface Pending {
  /** Undefined for the one request without limit and offset. */
  offset?: number;
  stats: PageStats;
  /** Ends this page alone (one asked for ahead and not needed). */
  controller: AbortController;
  jobs: AsyncGenerator<Job>;
  first: Promise<IteratorResult<Job>>;
}

/**
 * `GET /job` read until it is proven complete, as an async iterable of jobs with a report:
 * - each next page is asked for at the offset where the one before really ended, less one, so that
 *   it starts with the job last seen: a page shorter than asked (a capped page size) is not the
 *   end, and a job deleted or added before the cursor (the list shifted) is noticed;
 * - the listing ends at a page that brings nothing new; a page longer than asked means the
 *   server does not page, and holds everything;
 * - pages that bring only jobs already seen where new ones were due mean the server ignores
 *   `offset`: an error, instead of reading forever;
 * - a job listed twice is yielded once (by uuid, in a set of 17 bytes a job);
 * - at the end, `GET /job?modified=<newest modified seen>` must bring only jobs already seen:
 *   anything else, or a server that answers it with older jobs, marks the listing `changed`.
 * The next page is asked for while the current one is read whenever the current one is full (its
 * end is then known ahead), so the server works while the caller does; it waits in the socket,
 * unparsed, until its turn.
 */
export function listJobs(reader: PageReader, options: ListJobsOptions = {}): JobListing {
  const report: ListingReport = { jobs: 0, pages: 0, pageSize: 0, changed: false };
  const changed = (why: string) => {
    if (report.changed) return;
    report.changed = true;
    report.why = why;
  };
  const limit = options.limit ?? DEFAULT_PAGE_SIZE;
  const maxJobs = options.maxJobs ?? MAX_LISTED_JOBS;
  const start = options.offset ?? 0;
  const params = (offset: number): Record<string, string | number> => {
    const searchParams: Record<string, string | number> = { [LIST_PARAMS.offset]: offset, [LIST_PARAMS.limit]: limit };
    if (options.modified !== undefined) searchParams[LIST_PARAMS.modified] = options.modified;
    return searchParams;
  };
  const ask = (offset: number | undefined): Pending => {
    const stats: PageStats = { held: 0 };
    const whole: Record<string, string | number> = options.modified === undefined ? {} : { [LIST_PARAMS.modified]: options.modified };
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    const jobs = readPage(reader, offset === undefined ? whole : params(offset), stats, signal);
    const first = jobs.next();
    first.catch(() => undefined); // awaited in its turn; not an unhandled rejection meanwhile
    return { offset, stats, controller, jobs, first };
  };

  /**
   * Closes a page asked for ahead and not needed: its request and any retry's wait end at once,
   * and the listing does not wait for it.
   */
  const drop = (page: Pending) => {
    page.controller.abort();
    void page.jobs.return(undefined).catch(() => undefined);
  };

  async function* pages(): AsyncGenerator<Job> {
    const seen = new UuidSet();
    let newest: number | undefined;
    let firstOfListing: string | undefined;
    let lastSeen: string | undefined;
    let stale = 0;
    let firstHeld = 0;
    let previousHeld = 0;
    /** Pages that held the most any page has: more than one, and that size is the server's cap. */
    let fullPages = 0;
    /** The list was asked for without paging, the server having given one page for two offsets. */
    let wholeAsked = false;
    let current: Pending | undefined = ask(start);
    let ahead: Pending | undefined;
    try {
      for (let page = 0; current; page++) {
        let fresh = 0;
        // After a full page (as long as asked, or as long as the server's cap, seen twice) this one
        // is likely full too: the next can be asked for as this one starts.
        const full = previousHeld > 1 && previousHeld === report.pageSize && (previousHeld >= limit || fullPages >= 2);
        const predicted = page > 0 && current.offset !== undefined && full ? current.offset + report.pageSize - 1 : undefined;
        for (let result = await current.first; !result.done; result = await current.jobs.next()) {
          if (predicted !== undefined && !ahead) ahead = ask(predicted);
          const job = result.value;
          if (!seen.add(job.uuid as string)) continue;
          fresh++;
          if (++report.jobs > maxJobs) {
            throw new ApiError('HTTP', `The server's answer to GET /job listed more than ${maxJobs.toLocaleString('en-US')} jobs, this tool's limit for one listing of an account.`, {
              method: 'GET', path: 'job', status: 200,
              hint: `Nothing was done with the list. Check the base URL (${reader.asked.baseUrl}): a Coredination account's job list ends.`,
            });
          }
          if (typeof job.modified === 'number' && (newest === undefined || job.modified > newest)) newest = job.modified;
          yield job;
        }
        report.pages++;
        const { held, first, last }: PageStats = current.stats;
        if (held > report.pageSize) fullPages = 0;
        report.pageSize = Math.max(report.pageSize, held);
        if (held === report.pageSize) fullPages++;
        previousHeld = held;
        let next: number | undefined | 'whole' = current.offset === undefined ? undefined : current.offset + held - 1;
        if (current.offset === undefined) {
          // The list without limit and offset: everything, by the API's documentation (the closing
          // check holds it to that).
          wholeAsked = page > 0;
        } else if (page === 0) {
          firstOfListing = first;
          firstHeld = held;
          // Empty, or longer than asked (the server does not page): that was everything.
          if (held === 0 || held > limit) next = undefined;
        } else {
          if (held === 0) changed(`the list got shorter while it was read (the page at offset ${current.offset} was empty where job ${lastSeen} had been)`);
          else if (first !== lastSeen) changed(`the list shifted while it was read (the page at offset ${current.offset} did not start with job ${lastSeen}, the last one seen): jobs were added or deleted before that point`);
          if (fresh === 0 && held > 1) {
            if (page === 1 && first === firstOfListing && held === firstHeld && firstHeld < limit) {
              // A short first page given again for another offset: a server that does not page at
              // all, or one that caps its pages and ignores offset. Without limit and offset the API
              // gives every job: that answer settles it.
              next = 'whole';
            } else if (first === firstOfListing || ++stale >= STALE_PAGES) {
              throw new ApiError('HTTP', `The server ignores offset: ${pageLabel(params(current.offset))} brought only jobs already listed, starting again with the first one, so the list cannot be read page by page.`, {
                method: 'GET', path: 'job', status: 200,
                hint: `Nothing was done with the list. Check the base URL (${reader.asked.baseUrl}): it should name the Coredination API, which pages its job list with offset and limit.`,
              });
            }
          } else stale = 0;
          if (fresh === 0 && held <= 1) next = undefined;
        }
        lastSeen = last ?? lastSeen;
        const reuse: Pending | undefined = ahead && typeof next === 'number' && ahead.offset === next ? ahead : undefined;
        if (ahead && !reuse) drop(ahead);
        ahead = undefined;
        current = next === undefined ? undefined : (reuse ?? ask(next === 'whole' ? undefined : next));
      }
      if (newest !== undefined) await closingCheck(seen, newest, wholeAsked ? firstHeld : undefined);
    } finally {
      await current?.jobs.return(undefined);
      if (ahead) drop(ahead);
    }
  }

  /**
   * Anything modified since the newest job seen must be a job seen, as seen. After a list asked
   * for without paging (`capped`: the size of the one page the server gave for every offset), a
   * job not seen means that answer was one capped page, not the account: an error, since the rest
   * cannot be read.
   */
  async function closingCheck(seen: UuidSet, newest: number, capped?: number): Promise<void> {
    const stats: PageStats = { held: 0 };
    const probe = readPage(reader, { [LIST_PARAMS.modified]: newest, [LIST_PARAMS.limit]: limit }, stats, options.signal);
    try {
      for await (const job of probe) {
        const modified = typeof job.modified === 'number' ? job.modified : undefined;
        if (modified !== undefined && modified < newest) {
          changed(`the server ignores modified (asked for jobs modified since ${newest}, it answered with older ones), so changes made while the list was read cannot be ruled out`);
          return;
        }
        if (capped !== undefined && !seen.has(job.uuid as string)) {
          throw new ApiError('HTTP', `The server ignores offset and gives at most ${capped} jobs a page: every page, and the list without paging, brought the same ${capped} jobs, and the account holds more (job ${job.uuid} was not among them), so the rest of the list cannot be read.`, {
            method: 'GET', path: 'job', status: 200,
            hint: `Nothing was done with the list. Check the base URL (${reader.asked.baseUrl}): it should name the Coredination API, which pages its job list with offset and limit ("coredination-batch doctor" checks both).`,
          });
        }
        if (!seen.has(job.uuid as string) || (modified !== undefined && modified > newest)) {
          changed(`job ${job.uuid} was added or changed while the list was read`);
          return;
        }
      }
    } finally {
      report.pages++;
      await probe.return(undefined);
    }
  }

  return { report, [Symbol.asyncIterator]: () => pages() };
}
