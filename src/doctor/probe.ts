import type { CoredinationClient } from '../api/client.js';
import { pageLabel, pageParams } from '../api/read-page.js';
import { readJob } from '../api/read-job.js';
import type { Job, PageQuery, VersionInfo } from '../api/types.js';
import { ApiError } from '../errors.js';
import type { Reporter } from '../reporter.js';

/**
 * The doctor's requests, each through the one configured client (its retry policy, its checks of
 * every answer, the key only to its own origin), counted and told to the reporter (--verbose)
 * before it leaves.
 */
export class Probe {
  constructor(
    private readonly client: CoredinationClient,
    private readonly reporter: Reporter,
    private readonly signal?: AbortSignal,
    private readonly counter = { requests: 0 },
  ) {}

  get requests(): number {
    return this.counter.requests;
  }

  /** The same requests, deaf to the stop signal: to remove what `--write` made after Ctrl+C. */
  unstoppable(): Probe {
    return new Probe(this.client, this.reporter, undefined, this.counter);
  }

  private ask(label: string): void {
    this.counter.requests++;
    this.reporter.detail(`doctor: ${label}`);
  }

  version(): Promise<VersionInfo> {
    this.ask('GET /version');
    return this.client.version({ signal: this.signal });
  }

  /** One page as the server gives it: its first `most` jobs. */
  page(query: PageQuery, most: number): Promise<Job[]> {
    this.ask(pageLabel(pageParams(query)));
    return this.client.listPage(query, { most, signal: this.signal });
  }

  /** `GET /job/{uuid}`: the job, or null for a 404. */
  job(uuid: string): Promise<Job | null> {
    this.ask(`GET /job/${uuid}`);
    return readJob(this.client, uuid, { signal: this.signal });
  }

  create(job: Job): Promise<Job> {
    this.ask('POST /job');
    return this.client.createJob(job, { signal: this.signal });
  }

  put(uuid: string, job: Job): Promise<Job> {
    this.ask(`PUT /job/${uuid}`);
    return this.client.putJob(uuid, job, { signal: this.signal });
  }

  /** `DELETE /job/{uuid}`: true when answered as done, false for a 404 (no such job). */
  async remove(uuid: string): Promise<boolean> {
    this.ask(`DELETE /job/${uuid}`);
    try {
      await this.client.deleteJob(uuid, { signal: this.signal });
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return false;
      throw error;
    }
  }
}

/**
 * A request the server refused as such (a 4xx other than a refused key, a timeout or a throttle):
 * an answer about the assumption checked, in a few words ("answered 404: Job … not found"); else
 * undefined (a failure that ends the doctor: the key, the network).
 */
export function refusal(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.code !== 'HTTP' || error.status === undefined) return undefined;
  if (error.status < 400 || error.status >= 500 || [401, 403, 408, 429].includes(error.status)) return undefined;
  return `answered ${error.status}${error.body ? `: ${error.body}` : ''}`;
}

/** A write refused because the key may only read (403). */
export function mayNotWrite(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'AUTH' && error.status === 403;
}
