import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DRAFT_STATE, LIST_OMITTED_FIELDS, SCHEDULED_STATE } from '../api/assumptions.js';
import type { Job } from '../api/types.js';
import { CdbError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

const FIRST_ID = 100_001;
const SERVER_FIELDS = new Set(['id', 'uuid', 'state', 'reported', 'created', 'modified']);

/** The state a job's resources imply: DRAFT without resources, FINISHED when all finished. */
function deriveState(job: Job): Pick<Job, 'state' | 'reported'> {
  const resources = Array.isArray(job.resources) ? job.resources : [];
  if (resources.length === 0) return { state: DRAFT_STATE, reported: false };
  const finished = resources.every((resource) => resource.state === 'FINISHED');
  return {
    state: finished ? 'FINISHED' : SCHEDULED_STATE,
    reported: resources.some((resource) => resource.reported === true),
  };
}

/** The list representation: the job without events, signature, documents, items, customFields. */
export function listView(job: Job): Job {
  const view: Job = { ...job };
  for (const field of LIST_OMITTED_FIELDS) delete view[field];
  return view;
}

/** What `listJobs` filters by. */
export interface StoreQuery {
  limit?: number;
  offset?: number;
  modifiedSince?: number;
}

/** The error for a data file that cannot be used: the sandbox does not start on it. */
function badDataFile(file: string, problem: string, cause?: unknown): CdbError {
  return new CdbError('INPUT', `The sandbox's data file cannot be loaded: ${problem}.`, {
    cause,
    context: { file },
    hint: 'Give --data a file this sandbox wrote, or a new path to start with no jobs (move the damaged one aside to keep it).',
  });
}

/**
 * The sandbox's jobs, in id order, indexed by uuid; optionally persisted to a JSON file that is
 * rewritten atomically (temporary file, then rename). The server answers a write only once
 * `committed()` says it is in the file, so a sandbox killed at any moment has kept every write it
 * acknowledged. Writes that arrive while the file is being written share the next rewrite.
 */
export class JobStore {
  private readonly byId = new Map<number, Job>();
  private readonly idByUuid = new Map<string, number>();
  private nextId = FIRST_ID;
  private lastStamp = 0;
  /** Changes made, and how many of them the data file holds. */
  private changes = 0;
  private savedChanges = 0;
  private writing: Promise<void> | undefined;

  constructor(private readonly dataFile?: string) {}

  /** Loads the data file when there is one and it exists. */
  async load(): Promise<void> {
    if (!this.dataFile) return;
    let text: string;
    try {
      text = await readFile(this.dataFile, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      throw badDataFile(this.dataFile, code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (error as Error).message, error);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw badDataFile(this.dataFile, `it is not valid JSON (${(error as Error).message})`, error);
    }
    const jobs = (data as { jobs?: unknown } | null)?.jobs;
    if (typeof data !== 'object' || data === null || Array.isArray(data) || !Array.isArray(jobs)) {
      throw badDataFile(this.dataFile, 'expected an object {"jobs": [...]}, as the sandbox writes it');
    }
    jobs.forEach((job: unknown, i) => {
      const id = (job as Job | null)?.id;
      if (typeof job !== 'object' || job === null || Array.isArray(job) || typeof id !== 'number' || !Number.isSafeInteger(id)) {
        throw badDataFile(this.dataFile as string, `jobs[${i}] is not a job with a numeric id`);
      }
      const uuid = (job as Job).uuid;
      if (uuid !== undefined && typeof uuid !== 'string') throw badDataFile(this.dataFile as string, `jobs[${i}].uuid is not a string`);
    });
    for (const job of jobs as Job[]) this.insert(job);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Every job, full representation, in id order. */
  all(): Job[] {
    return [...this.byId.values()];
  }

  /** A page of jobs, filtered by modification time. */
  list(query: StoreQuery = {}): Job[] {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    const since = query.modifiedSince;
    const page: Job[] = [];
    let skipped = 0;
    for (const job of this.byId.values()) {
      if (page.length >= limit) break;
      if (since !== undefined && (job.modified ?? 0) < since) continue;
      if (skipped < offset) {
        skipped++;
        continue;
      }
      page.push(job);
    }
    return page;
  }

  /** By numeric id or uuid. */
  get(idOrUuid: string | number): Job | undefined {
    const key = String(idOrUuid);
    const id = /^\d+$/.test(key) ? Number(key) : this.idByUuid.get(key.toLowerCase());
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Stores a new job from a (validated) body; the server makes id, uuid, state and timestamps. */
  create(body: Job, uuid?: string): Job {
    const now = this.stamp();
    const fields = stripServerFields(body);
    const job: Job = {
      items: [],
      customFields: {},
      events: [],
      documents: [],
      ...fields,
      id: this.nextId,
      uuid: (uuid ?? (typeof body.uuid === 'string' ? body.uuid : randomUUID())).toLowerCase(),
      created: now,
      modified: now,
    };
    Object.assign(job, deriveState(job));
    this.insert(job);
    this.changed();
    return job;
  }

  /** Updates the attributes present in `body`, leaving the others as they are; or, with `replace`, clears the others. */
  update(job: Job, body: Job, replace = false): Job {
    if (replace) {
      for (const key of Object.keys(job)) if (!['id', 'uuid', 'created', 'modified', 'state', 'reported'].includes(key)) delete job[key];
    }
    Object.assign(job, stripServerFields(body), { modified: this.stamp() });
    Object.assign(job, deriveState(job));
    this.changed();
    return job;
  }

  delete(job: Job): void {
    this.byId.delete(job.id as number);
    if (job.uuid) this.idByUuid.delete(job.uuid);
    this.changed();
  }

  /** Adds a complete job (loaded or generated) as it is. */
  insert(job: Job): void {
    const id = job.id as number;
    this.byId.set(id, job);
    if (job.uuid) this.idByUuid.set(job.uuid.toLowerCase(), id);
    this.nextId = Math.max(this.nextId, id + 1);
    this.lastStamp = Math.max(this.lastStamp, job.modified ?? 0);
  }

  /** The next numeric id. */
  peekNextId(): number {
    return this.nextId;
  }

  /** Resolves once every change made so far is in the data file (at once without one). */
  async committed(): Promise<void> {
    const wanted = this.changes;
    while (this.savedChanges < wanted) {
      this.writing ??= this.save().finally(() => (this.writing = undefined));
      await this.writing;
    }
  }

  /** Writes pending changes now. */
  flush(): Promise<void> {
    return this.committed();
  }

  /** Modification stamps strictly increase, so that "modified since" never misses a change. */
  private stamp(): number {
    this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
    return this.lastStamp;
  }

  private changed(): void {
    if (this.dataFile) this.changes++;
  }

  /** Writes every job as it is now; the changes counted so far are then saved. */
  private async save(): Promise<void> {
    const upTo = this.changes;
    await writeFileAtomic(this.dataFile as string, JSON.stringify({ jobs: this.all() }));
    this.savedChanges = Math.max(this.savedChanges, upTo);
  }
}

function stripServerFields(body: Job): Job {
  const out: Job = {};
  for (const [key, value] of Object.entries(body)) if (!SERVER_FIELDS.has(key)) out[key] = value;
  return out;
}
