import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import got, { TimeoutError, type Got, type Method, type RetryObject } from 'got';
import { API_KEY_HEADER, API_TOKEN_HEADER, DEFAULT_BASE_URL, LIST_PARAMS } from './assumptions.js';
import { checkBaseUrl } from './base-url.js';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelay, SAFE_METHODS, type RetryPolicy } from './retry-policy.js';
import { toApiError } from './to-api-error.js';
import { JsonElementTooLargeError, MAX_ELEMENT_CHARS, parseJsonArray } from './json-array.js';
import type { Job, ListJobsOptions, VersionInfo } from './types.js';
import { ApiError } from '../errors.js';

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
   * A listing is streamed and may rightly take minutes: it times out only when no byte arrives
   * for this long, in milliseconds (default 30 s).
   */
  idleTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Sockets per host (default 64). */
  maxSockets?: number;
  /** Called before each retry, for progress reporting. */
  onRetry?: (info: { method: string; path: string; attempt: number; delayMs: number; status?: number }) => void;
}

/** The typed calls of the Coredination API this tool uses. */
export interface CoredinationClient {
  readonly baseUrl: string;
  /** `GET /version`. */
  version(): Promise<VersionInfo>;
  /**
   * `GET /job`, page after page until a short page, yielding each job as the JSON array is
   * parsed (never buffered whole). A server that ignores `limit` is read in one go.
   */
  listJobs(options?: ListJobsOptions): AsyncGenerator<Job>;
  /** `GET /job/:id`, by numeric id or uuid: the full representation. */
  getJob(id: number | string): Promise<Job>;
  /** `POST /job`. Never retried here: a lost answer could otherwise become a duplicate. */
  createJob(job: Job): Promise<Job>;
  /**
   * `PUT /job/:uuid`: update, or create with that uuid. Retried, being idempotent, unless
   * `retry: false` (the uploader decides its retries itself, so that a 429 slows every sender).
   */
  putJob(uuid: string, job: Job, options?: { retry?: boolean }): Promise<Job>;
  /** `DELETE /job/:id`. */
  deleteJob(id: number | string): Promise<void>;
}

const DEFAULT_PAGE_SIZE = 500;

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

const WRITE_METHODS = new Set(['POST', 'PUT', 'DELETE']);

