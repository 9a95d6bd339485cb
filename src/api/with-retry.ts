import { ApiError, CdbError } from '../errors.js';
import { realClock, type Clock } from './clock.js';
import { decideRetry, DEFAULT_RETRY_POLICY, NOT_SENT_NETWORK_CODES, type RetryDecision, type RetryPolicy } from './retry-policy.js';

/** What a caller hears before each wait. */
export interface RetryInfo {
  method: string;
  path: string;
  /** Failures so far (1 before the first retry). */
  attempt: number;
  delayMs: number;
  status?: number;
  networkCode?: string;
  /** A 429 or 503: the server asked everyone to slow down. */
  throttle: boolean;
  /** The failed attempt may have reached the server and changed something there. */
  mayHaveLanded: boolean;
}

/** Spaces attempts and hears of the server's refusals, so that every caller sharing it slows down. */
export interface Gate {
  acquire(signal?: AbortSignal): Promise<void>;
  /** A 429 or 503 came: everyone pauses `waitMs`. */
  throttled(waitMs: number): void;
  /** An attempt was answered with anything but a refusal. */
  passed(): void;
}

/** How one call is retried. */
export interface RetryOptions {
  method: string;
  /** Relative to the base URL, for messages. */
  path: string;
  policy?: RetryPolicy;
  /** Stops the waits at once (Ctrl+C, SIGTERM): the call then throws an INTERRUPTED error. */
  signal?: AbortSignal;
  gate?: Gate;
  /** Runs right before each attempt leaves (a journal line); what it throws ends the call, unsent. */
  beforeAttempt?: () => void | Promise<void>;
  onRetry?: (info: RetryInfo) => void;
  clock?: Clock;
  random?: () => number;
}

/** The error of a call stopped by its signal (Ctrl+C, SIGTERM). */
export function interrupted(where: string): CdbError {
  return new CdbError('INTERRUPTED', `Interrupted while ${where} was under way.`, { hint: 'Run it again.' });
}

/** The same error, now known to leave the outcome of a write open. */
function asUnknown(error: ApiError): ApiError {
  if (error.outcomeUnknown) return error;
  return new ApiError(error.code, error.message, {
    method: error.method,
    path: error.path,
    status: error.status,
    body: error.body,
    networkCode: error.networkCode,
    retryAfterMs: error.retryAfterMs,
    hint: error.hint,
    outcomeUnknown: true,
  });
}

/**
 * Runs the attempts of one call over the retry policy. Returned by `retrier`, so that a call that
 * is not one promise (a streamed page) can use the same engine: `failed` waits, or throws the error
 * as the caller should see it (with `outcomeUnknown` when the policy says the write may have landed).
 */
export interface Retrier {
  /** Failures so far. */
  readonly attempts: number;
  /** Before each attempt: the gate, the stop signal, `beforeAttempt`. */
  before(): Promise<void>;
  /** After a failed attempt: resolves after the wait, or throws. */
  failed(error: unknown): Promise<void>;
  /** After an attempt that was answered. */
  answered(): void;
}

export function retrier(options: RetryOptions): Retrier {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const clock = options.clock ?? realClock;
  const where = `${options.method} /${options.path}`;
  let attempts = 0;
  let throttled = 0;
  const stop = (): never => {
    throw interrupted(where);
  };
  return {
    get attempts() {
      return attempts;
    },
    async before() {
      if (options.signal?.aborted) stop();
      await options.gate?.acquire(options.signal);
      try {
        if (options.signal?.aborted) stop();
        await options.beforeAttempt?.();
      } catch (error) {
        options.gate?.passed(); // the slot was taken but nothing left: the gate must not wait for it
        throw error;
      }
    },
    answered() {
      options.gate?.passed();
    },
    async failed(error) {
      // Stopped: a request cut off by it is interrupted; an answer that came is still what it says.
      const aborted = options.signal?.aborted === true;
      if (!(error instanceof ApiError) || (aborted && error.status === undefined)) {
        options.gate?.passed();
        if (aborted) stop();
        throw error;
      }
      attempts++;
      const status = error.status;
      const throttle = status === 429 || status === 503;
      if (throttle) throttled++;
      else options.gate?.passed();
      const mayHaveLanded = error.outcomeUnknown || (status !== undefined && status >= 500) || (status === undefined && !(error.networkCode && NOT_SENT_NETWORK_CODES.has(error.networkCode)));
      const decision: RetryDecision = decideRetry(
        { method: options.method, attempt: attempts, throttled, status, networkCode: error.networkCode, mayHaveLanded, retryAfterMs: error.retryAfterMs },
        policy,
        options.random,
      );
      // A refusal pauses everyone sharing the gate, even when this call gives up on it.
      if (throttle) options.gate?.throttled(decision.action === 'wait' ? decision.ms : 0);
      if (decision.action === 'give-up') throw error;
      if (decision.action === 'unknown') throw asUnknown(error);
      if (aborted) stop();
      options.onRetry?.({ method: options.method, path: options.path, attempt: attempts, delayMs: decision.ms, status, networkCode: error.networkCode, throttle: decision.throttle, mayHaveLanded });
      await clock.sleep(decision.ms, options.signal);
      if (options.signal?.aborted) stop();
    },
  };
}

/**
 * Runs `attempt` until it succeeds or the retry policy says stop: the one retry engine of the
 * project (writes, listing pages, single reads, /version). `attempt` throws ApiErrors; anything
 * else it throws (a bug, a journal that cannot be written) ends the call at once.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retry = retrier(options);
  for (let n = 1; ; n++) {
    await retry.before();
    try {
      const result = await attempt(n);
      retry.answered();
      return result;
    } catch (error) {
      await retry.failed(error);
    }
  }
}
