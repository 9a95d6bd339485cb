import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '../api/types.js';

const SLICE = 500;

/** Resolves when the socket can take more, or the client has gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

/**
 * Writes a listing as a JSON array of jobs, each as `view` shows it: in slices, waiting for the socket to drain between them; or,
 * with `trickle`, one byte every `trickle` ms (a server that never goes quiet and never finishes),
 * until the client goes.
 */
export async function writeList(res: ServerResponse, items: (Job | null)[], view: (job: Job) => Job, trickle?: number): Promise<void> {
  if (trickle) {
    const bytes = Buffer.from(JSON.stringify(items.map((job) => job && view(job))));
    for (let i = 0; i < bytes.length && !res.destroyed; i++) {
      res.write(bytes.subarray(i, i + 1));
      await sleep(trickle);
    }
    if (!res.destroyed) res.end();
    return;
  }
  res.write('[');
  for (let i = 0; i < items.length && !res.destroyed; i += SLICE) {
    const part = items.slice(i, i + SLICE).map((job) => JSON.stringify(job && view(job))).join(',');
    if (!res.write(i === 0 ? part : `,${part}`)) await drained(res);
  }
  res.end(']');
}