function tooLarge(method: string, path: string, what: string, limit: number): ApiError {
  return new ApiError('HTTP', `${what} ${method} /${path} is larger than ${limit / 1048576} MB, this tool's limit.`, {
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
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const secrets = [options.apiKey, options.apiToken];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };

  const headers: Record<string, string> = { 'user-agent': 'coredination-batch', accept: 'application/json' };
  if (options.apiKey) headers[API_KEY_HEADER] = options.apiKey;
  if (options.apiToken) headers[API_TOKEN_HEADER] = options.apiToken;

  const delayFor = (retry: RetryObject): number => {
    const error = retry.error;
    if (retry.attemptCount > retry.retryOptions.limit) return 0; // a call that asked for no retries
    const delayMs = retryDelay(
      {
        attempt: retry.attemptCount,
        method: error.options.method,
        status: error.response?.statusCode,
        networkCode: error.code,
        retryAfterMs: parseRetryAfter(error.response?.headers['retry-after']),
      },
      policy,
    );
    if (delayMs > 0) {
      options.onRetry?.({
        method: error.options.method,
        path: error.options.url instanceof URL ? error.options.url.pathname : '',
        attempt: retry.attemptCount,
        delayMs,
        status: error.response?.statusCode,
      });
    }
    return delayMs;
  };

  const api: Got = got.extend({
    prefixUrl: baseUrl,
    headers,
    agent: { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) },
    timeout: { request: timeoutMs },
    responseType: 'text',
    // got drops only authorization and cookie on a redirect elsewhere: the API-Key header and the
    // body would follow. Only redirects on the same origin are followed.
    hooks: { beforeRedirect: [(next, response) => refuseCrossOrigin(new URL(baseUrl).pathname, next, response)] },
    retry: {
      limit: policy.limit,
      methods: [...SAFE_METHODS] as Method[],
      statusCodes: [429, 500, 502, 503, 504],
      maxRetryAfter: policy.maxRetryAfterMs,
      calculateDelay: delayFor,
    },
  });

  async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, json?: unknown, retry = true): Promise<T> {
    let overLimit = false;
    try {
      // Answers to writes are one small job: asking for no compression saves a zlib stream each.
      const request = api(path, { method, json, decompress: method === 'GET', ...(retry ? {} : { retry: { limit: 0 } }) });
      // got has no limit on a body it reads whole: count the bytes (after decompression) as they come.
      request.on('downloadProgress', ({ transferred }) => {
        if (transferred <= ANSWER_LIMITS.body || overLimit) return;
        overLimit = true;
        request.cancel();
      });
      const response = await request;
      const body = response.body;
      return (body === '' ? undefined : JSON.parse(body)) as T;
    } catch (error) {
      if (overLimit) throw tooLarge(method, path, "The server's answer to", ANSWER_LIMITS.body);
      throw toApiError(error, method, path, secrets);
    }
  }

  /** One page as a stream of jobs. Retries the page itself, skipping what was already yielded. */
  async function* page(searchParams: Record<string, string | number>): AsyncGenerator<Job> {
    let yielded = 0;
    for (let attempt = 1; ; attempt++) {
      let seen = 0;
      try {
        // A listing times out on silence, not on its length: no whole-request timeout here.
        const source = api.stream('job', { searchParams, retry: { limit: 0 }, timeout: { request: undefined, socket: idleTimeoutMs } });
        try {
          for await (const job of parseJsonArray<Job>(source, { maxElementChars: ANSWER_LIMITS.listElement })) {
            seen++;
            if (seen <= yielded) continue;
            yielded++;
            yield job;
          }
        } finally {
          source.destroy();
        }
        return;
      } catch (error) {
        if (error instanceof JsonElementTooLargeError) throw tooLarge('GET', 'job', "A job in the server's answer to", ANSWER_LIMITS.listElement);
        const apiError = error instanceof TimeoutError && error.event === 'socket'
          ? new ApiError('UNREACHABLE', `GET /job stopped: no bytes came for ${idleTimeoutMs / 1000} s, this tool's idle timeout for a listing.`, {
            method: 'GET', path: 'job', networkCode: 'ETIMEDOUT',
            hint: 'The server may be overloaded or down; try again later.',
          })
          : toApiError(error, 'GET', 'job', secrets);
        const delay = retryDelay(
          {
            attempt,
            method: 'GET',
            status: apiError.status,
            networkCode: apiError.networkCode,
            retryAfterMs: apiError.retryAfterMs,
          },
          policy,
        );
        if (delay === 0) throw apiError;
        options.onRetry?.({ method: 'GET', path: 'job', attempt, delayMs: delay, status: apiError.status });
        await sleep(delay);
      }
    }
  }

  return {
    baseUrl,
    version: () => call<VersionInfo>('GET', 'version'),
    async *listJobs(list: ListJobsOptions = {}) {
      const limit = list.limit ?? DEFAULT_PAGE_SIZE;
      const params = (offset: number) => {
        const searchParams: Record<string, string | number> = { [LIST_PARAMS.limit]: limit, [LIST_PARAMS.offset]: offset };
        if (list.modified !== undefined) searchParams[LIST_PARAMS.modified] = list.modified;
        return searchParams;
      };
      let offset = list.offset ?? 0;
      // The first page is streamed: a server that ignores limit sends everything in it.
      let count = 0;
      for await (const job of page(params(offset))) {
        count++;
        yield job;
      }
      // A short page is the last; a page longer than asked means the server does not page.
      if (count !== limit) return;
      offset += count;
      // The server pages: each next page is asked for as soon as the one before starts arriving,
      // so the server works while the caller does. It is read only as the caller goes on (what
      // arrives meanwhile waits in the socket), so no page is held in memory as parsed jobs.
      const ask = (at: number) => {
        const jobs = page(params(at));
        const first = jobs.next();
        first.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
        return { jobs, first };
      };
      let current = ask(offset);
      let ahead: ReturnType<typeof ask> | undefined;
      try {
        for (;;) {
          let onPage = 0;
          for (let result = await current.first; !result.done; result = await current.jobs.next()) {
            if (++onPage === 1) ahead = ask(offset + limit);
            yield result.value;
          }
          // A short page is the last: the one asked for after it is not needed.
          if (onPage !== limit || !ahead) return;
          offset += limit;
          current = ahead;
          ahead = undefined;
        }
      } finally {
        await current.jobs.return(undefined);
        await ahead?.jobs.return(undefined);
      }
    },
    getJob: (id) => call<Job>('GET', `job/${encodeURIComponent(String(id))}`),
    createJob: (job) => call<Job>('POST', 'job', job),
    putJob: (uuid, job, options) => call<Job>('PUT', `job/${encodeURIComponent(uuid)}`, job, options?.retry ?? true),
    deleteJob: async (id) => {
      await call<undefined>('DELETE', `job/${encodeURIComponent(String(id))}`);
    },
  };
}
