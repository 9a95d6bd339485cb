/**
 * When to retry a request, and after how long. A pure function, shared by the got instance
 * (promise calls) and the paged list stream (which retries pages itself).
 */

/** Tunables of the retry policy. */
export interface RetryPolicy {
  /** Retries after the first attempt, at most. */
  limit: number;
  /** First backoff, doubled on every further attempt. */
  baseDelayMs: number;
  /** Backoff never grows beyond this. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is waited for only this long (see cappedRetryAfter). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  limit: 4,
  baseDelayMs: 250,
  maxDelayMs: 8000,
  maxRetryAfterMs: 120_000,
};

/** Methods that may be repeated without changing the outcome. POST is not among them. */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Network error codes worth another attempt. */
export const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** Network errors that prove the request never reached the server. */
export const NOT_SENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * Node's codes for a server certificate it does not trust (self-signed, unknown issuer, expired,
 * wrong name): the handshake failed, nothing was sent, and no retry will mend it.
 */
export function isCertificateCode(code: string | undefined): boolean {
  return code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code);
}

/** What went wrong with one attempt. */
export interface FailedAttempt {
  /** 1 for the first retry decision (after the first attempt failed). */
  attempt: number;
  method: string;
  status?: number;
  networkCode?: string;
  /** Parsed `Retry-After`, in milliseconds. */
  retryAfterMs?: number;
}

/**
 * The wait for a `Retry-After`: as asked, but never longer than the policy's cap (120 s by
 * default), so that a server asking for days costs one capped pause, not a wedged run. The one
 * rule for the client's retries and the import's senders; their retry limits bound the total.
 */
export function cappedRetryAfter(retryAfterMs: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  return Math.min(Math.max(retryAfterMs, 0), policy.maxRetryAfterMs);
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so that many
 * clients retrying together spread out.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  return Math.round(step / 2 + (random() * step) / 2);
}

/**
 * The delay before the next attempt in milliseconds, or 0 when the request should not be retried:
 * - only safe methods (POST never: its outcome could be a duplicate),
 * - network errors and 502/504 with backoff,
 * - 429 and 503 honouring `Retry-After` up to the cap (backoff when absent),
 * - 500 once ("try again, once", as the API documents it).
 */
export function retryDelay(failure: FailedAttempt, policy: RetryPolicy = DEFAULT_RETRY_POLICY, random?: () => number): number {
  if (!SAFE_METHODS.has(failure.method.toUpperCase())) return 0;
  if (failure.attempt > policy.limit) return 0;
  const { status } = failure;
  if (status === undefined) {
    return failure.networkCode && RETRYABLE_NETWORK_CODES.has(failure.networkCode)
      ? backoffDelay(failure.attempt, policy, random)
      : 0;
  }
  if (status === 429 || status === 503) {
    if (failure.retryAfterMs !== undefined) {
      return Math.max(cappedRetryAfter(failure.retryAfterMs, policy), 1);
    }
    return backoffDelay(failure.attempt, policy, random);
  }
  if (status === 500) return failure.attempt === 1 ? backoffDelay(1, policy, random) : 0;
  if (status === 502 || status === 504) return backoffDelay(failure.attempt, policy, random);
  return 0;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(date - now, 0);
}
