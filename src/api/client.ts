import http from 'node:http';
import https from 'node:https';
import got, { type Got } from 'got';
import { API_KEY_HEADER, API_TOKEN_HEADER, DEFAULT_BASE_URL } from './assumptions.js';
import { checkBaseUrl } from './base-url.js';
import { checkedJob, checkedVersion, NotJson } from './check-answer.js';
import { MAX_ELEMENT_CHARS } from './json-array.js';
import { listJobs } from './list-jobs.js';
import { pageParams, readPageJobs, type PageReader } from './read-page.js';
import { DEFAULT_RETRY_POLICY, WRITE_METHODS, type RetryPolicy } from './retry-policy.js';
import { answerStart, statusError, toApiError, unexpectedAnswer, type Asked } from './to-api-error.js';
import type { Job, JobListing, ListJobsOptions, PageQuery, VersionInfo } from './types.js';
import type { Clock } from './clock.js';
import { withRetry, type Gate, type RetryInfo } from './with-retry.js';
import { ApiError, CdbError } from '../errors.js';

/** How to reach the API. */
export interface ClientOptions {
  /** Default: the live service, https://app.coredination.net/api/1. */
  baseUrl?: string;
  apiKey?: string;
  /** An optional user token; the tool never needs one. */
  apiToken?: string;
  /** Allow plain http to hosts other than loopback. */
  insecure?: boolean;
  /** Whole-request timeout of a call answered by one job or /version, in milliseconds (default 30 s). */
  timeoutMs?: number;
  /**
   * A listing is streamed and may rightly take minutes: a page times out when no byte arrives for
   * this long, in milliseconds (default 30 s)…
   */
  idleTimeoutMs?: number;
  /** …or when its bytes take longer than this in all to arrive (default 120 s): a trickle. */
  pageTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Sockets per host (default 64). */
  maxSockets?: number;
  /** Called before each retry's wait, for progress reporting. */
  onRetry?: (info: RetryInfo) => void;
}

/** What each call may be given. */
export interface CallOptions {
  /**
   * Stops the call at once (a read in flight too; a write already sent is let finish, so that its
   * answer is known) and ends its waits: it then throws an INTERRUPTED error.
   */
  signal?: AbortSignal;
  /** Spaces the attempts and hears of 429 and 503, so that every caller sharing it slows down. */
  gate?: Gate;
  /** Runs right before each attempt leaves (a journal line); what it throws ends the call, unsent. */
  beforeAttempt?: () => void | Promise<void>;
  /** This call's retries (default the client's); false for one attempt only. */
  retry?: Partial<RetryPolicy> | false;
  onRetry?: (info: RetryInfo) => void;
  /** The clock of the retry waits (tests of the backoff arithmetic). */
  clock?: Clock;
}

/**
 * The typed calls of the Coredination API this tool uses. Every call goes through one retry policy
 * (src/api/retry-policy.ts), and every answer is checked to be what was asked for: a job that is
 * the one sent or asked, a version; anything else is an ApiError naming the request.
 */
export interface CoredinationClient {
  readonly baseUrl: string;
  /** `GET /version`. */
  version(options?: CallOptions): Promise<VersionInfo>;
  /**
   * `GET /job`, page after page until the list is proven complete (src/api/list-jobs.ts), each job
   * yielded as the JSON array is parsed (never buffered whole); `report` tells, once the iteration
   * ends, how many jobs and pages it took and whether the account changed meanwhile.
   */
  listJobs(options?: ListJobsOptions): JobListing;
  /**
   * One page of `GET /job` as the server gives it, not read on: its first `most` jobs (the rest
   * left unread), each checked to be a job with a uuid. For looking at how a server pages
   * (`doctor`); everything else reads the whole list with `listJobs`.
   */
  listPage(query: PageQuery, options?: { most?: number; signal?: AbortSignal }): Promise<Job[]>;
  /** `GET /job/:id`, by numeric id or uuid: the full representation, checked to be that job. */
  getJob(id: number | string, options?: CallOptions): Promise<Job>;
  /**
   * `POST /job`. Retried only where the policy proves it was not stored (429, 503, a connection
   * refused): a lost answer, a 5xx or an answer that is not the job sent throws with
   * `outcomeUnknown`, never a second job. The answer is the job sent (its uuid), or, where the
   * server makes its own uuids, a job with an id.
   */
  createJob(job: Job, options?: CallOptions): Promise<Job>;
  /** `PUT /job/:uuid`: update, or create with that uuid. Retried, being idempotent; the answer must be that job. */
  putJob(uuid: string, job: Job, options?: CallOptions): Promise<Job>;
  /** `DELETE /job/:id`. */
  deleteJob(id: number | string, options?: CallOptions): Promise<void>;
}

