import pLimit from 'p-limit';
import { putCreated } from '../api/assumptions.js';
import type { CallOptions, CoredinationClient } from '../api/client.js';
import { DEFAULT_RETRY_POLICY, isCertificateCode, type RetryPolicy } from '../api/retry-policy.js';
import type { Job } from '../api/types.js';
import { ApiError, CdbError } from '../errors.js';
import type { Outcome } from './journal.js';
import type { Clock, RateGate } from '../api/rate-gate.js';

/** How one row's request ended. */
export interface SendResult {
  outcome: Exclude<Outcome, 'skipped'> | 'not-sent';
  job?: Job;
  reason?: string;
  status?: number;
  /** An attempt before the one answered may have reached the server (its answer was lost). */
  earlierMayHaveLanded?: boolean;
}

/** Tunables of the uploader. */
export interface UploaderOptions {
  concurrency: number;
  retry?: Partial<RetryPolicy>;
  /** How many 429/503 answers one row may meet before it fails (default: the policy's throttleLimit, 12). */
  throttleRetries?: number;
  signal?: AbortSignal;
  /** The clock of the retry waits. */
  clock?: Clock;
  /** Before each retry's wait; `paused` is when the pause of every sender ends (epoch ms), while one is on. */
  onRetry?: (info: { status?: number; networkCode?: string; delayMs: number; paused?: number }) => void;
}

/** Thrown before an attempt when the run has stopped (another row's fatal failure). */
/** Thrown out of an attempt that must not leave: the run has stopped. */
const STOPPED = new Error('stopped');

/**
 * Sends job payloads with at most `concurrency` in flight and starts spaced by the rate gate.
 * Each request runs through the client's one retry engine with the gate, so that a 429 or 503 on
 * one request slows all of them, and a POST whose answer was lost (or not the job sent) is never
 * sent again: its row is `unknown`, settled by a lookup.
 */
export class Uploader {
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly policy: RetryPolicy;
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
    if (options.throttleRetries !== undefined) this.policy.throttleLimit = options.throttleRetries;
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
    let tries = 0;
    let throttled = 0;
    let landed = false;
    const call: CallOptions = {
      signal: this.options.signal,
      gate: this.gate,
      retry: this.policy,
      clock: this.options.clock,
      beforeAttempt: async () => {
        if (this.stopped) throw STOPPED;
        await beforeSend();
        tries++;
      },
      onRetry: (info) => {
        this.retries++;
        if (info.throttle) throttled++;
        else if (info.mayHaveLanded) landed = true;
        this.options.onRetry?.({ status: info.status, networkCode: info.networkCode, delayMs: info.delayMs, paused: this.gate.pausedUntil() });
      },
    };
    try {
      const answer = uuid ? await this.client.putJob(uuid, job, call) : await this.client.createJob(job, call);
      return { outcome: uuid && !putCreated(answer) ? 'updated' : 'created', job: answer, ...(landed ? { earlierMayHaveLanded: true } : {}) };
    } catch (error) {
      if (error === STOPPED || (error instanceof CdbError && error.code === 'INTERRUPTED')) {
        // Sent and then stopped: the server may have applied it, so the outcome is unknown (a re-run settles it).
        return tries > 0 ? { outcome: 'unknown', reason: 'the run stopped before this row was answered: it may or may not have been applied' } : { outcome: 'not-sent' };
      }
      if (!(error instanceof ApiError)) throw error;
      return this.ended(error, method, tries, throttled);
    }
  }

  /** What the last failure of a row means for it, and for the run. */
  private ended(error: ApiError, method: 'POST' | 'PUT', tries: number, throttled: number): SendResult {
    const status = error.status;
    if (status === 401 || status === 403 || isCertificateCode(error.networkCode)) {
      this.fatal ??= error;
      return { outcome: 'failed', reason: error.message, status };
    }
    if (error.outcomeUnknown) {
      // A lost answer, a 5xx to a POST, an answer that is not the job sent: settled by a lookup.
      const said = /may or may not/.test(error.message);
      const reason = said ? error.message : method === 'POST' ? `${error.message}: the job may or may not have been created` : `${error.message} (after ${tries} attempts): it may or may not have been applied`;
      return { outcome: 'unknown', reason, status };
    }
    if (status === 429 || status === 503) return { outcome: 'failed', reason: `${error.message} (still after ${throttled + 1} tries)`, status };
    if (status !== undefined && status >= 500) return { outcome: 'failed', reason: error.message, status };
    if (status !== undefined) return { outcome: 'rejected', reason: error.body ?? error.message, status };
    // Never reached the server, however often tried: no further row will either.
    this.fatal ??= new ApiError('UNREACHABLE', `${error.message} Gave up after ${tries} attempts.`, { method: error.method, path: error.path, networkCode: error.networkCode, hint: error.hint });
    return { outcome: 'failed', reason: error.message };
  }
}
