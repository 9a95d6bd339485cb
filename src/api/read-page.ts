import type { Readable } from 'node:stream';
import { ApiError } from '../errors.js';
import { LIST_PARAMS } from './assumptions.js';
import { JsonElementTooLargeError, MAX_ELEMENT_CHARS, parseJsonArray } from './json-array.js';
import { answerStart, toApiError, type Asked } from './to-api-error.js';
import type { Job, PageQuery } from './types.js';
import { interrupted, retrier, type RetryOptions } from './with-retry.js';

/** How one page of `GET /job` is asked for and read. */
export interface PageReader {
  /** Opens `GET /job` with these parameters as a byte stream (got's, which emits 'response'). */
  open(params: Record<string, string | number>, signal?: AbortSignal): Readable;
  asked: Asked;
  /** The longest wait for the next bytes (default 30 s): a server gone quiet. */
  idleTimeoutMs: number;
  /** The longest time a page may take to arrive, its waits added up (default 120 s): a trickle. */
  pageTimeoutMs: number;
  maxElementChars?: number;
  retry: Omit<RetryOptions, 'method' | 'path'>;
}

/** What the last attempt at a page held. */
export interface PageStats {
  /** Jobs in it (each a place in the server's list, a job listed twice too). */
  held: number;
  /** The uuids of its first and last jobs, lower-cased. */
  first?: string;
  last?: string;
}

/** What came of an attempt so far, for messages: its status and first bytes. */
interface Head {
  text: string;
  bytes: number;
  status?: number;
}

/** How a page is named in messages: "GET /job (offset 500, limit 500)". */
export function pageLabel(params: Record<string, string | number>): string {
  const parts = Object.entries(params).map(([name, value]) => `${name} ${value}`);
  return `GET /job${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'a string' : typeof value === 'number' ? 'a number' : typeof value === 'boolean' ? (value ? 'true' : 'false') : typeof value;
}

/** A listing the tool cannot trust: one message, naming the page; the callers stop and write nothing. */
function notAList(reader: PageReader, label: string, what: string, status: number | undefined): ApiError {
  return new ApiError('HTTP', `The server's answer to ${label} is not a list of jobs: ${what}.`, {
    method: 'GET',
    path: 'job',
    status,
    hint: `Nothing was done with the list. Check the base URL (${reader.asked.baseUrl}): it should name the Coredination API, whose listing is a JSON array of jobs, each with a uuid.`,
  });
}

/**
 * The chunks of a stream, each wait for the next one timed: no bytes for `idleTimeoutMs`, or the
 * waits adding up to more than `pageTimeoutMs`, end it. Only the time spent waiting on the server
 * counts: a page held back while its reader is busy (writing rows, fetching details) does not.
 */
async function* timedChunks(stream: Readable, reader: PageReader, label: string, head: Head): AsyncGenerator<Buffer> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const base = reader.asked.baseUrl;
  let waited = 0;
  for (;;) {
    const budget = Math.min(reader.idleTimeoutMs, reader.pageTimeoutMs - waited);
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const next = chunks.next();
    next.catch(() => undefined); // a stream destroyed on a timeout rejects it; nobody waits for it then
    const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), Math.max(budget, 0))));
    const result = await Promise.race([next, expired]).finally(() => clearTimeout(timer));
    waited += performance.now() - started;
    if (result === 'expired') {
      stream.destroy();
      if (budget < reader.idleTimeoutMs) {
        throw new ApiError('HTTP', `The API at ${base} took more than ${reader.pageTimeoutMs / 1000} s to send one page of ${label} (${head.bytes} bytes came, in a trickle), this tool's limit for a page.`, {
          method: 'GET', path: 'job', status: head.status,
          hint: 'The server or the network is very slow; try again later.',
        });
      }
      throw new ApiError('UNREACHABLE', `The API at ${base} stopped sending ${label}: no bytes came for ${reader.idleTimeoutMs / 1000} s, this tool's idle timeout for a listing.`, {
        method: 'GET', path: 'job', networkCode: 'ETIMEDOUT',
        hint: 'The server may be overloaded or down; try again later.',
      });
    }
    if (result.done) return;
    head.bytes += result.value.length;
    if (head.text.length < 64) head.text += result.value.subarray(0, 64).toString('utf8');
    yield result.value;
  }
}