/**
 * What one answer may hold, so that a broken or hostile server cannot take the machine's memory.
 * A job or /version is a few KB; a listing is streamed, so only one job in it is bounded.
 */
export const ANSWER_LIMITS = {
  /** The body of an answer read whole (/version, one job, the answer to a write), in bytes. */
  body: 16 * 1048576,
  /** One job in a streamed `GET /job` listing, in characters. */
  listElement: MAX_ELEMENT_CHARS,
};

function tooLarge(method: string, path: string, limit: number): ApiError {
  return new ApiError('HTTP', `The server's answer to ${method} /${path} is larger than ${limit / 1048576} MB, this tool's limit.`, {
    method,
    path,
    // The server may have acted on a write before its answer grew too large to read.
    outcomeUnknown: WRITE_METHODS.has(method),
    hint: 'Check the base URL: it should name the Coredination API, whose answers are small.',
  });
}

/** Refuses a redirect to another scheme, host or port (and so https → http) before it is sent. */
function refuseCrossOrigin(basePath: string, next: { url?: string | URL }, response: { url: string; statusCode: number; request: { options: { method: string } } }): void {
  const from = new URL(response.url);
  const to = next.url instanceof URL ? next.url : new URL(String(next.url));
  if (to.origin === from.origin) return;
  const method = response.request.options.method;
  const path = (from.pathname.startsWith(`${basePath}/`) ? from.pathname.slice(basePath.length) : from.pathname).replace(/^\/+/, '');
  throw new ApiError('HTTP', `The server redirected ${method} /${path} (${response.statusCode}) to another origin, ${to.origin}; not followed, so that the API key and the request stay with ${from.origin}.`, {
    method,
    path,
    status: response.statusCode,
    hint: 'Check the base URL (--base-url or COREDINATION_BASE_URL): if the API has moved, give its new https:// address.',
  });
}

