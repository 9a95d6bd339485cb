import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, CdbError } from '../errors.js';

/** The first pause after a failed try; each next one doubles, up to the last. */
export const RETRY_PAUSES = { firstMs: 2000, maxMs: 5 * 60_000 };

/** A certificate the machine does not trust: the handshake failed, and trying again will not mend it. */
const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/**
 * Whether a run's failure may pass if it is tried again later: no answer (refused, reset, timed
 * out, no such host yet), a 5xx, a 429 or a 408. Not a refused key, a bad file or mapping, a
 * disk that cannot be written, an interruption, nor a certificate that is not trusted. Read from
 * the error's code and the answer's status, never from its words.
 */
export function mayPass(error: unknown): boolean {
  if (error instanceof ApiError) {
    if (error.status !== undefined) return error.status >= 500 || error.status === 429 || error.status === 408;
    return error.code === 'UNREACHABLE' && !CERTIFICATE.test(error.networkCode ?? '');
  }
  return error instanceof CdbError && error.code === 'UNREACHABLE';
}

/**
 * The pause after the nth failed try: 2 s, 4 s, 8 s, … up to 5 min, each drawn from its upper
 * half (jitter, so that many schedules hitting one server do not come back at the same instant).
 */
export function retryPause(failedTries: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_PAUSES.firstMs * 2 ** Math.min(failedTries - 1, 30), RETRY_PAUSES.maxMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** One try's result, and its failure when it failed. */
export interface TryResult<T> {
  value: T;
  error?: unknown;
}

/** How to try a run again. */
export interface RetryOptions<T> {
  /** How long after the first try's start another may start, in ms (0: never). */
  budgetMs: number;
  /** Runs try number n (from 1). */
  attempt(n: number): Promise<TryResult<T>>;
  /** Which failures are worth another try (default mayPass). */
  passing?: (error: unknown) => boolean;
  /** Called for each failed try that will be tried again, with the pause before the next. */
  onRetry(result: TryResult<T>, n: number, pauseMs: number): void;
  /** Ends a pause: no further try starts. */
  stop?: AbortSignal;
  random?: () => number;
}

/**
 * Tries a run until it succeeds, fails for a reason that will not pass, or its budget is spent;
 * the last try's result is the run's. A pause ended by `stop` ends the run with that result.
 */
export async function withRetries<T>(options: RetryOptions<T>): Promise<TryResult<T> & { tries: number; stopped: boolean }> {
  const started = Date.now();
  const passing = options.passing ?? mayPass;
  for (let n = 1; ; n++) {
    const result = await options.attempt(n);
    if (result.error === undefined || !passing(result.error)) return { ...result, tries: n, stopped: false };
    if (options.stop?.aborted) return { ...result, tries: n, stopped: true };
    const retryAfter = result.error instanceof ApiError ? (result.error.retryAfterMs ?? 0) : 0;
    const pause = Math.max(retryPause(n, options.random), Math.min(retryAfter, RETRY_PAUSES.maxMs));
    if (Date.now() + pause - started > options.budgetMs) return { ...result, tries: n, stopped: false };
    options.onRetry(result, n, pause);
    try {
      await sleep(pause, undefined, { signal: options.stop });
    } catch {
      return { ...result, tries: n, stopped: true };
    }
  }
}