/** What went wrong with an attempt at a page, as an ApiError (or the interruption). */
function attemptError(error: unknown, reader: PageReader, label: string, head: Head, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return interrupted(label);
  if (error instanceof ApiError) return error;
  if (error instanceof JsonElementTooLargeError) {
    return new ApiError('HTTP', `A job in the server's answer to GET /job is larger than ${error.limit / 1048576} MB, this tool's limit.`, {
      method: 'GET', path: 'job', status: head.status,
      hint: 'Check the base URL: it should name the Coredination API, whose answers are small.',
    });
  }
  if (error instanceof SyntaxError) return notAList(reader, label, `it is not a JSON array (${answerStart(head.text, reader.asked.secrets)})`, head.status);
  return toApiError(error, reader.asked);
}

/**
 * One page of `GET /job`: its jobs as the array is parsed, each checked to be a job with a uuid;
 * tried again as a whole on a passing failure (the retry policy's). A retried page yields its
 * jobs again from the start: the listing drops those it has seen. `stats` describe the attempt
 * that succeeded.
 */
export async function* readPage(reader: PageReader, params: Record<string, string | number>, stats: PageStats, signal = reader.retry.signal): AsyncGenerator<Job> {
  const retry = retrier({ ...reader.retry, signal, method: 'GET', path: 'job' });
  const label = pageLabel(params);
  const maxElementChars = reader.maxElementChars ?? MAX_ELEMENT_CHARS;
  for (;;) {
    await retry.before();
    stats.held = 0;
    stats.first = undefined;
    stats.last = undefined;
    const head: Head = { text: '', bytes: 0 };
    const stream = reader.open(params, signal);
    stream.on('response', (response: { statusCode: number }) => (head.status = response.statusCode));
    let failure: unknown;
    try {
      for await (const element of parseJsonArray<unknown>(timedChunks(stream, reader, label, head), { maxElementChars })) {
        const index = stats.held + 1;
        if (typeof element !== 'object' || element === null || Array.isArray(element)) throw notAList(reader, label, `element ${index} is ${kindOf(element)}, not a job`, head.status);
        const uuid = (element as Job).uuid;
        if (typeof uuid !== 'string' || uuid.trim() === '') {
          const id = (element as Job).id;
          throw notAList(reader, label, `element ${index}${id === undefined ? '' : ` (id ${String(id)})`} has no uuid, so it cannot be told apart from the others`, head.status);
        }
        const key = uuid.toLowerCase();
        stats.held++;
        stats.first ??= key;
        stats.last = key;
        yield element as Job;
      }
    } catch (error) {
      failure = attemptError(error, reader, label, head, signal);
    } finally {
      stream.destroy();
    }
    if (failure === undefined) {
      retry.answered();
      return;
    }
    await retry.failed(failure);
  }
}

/** A page's query under the API's parameter names (LIST_PARAMS), in the order messages name them. */
export function pageParams(query: PageQuery): Record<string, string | number> {
  const params: Record<string, string | number> = {};
  if (query.offset !== undefined) params[LIST_PARAMS.offset] = query.offset;
  if (query.limit !== undefined) params[LIST_PARAMS.limit] = query.limit;
  if (query.modified !== undefined) params[LIST_PARAMS.modified] = query.modified;
  return params;
}

/**
 * The first `most` jobs of one page, as the server gives it (the rest left unread, the request
 * closed). A page tried again starts again: the jobs are those of the attempt that was answered.
 */
export async function readPageJobs(reader: PageReader, params: Record<string, string | number>, most: number): Promise<Job[]> {
  const stats: PageStats = { held: 0 };
  const jobs: Job[] = [];
  for await (const job of readPage(reader, params, stats)) {
    if (stats.held === 1) jobs.length = 0;
    jobs.push(job);
    if (jobs.length >= most) break;
  }
  return jobs;
}