/** Builds the one configured HTTP client of the project. */
export function createClient(options: ClientOptions = {}): CoredinationClient {
  const baseUrl = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, options.insecure);
  for (const secret of [options.apiKey, options.apiToken]) {
    // In a header, such a key fails as a network error far from its cause: said here, never shown.
    if (secret !== undefined && /[\s\p{Cc}]/u.test(secret)) {
      throw new CdbError('USAGE', 'The API key holds a space, a line break or another invisible character, which no key has.', {
        hint: 'Copy the key again without what came with it (a line break often does), then run again; nothing was sent.',
      });
    }
  }
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const secrets = [options.apiKey, options.apiToken];
  const asked = (method: string, path: string): Asked => ({ method, path, baseUrl, secrets });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };

  const headers: Record<string, string> = { 'user-agent': 'coredination-batch', accept: 'application/json' };
  if (options.apiKey) headers[API_KEY_HEADER] = options.apiKey;
  if (options.apiToken) headers[API_TOKEN_HEADER] = options.apiToken;

  const api: Got = got.extend({
    prefixUrl: baseUrl,
    headers,
    agent: { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) },
    timeout: { request: timeoutMs },
    // One retry engine (with-retry.ts) decides every retry: got's own are off.
    retry: { limit: 0 },
    // got drops only authorization and cookie on a redirect elsewhere: the API-Key header and the
    // body would follow. Only redirects of reads on the same origin are followed.
    hooks: { beforeRedirect: [(next, response) => refuseCrossOrigin(new URL(baseUrl).pathname, next, response)] },
  });

  /**
   * One attempt: the answer's status and parsed body (undefined when empty). Read through got's
   * stream, the body gathered here: its promise interface costs a third more CPU a request, which
   * an import of thousands of rows at once spends on nothing else.
   */
  function attempt(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, json: unknown, signal: AbortSignal | undefined): Promise<{ status: number; value: unknown }> {
    const write = WRITE_METHODS.has(method);
    const request = asked(method, path);
    return new Promise((resolve, reject) => {
      // Answers to writes are one small job: asking for no compression saves a zlib stream each.
      // A redirect of a write is not followed: its target (a login page, say) is not the API's answer.
      // A stop signal cancels a read at once; a write already sent is let finish, so that its answer is known.
      const stream = api.stream(path, { method, json, decompress: !write, followRedirect: !write, throwHttpErrors: false, signal: write ? undefined : signal });
      let status = 0;
      let headers: Record<string, string | string[] | undefined> = {};
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('response', (response: { statusCode: number; headers: typeof headers }) => {
        status = response.statusCode;
        headers = response.headers;
      });
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        // got has no limit on a body it reads whole: the bytes (after decompression) are counted as they come.
        if (bytes > ANSWER_LIMITS.body) {
          stream.destroy();
          reject(tooLarge(method, path, ANSWER_LIMITS.body));
          return;
        }
        chunks.push(chunk);
      });
      stream.once('error', (error) => reject(toApiError(error, request)));
      // A write without a body (DELETE) is a stream to be written: it leaves once its end is written.
      if (json === undefined && method !== 'GET') stream.end();
      stream.once('end', () => {
        const body = Buffer.concat(chunks, bytes).toString('utf8');
        if (status >= 400) return reject(statusError(request, { status, body, headers }));
        if (status >= 300) {
          const location = headers.location;
          return reject(unexpectedAnswer(request, `a redirect (${status}${location ? ` to ${String(location)}` : ''}), not followed`, { status, body }));
        }
        if (body.trim() === '') return resolve({ status, value: undefined });
        try {
          resolve({ status, value: JSON.parse(body) as unknown });
        } catch {
          resolve({ status, value: new NotJson(body) });
        }
      });
    });
  }

  /** A call: its attempts over the retry policy, its answer checked by `check`. */
  function call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, json: unknown, call: CallOptions | undefined, check: (answer: { status: number; value: unknown }) => T): Promise<T> {
    const retry = call?.retry === false ? { ...policy, limit: 0, throttleLimit: 0 } : { ...policy, ...call?.retry };
    return withRetry(async () => check(await attempt(method, path, json, call?.signal)), {
      method,
      path,
      policy: retry,
      signal: call?.signal,
      gate: call?.gate,
      beforeAttempt: call?.beforeAttempt,
      clock: call?.clock,
      onRetry: (info) => {
        options.onRetry?.(info);
        call?.onRetry?.(info);
      },
    });
  }

  /** How `GET /job` is asked for, page by page. */
  const pageReader = (signal: AbortSignal | undefined): PageReader => ({
    // A listing is timed by its own rules (read-page.ts): no whole-request timeout from got.
    open: (searchParams, pageSignal) => api.stream('job', { searchParams, signal: pageSignal, timeout: { request: undefined } }),
    asked: asked('GET', 'job'),
    idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
    pageTimeoutMs: options.pageTimeoutMs ?? 120_000,
    maxElementChars: ANSWER_LIMITS.listElement,
    retry: { policy, signal, onRetry: options.onRetry },
  });

  const jobPath = (id: number | string) => `job/${encodeURIComponent(String(id))}`;
  return {
    baseUrl,
    version: (call_) => call('GET', 'version', undefined, call_, ({ status, value }) => checkedVersion(asked('GET', 'version'), status, value)),
    listJobs: (list = {}) => listJobs(pageReader(list.signal), list),
    listPage: (query, page = {}) => readPageJobs(pageReader(page.signal), pageParams(query), page.most ?? Number.POSITIVE_INFINITY),
    getJob: (id, call_) => call('GET', jobPath(id), undefined, call_, ({ status, value }) => checkedJob(asked('GET', jobPath(id)), status, value, { id })),
    createJob: (job, call_) => call('POST', 'job', job, call_, ({ status, value }) => checkedJob(asked('POST', 'job'), status, value, { uuid: typeof job.uuid === 'string' ? job.uuid : undefined, created: true })),
    putJob: (uuid, job, call_) => call('PUT', jobPath(uuid), job, call_, ({ status, value }) => checkedJob(asked('PUT', jobPath(uuid)), status, value, { uuid })),
    deleteJob: async (id, call_) => {
      // 204 as documented, or a JSON body; a web page with 200 is not the API's answer.
      await call('DELETE', jobPath(id), undefined, call_, ({ status, value }) => {
        if (value instanceof NotJson) throw unexpectedAnswer(asked('DELETE', jobPath(id)), `something that is not the API's (${answerStart(value.text, secrets)})`, { status, body: value.text });
      });
    },
  };
}
