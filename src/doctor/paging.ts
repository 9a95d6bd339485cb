import { DEFAULT_PAGE_SIZE } from '../api/list-jobs.js';
import type { Job } from '../api/types.js';
import { counted, doesNotHold, holds, notChecked, tooFew } from './catalogue.js';
import { refusal, type Probe } from './probe.js';
import type { CheckResult } from './types.js';

/** The page the tool asks for (an export's, a keyed import's): the first one, read whole. */
export const FIRST_PAGE = DEFAULT_PAGE_SIZE;

const DAY_MS = 86_400_000;

/** What the paging checks found, and the first page (the sample of the other read-only checks). */
export interface PagingFindings {
  first: Job[];
  limit: CheckResult;
  offset: CheckResult;
  modified: CheckResult;
}

const uuidOf = (job: Job | undefined): string | undefined => (typeof job?.uuid === 'string' ? job.uuid.toLowerCase() : undefined);
const same = (a: Job | undefined, b: Job | undefined): boolean => uuidOf(a) !== undefined && uuidOf(a) === uuidOf(b);

const IGNORED_LIMIT = 'The tool takes a page longer than asked for the whole list (the server does not page): nothing to do, though on a large account each listing is one long answer.';
const CHANGED = 'the list changed between two requests (someone is at work in the account); run doctor again';

/** A page, or what the server answered instead when it refused the query. */
async function pageOrRefusal(probe: Probe, ...args: Parameters<Probe['page']>): Promise<Job[] | string> {
  try {
    return await probe.page(...args);
  } catch (error) {
    const refused = refusal(error);
    if (refused === undefined) throw error;
    return refused;
  }
}

/**
 * Whether `GET /job` pages as the tool assumes, in at most five requests, all but the first asking
 * for two jobs (and reading at most three): the first page of the tool's size, `offset=1&limit=2`,
 * one page at the end of a short first page, and two `modified` queries. An account with too few
 * jobs to tell says so instead of passing.
 */
export async function checkPaging(probe: Probe, now: number): Promise<PagingFindings> {
  // The first page is what every listing asks for: a refusal of it is the listing's failure, not a finding.
  const first = await probe.page({ offset: 0, limit: FIRST_PAGE }, FIRST_PAGE + 1);
  const n = first.length;
  const second = n >= 2 ? await pageOrRefusal(probe, { offset: 1, limit: 2 }, 3) : [];
  const offset = offsetCheck(first, second);
  const limit = await limitCheck(probe, first, second, offset);
  const modified = await modifiedCheck(probe, first, now);
  return { first: first.slice(0, FIRST_PAGE), limit, offset, modified };
}

function offsetCheck(first: Job[], second: Job[] | string): CheckResult {
  if (first.length < 2) return notChecked('offset', tooFew(first.length, 2));
  if (typeof second === 'string') return doesNotHold('offset', `asked offset=1&limit=2, the server ${second}`);
  if (same(second[0], first[1])) return holds('offset', 'offset=1 started at the second job of the first page');
  if (same(second[0], first[0])) return doesNotHold('offset', 'offset=1 started again at the first job');
  return notChecked('offset', CHANGED);
}

async function limitCheck(probe: Probe, first: Job[], second: Job[] | string, offset: CheckResult): Promise<CheckResult> {
  const n = first.length;
  if (n > FIRST_PAGE) return doesNotHold('limit', `asked limit=${FIRST_PAGE}, got more than ${FIRST_PAGE}: the server does not page`, IGNORED_LIMIT);
  if (n >= 3 && typeof second !== 'string' && second.length > 2) return doesNotHold('limit', 'asked limit=2, got more than 2: the server does not page', IGNORED_LIMIT);
  const small = typeof second === 'string' ? '' : `; limit=2, got ${second.length}`;
  if (n === FIRST_PAGE) return holds('limit', `asked limit=${FIRST_PAGE}, got ${FIRST_PAGE}${small}`);
  if (n < 2) return notChecked('limit', tooFew(n, 3));
  if (offset.verdict !== 'holds' || typeof second === 'string') return notChecked('limit', 'offset is not honoured, so a page shorter than asked cannot be told from the end of the list');
  // A short first page: the end of the account, or the server's cap? The page after it tells.
  const last = n === 2 ? second : await pageOrRefusal(probe, { offset: n - 1, limit: 2 }, 3);
  if (typeof last === 'string') return notChecked('limit', `asked offset=${n - 1}&limit=2, the server ${last}`);
  if (!same(last[0], first[n - 1])) return notChecked('limit', CHANGED);
  if (last.length >= 2) return doesNotHold('limit', `asked limit=${FIRST_PAGE}, got ${n}, and offset=${n - 1} brought more: the server caps its pages at ${n}`);
  if (n < 3) return notChecked('limit', tooFew(n, 3));
  return holds('limit', `asked limit=${FIRST_PAGE}, got all ${counted(n, 'job')} of the account${small}`);
}

/**
 * `modified` later than every job must list nothing, and `modified` at the newest job listed must
 * list it: a server that ignores the parameter fails the first, one that misreads it the second.
 */
async function modifiedCheck(probe: Probe, first: Job[], now: number): Promise<CheckResult> {
  if (!first.length) return notChecked('modified', tooFew(0, 1));
  const stamps = first.map((job) => job.modified).filter((m): m is number => typeof m === 'number');
  const newest = stamps.length ? Math.max(...stamps) : undefined;
  const later = Math.max(newest ?? 0, now) + DAY_MS;
  const after = await pageOrRefusal(probe, { limit: 2, modified: later }, 3);
  if (typeof after === 'string') return doesNotHold('modified', `asked modified=${later}, the server ${after}`);
  if (after.length) return doesNotHold('modified', `asked modified=${later} (a day from now, later than every job), got ${after.length > 2 ? 'more than 2 jobs' : counted(after.length, 'job')}`);
  if (newest === undefined) {
    return notChecked('modified', `none of the ${counted(first.length, 'job')} listed carries a modified time to ask by`, 'A listing then cannot tell whether the account changed while it was read, and export --since exports every job.');
  }
  const since = await pageOrRefusal(probe, { limit: 2, modified: newest }, 3);
  if (typeof since === 'string') return doesNotHold('modified', `asked modified=${newest}, the server ${since}`);
  if (!since.length) return doesNotHold('modified', `asked modified=${newest}, the newest job listed, got none`, 'export --since would export nothing, and a listing could not tell whether the account changed while it was read: ask Coredination support how modified is given.');
  const older = since.find((job) => typeof job.modified === 'number' && job.modified < newest);
  if (older) return doesNotHold('modified', `asked modified=${newest}, got job ${String(older.id ?? older.uuid)}, modified ${older.modified as number}, before it`);
  return holds('modified', `modified a day from now listed nothing; modified at the newest job listed (${newest}) listed ${since.length > 2 ? 'more than 2 jobs' : counted(since.length, 'job')}`);
}
