import type { CoredinationClient } from './client.js';
import type { RetryPolicy } from './retry-policy.js';
import type { Job } from './types.js';
import { ApiError } from '../errors.js';

/** How a job is read back. */
export interface ReadOptions {
  signal?: AbortSignal;
  /** The retries of this read (default the client's policy). */
  retry?: Partial<RetryPolicy>;
  /** Shorthands for `retry`: the first pause, and the tries in all. */
  baseDelayMs?: number;
  attempts?: number;
}

/**
 * `GET /job/{uuid}`: the job, or null when the server says there is none (404). Transient
 * failures are retried by the client's one policy (never more than its limit); an answer that is
 * not that job (`200 {}`, HTML) is neither: an ApiError, the lookup's outcome unknown. Used
 * wherever the tool reads a job back: to compare before an update, to settle a lost answer, and
 * to plan an undo.
 */
export async function readJob(client: CoredinationClient, uuid: string, options: ReadOptions = {}): Promise<Job | null> {
  const retry: Partial<RetryPolicy> = { ...options.retry };
  if (options.baseDelayMs !== undefined) retry.baseDelayMs = options.baseDelayMs;
  if (options.attempts !== undefined) retry.limit = Math.max(0, options.attempts - 1);
  try {
    return await client.getJob(uuid, { signal: options.signal, retry });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
