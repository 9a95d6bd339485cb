/**
 * When a failed request is tried again, after how long, and when its outcome is unknown: a pure
 * decision, the one rule behind every call of the client (src/api/with-retry.ts runs it).
 */

/** Tunables of the retry policy. */
export interface RetryPolicy {
  /** Retries after the first attempt, at most, for failures other than 429 and 503. */
  limit: number;
  /**
   * Retries after the first attempt, at most, in all: 429 and 503 (the server asking to wait,
   * which costs nothing to honour) may use them beyond `limit`. One call makes at most
   * `max(limit, throttleLimit) + 1` requests.
   */
  throttleLimit: number;
  /** First backoff, doubled on every further attempt. */
  baseDelayMs: number;
  /** Backoff never grows beyond this. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is waited for only this long (see cappedRetryAfter). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  limit: 4,
  throttleLimit: 12,
  baseDelayMs: 250,
  maxDelayMs: 8000,
  maxRetryAfterMs: 120_000,
};

/** The methods that change something on the server. */
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Network error codes worth another attempt. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
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
export const NOT_SENT_NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * Node's codes for a server certificate it does not trust (self-signed, unknown issuer, expired,
 * wrong name): the handshake failed, nothing was sent, and no retry will mend it.
 */
export function isCertificateCode(code: string | undefined): boolean {
  return code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code);
}

/** What went wrong with one attempt, as far as the decision needs it. */
export interface FailedAttempt {
  method: string;
  /** Failures of this request so far, this one included (1 after the first attempt). */
  attempt: number;
  /** Of those, how many were 429 or 503. */
  throttled?: number;
  /** The answer's status; undefined when none came. */
  status?: number;
  networkCode?: string;
  /** The request may have reached the server and changed something there (sent, then no usable answer). */
  mayHaveLanded?: boolean;
  /** Parsed `Retry-After`, in milliseconds. */
  retryAfterMs?: number;
}

/**
 * What to do after a failed attempt:
 * - `wait`: try again after `ms` (`throttle` when the server asked everyone to slow down);
 * - `give-up`: the failure is final, and nothing was changed by it that the caller cannot see;
 * - `unknown`: a write that may have landed, whose outcome only a lookup can tell: never re-sent blindly.
 */
export type RetryDecision = { action: 'wait'; ms: number; throttle: boolean } | { action: 'give-up' } | { action: 'unknown' };

const GIVE_UP: RetryDecision = { action: 'give-up' };
const UNKNOWN: RetryDecision = { action: 'unknown' };

/**
 * The wait for a `Retry-After`: as asked, but never longer than the policy's cap (120 s by
 * default), so that a server asking for days costs one capped pause, not a wedged run.
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
 * The decision after a failed attempt:
 * - 401, 403, a certificate refused, any other 4xx: give up;
 * - 429 and 503 (nothing was done): wait for `Retry-After` (capped) or a backoff, any method,
 *   up to `throttleLimit` retries in all;
 * - a network error before anything was sent: backoff, any method;
 * - a POST that may have landed (a lost answer, a timeout, 500, 502, 504: the server may store the
 *   job and then fail): unknown, since sending it again could make a second job;
 * - an answer that is not what was asked for (a redirect, HTML, `{}`): unknown for a write (it may
 *   have been applied), give up for a read (asking again would bring the same);
 * - GET, PUT and DELETE otherwise (network errors, 500, 502, 504): backoff, up to `limit` times;
 *   a write still failing then, having possibly landed, is unknown.
 */
export function decideRetry(failure: FailedAttempt, policy: RetryPolicy = DEFAULT_RETRY_POLICY, random?: () => number): RetryDecision {
  const method = failure.method.toUpperCase();
  const write = WRITE_METHODS.has(method);
  const { status, networkCode } = failure;
  const landed = failure.mayHaveLanded ?? false;
  if (isCertificateCode(networkCode)) return GIVE_UP;
  const exhausted = failure.attempt > Math.max(policy.limit, policy.throttleLimit);
  if (status === 429 || status === 503) {
    const throttled = failure.throttled ?? failure.attempt;
    if (exhausted || throttled > policy.throttleLimit) return GIVE_UP;
    const ms = failure.retryAfterMs === undefined ? backoffDelay(throttled, policy, random) : Math.max(cappedRetryAfter(failure.retryAfterMs, policy), 1);
    return { action: 'wait', ms, throttle: true };
  }
  if (status !== undefined && status < 400) return write && landed ? UNKNOWN : GIVE_UP;
  const transient = status === undefined ? networkCode !== undefined && RETRYABLE_NETWORK_CODES.has(networkCode) : status === 500 || status === 502 || status === 504;
  if (!transient) return write && landed && status === undefined ? UNKNOWN : GIVE_UP;
  if (landed && method === 'POST') return UNKNOWN;
  const others = failure.attempt - (failure.throttled ?? 0);
  if (others > policy.limit || exhausted) return write && landed && status === undefined ? UNKNOWN : GIVE_UP;
  return { action: 'wait', ms: backoffDelay(others, policy, random), throttle: false };
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(date - now, 0);
}
