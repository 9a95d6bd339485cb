import type { CoredinationClient } from '../api/client.js';
import type { Job } from '../api/types.js';
import { ApiError } from '../errors.js';

/** How patiently a job is read back: transient failures (500, 503, 429, a dropped connection) are retried. */
export interface ReadPatience {
  /** First pause; it doubles each time (default 250 ms). */
  baseDelayMs?: number;
  /** Tries in all (default 6). */
  attempts?: number;
  signal?: AbortSignal;
}

/**
 * `GET /job/{uuid}`: the job, or null when the server says there is none (404). Transient
 * failures are retried with a doubling pause; anything else, or the last failure, is thrown.
 * Used wherever the tool reads a job back: to compare before an update, to settle a lost
 * answer, and to plan an undo.
 */
export async function readJob(client: CoredinationClient, uuid: string, patience: ReadPatience = {}): Promise<Job | null> {
  const attempts = patience.attempts ?? 6;
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.getJob(uuid);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      const transient = !(error instanceof ApiError) || error.status === undefined || error.status >= 500 || error.status === 429;
      if (!transient || attempt >= attempts || patience.signal?.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, (patience.baseDelayMs ?? 250) * 2 ** (attempt - 1)));
    }
  }
}
