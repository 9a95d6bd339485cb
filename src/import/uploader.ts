import pLimit from 'p-limit';
import { putCreated } from '../api/assumptions.js';
import type { CoredinationClient } from '../api/client.js';
import { backoffDelay, cappedRetryAfter, DEFAULT_RETRY_POLICY, isCertificateCode, type RetryPolicy } from '../api/retry-policy.js';
import type { Job } from '../api/types.js';
import { ApiError, CdbError } from '../errors.js';
import type { Outcome } from './journal.js';
import { realClock, type Clock, type RateGate } from '../api/rate-gate.js';

/** How one row's request ended. */
export interface SendResult {
  outcome: Exclude<Outcome, 'skipped'> | 'not-sent';
  job?: Job;
  reason?: string;
  status?: number;
}

/** Tunables of the uploader. */
export interface UploaderOptions {
  concurrency: number;
  retry?: Partial<RetryPolicy>;
  /** How many 429/503 answers one row may meet before it fails (default 12). */
  throttleRetries?: number;
  signal?: AbortSignal;
  clock?: Clock;
  onRetry?: (info: { status?: number; networkCode?: string; delayMs: number }) => void;
}

/**
 * Sends job payloads with at most `concurrency` in flight and starts spaced by the rate gate.
 * It decides every retry itself (the client's own retries are turned off), so that a 429 or 503 on
 * one request slows all of them, and so that a POST whose answer was lost is never re-sent.
 */
export class Uploader {
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly policy: RetryPolicy;
  private readonly clock: Clock;
  private waiters: (() => void)[] = [];
  private queued = 0;
  /** A run-wide failure (key refused, server unreachable): no further request is started. */
  fatal: CdbError | undefined;
  retries = 0;

  constructor(
    private readonly client: CoredinationClient,
    private readonly gate: RateGate,
    private readonly options: UploaderOptions,
  ) {
    this.limit = pLimit(options.concurrency);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.clock = options.clock ?? realClock;
  }

  /** Requests in flight or waiting for a slot. */
  get pending(): number {
    return this.queued;
  }

  get stopped(): boolean {
    return this.fatal !== undefined || this.options.signal?.aborted === true;
  }

  /** Waits until fewer than `window` requests are pending: the reader pauses meanwhile. */
  async room(window: number): Promise<void> {
    while (this.pending >= window) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Waits until nothing is pending. */
  async drain(): Promise<void> {
    await this.room(1);
  }

  /**
   * Queues one row. `beforeSend` runs right before each attempt leaves (the journal's record);
   * a row that never left comes back as `not-sent`.
   */
  send(job: Job, uuid: string | undefined, beforeSend: () => void | Promise<void>): Promise<SendResult> {
    this.queued++;
    const settled = () => {
      this.queued--;
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    };
    const result = this.limit(() => this.attempts(job, uuid, beforeSend));
    result.then(settled, settled);
    return result;
  }

  private async attempts(job: Job, uuid: string | undefined, beforeSend: () => void | Promise<void>): Promise<SendResult> {
    const method = uuid ? 'PUT' : 'POST';
    let failures = 0;
    let throttled = 0;
    let serverErrors = 0;
    // Sent and then stopped: the server may have applied it, so the outcome is unknown (a re-run settles it).
    const stoppedAt = (sent: boolean): SendResult => (sent ? { outcome: 'unknown', reason: 'the run stopped before this row was answered: it may or may not have been applied' } : { outcome: 'not-sent' });
    for (let sent = false; ; ) {
      if (this.stopped) return stoppedAt(sent);
      await this.gate.acquire(this.options.signal);
      if (this.stopped) return stoppedAt(sent);
      await beforeSend();
      sent = true;
      try {
        const answer = uuid ? await this.client.putJob(uuid, job, { retry: false }) : await this.client.createJob(job);
        return { outcome: uuid && !putCreated(answer) ? 'updated' : 'created', job: answer };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const status = error.status;
        let wait: number | undefined;
        if (status === 401 || status === 403) {
          this.fatal ??= error;
          return { outcome: 'failed', reason: error.message, status };
        } else if (status === 429 || status === 503) {
          throttled++;
          if (throttled > (this.options.throttleRetries ?? 12)) return { outcome: 'failed', reason: `${error.message} (still after ${throttled} tries)`, status };
          wait = error.retryAfterMs === undefined ? backoffDelay(throttled, this.policy) : cappedRetryAfter(error.retryAfterMs, this.policy);
          this.gate.throttled(wait);
        } else if (status === 500 && method === 'POST') {
          // A server may store the job and then fail: a 500 to a POST is an unknown outcome,
          // settled by looking the row's uuid up, never by sending it again blindly.
          return { outcome: 'unknown', reason: `${error.message}: the server failed, and may or may not have stored the job`, status };
        } else if (status === 500) {
          // The API says "try again, once"; a row is worth a few more tries with a growing pause
          // before it is reported failed, since a lost row costs the user more than a retry.
          serverErrors++;
          if (serverErrors > this.policy.limit) return { outcome: 'failed', reason: error.message, status };
          wait = backoffDelay(serverErrors, this.policy);
        } else if (status === 502 || status === 504) {
          if (method === 'POST') return { outcome: 'unknown', reason: `${error.message}: a gateway error, the job may or may not have been created`, status };
          failures++;
          wait = failures > this.policy.limit ? undefined : backoffDelay(failures, this.policy);
          if (wait === undefined) return { outcome: 'failed', reason: error.message, status };
        } else if (status !== undefined) {
          return { outcome: 'rejected', reason: error.body ?? error.message, status };
        } else if (isCertificateCode(error.networkCode)) {
          this.fatal ??= error;
          return { outcome: 'failed', reason: error.message };
        } else if (error.outcomeUnknown && method === 'POST') {
          return { outcome: 'unknown', reason: `${error.message}: the job may or may not have been created` };
        } else {
          failures++;
          if (failures > this.policy.limit) {
            if (!error.outcomeUnknown) {
              this.fatal ??= new ApiError('UNREACHABLE', `${error.message} Gave up after ${failures} attempts.`, { method: error.method, path: error.path, networkCode: error.networkCode, hint: error.hint });
              return { outcome: 'failed', reason: error.message };
            }
            return { outcome: 'unknown', reason: `${error.message} (after ${failures} attempts)` };
          }
          wait = backoffDelay(failures, this.policy);
        }
        this.retries++;
        this.options.onRetry?.({ status, networkCode: error.networkCode, delayMs: wait });
        await this.clock.sleep(wait, this.options.signal);
      }
    }
  }
}
