import type { Job } from '../api/types.js';
import type { Probe } from './probe.js';
import type { ScratchJob, ScratchReport } from './types.js';

/** The title of every job `doctor --write` makes, so that anyone who sees one knows what it is. */
export const SCRATCH_TITLE = 'coredination-batch doctor scratch job — safe to delete';

interface Entry extends ScratchJob {
  /** Known to exist (an answer said so), or only perhaps (a write whose answer was lost). */
  made: boolean;
  gone: boolean;
}

/** Said when a write's answer was lost and no job holds the uuid it sent. */
export function unseenWarning(count: number): string {
  return `${count === 1 ? 'A write' : `${count} writes`} of a scratch job went unanswered, and no job holds the uuid sent: a server that gives jobs uuids of its own may have made ${count === 1 ? 'one' : 'them'} all the same. Look for "${SCRATCH_TITLE}" in Coredination and delete what you find.`;
}

const plain = ({ uuid, id }: Entry): ScratchJob => ({ uuid, ...(id === undefined ? {} : { id }) });

/** The scratch jobs `--write` made or may have made, until each is known gone. */
export class Scratch {
  private readonly jobs = new Map<string, Entry>();

  /** Before a write that may make a job under this uuid: if its answer is lost, the job may exist. */
  maybe(uuid: string): void {
    const key = uuid.toLowerCase();
    if (!this.jobs.has(key)) this.jobs.set(key, { uuid: key, made: false, gone: false });
  }

  /** A write made this job (under `sent`, or under the server's own uuid). */
  made(job: Job, sent: string): void {
    const uuid = String(job.uuid).toLowerCase();
    this.jobs.delete(sent.toLowerCase());
    this.jobs.set(uuid, { uuid, ...(typeof job.id === 'number' ? { id: job.id } : {}), made: true, gone: false });
  }

  /** The server refused the write: it made nothing under this uuid. */
  notMade(uuid: string): void {
    this.jobs.delete(uuid.toLowerCase());
  }

  /** The job is known gone (a GET answered 404 after its DELETE). */
  gone(uuid: string): void {
    const job = this.jobs.get(uuid.toLowerCase());
    if (job) job.gone = true;
  }

  /**
   * Removes every job not yet known gone (DELETE, then GET must answer 404), whatever happened
   * before: a job that cannot be removed is reported as left, for the user to delete. A job only
   * perhaps made that is not there was never made.
   */
  async removeAll(probe: Probe): Promise<ScratchReport> {
    for (const job of this.jobs.values()) {
      if (job.gone) continue;
      const deleted = await probe.remove(job.uuid).catch(() => undefined);
      const still = await probe.job(job.uuid).catch(() => undefined);
      // Not there now: removed (or, only perhaps made and never answered as there, never made).
      if (still === null) job.gone = true;
      if (deleted === true || still !== null) job.made = true;
    }
    const made = [...this.jobs.values()].filter((job) => job.made);
    return {
      made: made.map(plain),
      removed: made.filter((job) => job.gone).map(plain),
      left: made.filter((job) => !job.gone).map(plain),
      unseen: [...this.jobs.values()].filter((job) => !job.made).length,
    };
  }
}
