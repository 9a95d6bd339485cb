import { LIST_OMITTED_FIELDS } from '../api/assumptions.js';
import type { CoredinationClient } from '../api/client.js';
import type { Job } from '../api/types.js';
import { getPath, parseFieldPath } from '../mapping/field-path.js';
import type { Reporter } from '../reporter.js';

/** A job of the account, as much of it as a keyed import needs. */
export interface AccountJob {
  id?: number;
  uuid: string;
  /** The top-level attributes the mapping sends, as the list answer has them. */
  values: Job;
  /** False when the mapping sends attributes the list leaves out (customFields): fetch the job. */
  complete: boolean;
  /** Its key, as matched. */
  key?: string;
  /**
   * True when the account was read twice and only the first reading listed it: it may have been
   * deleted since (read it again before trusting it).
   */
  unconfirmed?: boolean;
}

/** How the account was read, for the plan to tell. */
export interface AccountReading {
  /** Jobs in the account, as its last reading listed them. */
  jobs: number;
  /** 2 when the account changed while it was read, and was read again. */
  readings: 1 | 2;
  /** Why it was read again. */
  why?: string;
  /** The second reading, too, saw the account change (others are at work in it): why. */
  stillChanging?: string;
}

/** How the account is read. */
export interface LoadOptions {
  /** Jobs asked for per page (default the client's, 500). */
  pageSize?: number;
  signal?: AbortSignal;
}

/** A key value as matched: trimmed text of the field (`0010000` stays `0010000`; 42 is `42`). */
export function keyText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  // One spelling of each character (é composed or as e + accent), as people see them.
  const text = (typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '').trim().normalize('NFC');
  return text === '' ? undefined : text;
}

/**
 * The jobs of an account by their key field (e.g. `referenceNo`), read from `GET /job` paged and
 * streamed. Only the attributes the mapping sends are kept, so a million jobs fit in memory. A
 * listing that saw the account change while it was read (src/api/list-jobs.ts) is read again and
 * merged: a key found in either reading is matched, to the second reading's job where it has one,
 * so that a job moved out of sight by others' work is never taken for a job to create.
 */
export class AccountIndex {
  private readonly byKey = new Map<string, AccountJob | AccountJob[]>();
  private readonly byUuid = new Map<string, AccountJob>();
  /** Keys the second reading has seen: their jobs replace the first reading's. */
  private secondKeys: Set<string> | undefined;
  readonly reading: AccountReading = { jobs: 0, readings: 1 };

  private constructor(
    readonly keyField: string,
    private readonly attributes: readonly string[],
    private readonly keyParts: readonly (string | number)[],
    private readonly complete: boolean,
  ) {}

  /** Jobs in the account, as its last reading listed them (those of an earlier one are matched too). */
  get size(): number {
    return this.reading.jobs;
  }

  /**
   * Reads the account. `attributes` are the top-level attributes the mapping sends; those the list
   * leaves out (LIST_OMITTED_FIELDS) make each matched job be fetched before it is compared. A
   * listing the tool cannot trust (a job without a uuid, a server that ignores offset) throws.
   */
  static async load(client: CoredinationClient, keyField: string, attributes: readonly string[], reporter?: Reporter, options: LoadOptions = {}): Promise<AccountIndex> {
    const complete = !attributes.some((a) => (LIST_OMITTED_FIELDS as readonly string[]).includes(a));
    const index = new AccountIndex(keyField, attributes, parseFieldPath(keyField) ?? [keyField], complete);
    const read = async () => {
      const listing = client.listJobs({ limit: options.pageSize, signal: options.signal });
      let read = 0;
      for await (const job of listing) {
        index.add(job);
        if (++read % 10_000 === 0) reporter?.progress?.({ phase: 'account', done: read });
      }
      index.reading.jobs = read;
      return listing.report;
    };
    const first = await read();
    if (first.changed) {
      index.reading.readings = 2;
      index.reading.why = first.why;
      reporter?.detail(`The account changed while it was read: ${first.why}. Reading it again.`);
      index.secondKeys = new Set();
      for (const job of index.byUuid.values()) job.unconfirmed = true;
      const second = await read();
      index.secondKeys = undefined;
      if (second.changed) index.reading.stillChanging = second.why;
    }
    return index;
  }

  private add(job: Job): void {
    const uuid = (job.uuid as string).toLowerCase();
    const values: Job = {};
    for (const attribute of this.attributes) if (job[attribute] !== undefined) values[attribute] = job[attribute];
    const key = keyText(getPath(job, this.keyParts));
    const entry: AccountJob = { id: job.id, uuid, values, complete: this.complete, key };
    const second = this.secondKeys;
    const before = this.byUuid.get(uuid);
    // Seen again under another key: it no longer holds the one the first reading found.
    if (second && before?.key !== undefined && before.key !== key && !second.has(before.key)) this.drop(before.key, uuid);
    this.byUuid.set(uuid, entry);
    if (key === undefined) return;
    const held = this.byKey.get(key);
    if (second && !second.has(key)) {
      second.add(key);
      this.byKey.set(key, entry);
    } else if (held === undefined) this.byKey.set(key, entry);
    else this.byKey.set(key, [...(Array.isArray(held) ? held : [held]).filter((j) => j.uuid !== uuid), entry]);
  }

  private drop(key: string, uuid: string): void {
    const held = this.byKey.get(key);
    const left = (Array.isArray(held) ? held : held ? [held] : []).filter((j) => j.uuid !== uuid);
    if (left.length === 0) this.byKey.delete(key);
    else this.byKey.set(key, left.length === 1 ? (left[0] as AccountJob) : left);
  }

  /** The jobs whose key field holds `key`; by uuid when the key field is the uuid itself. */
  find(key: string): AccountJob[] {
    if (this.keyField === 'uuid') {
      const job = this.byUuid.get(key.toLowerCase());
      return job ? [job] : [];
    }
    const found = this.byKey.get(key);
    return found === undefined ? [] : Array.isArray(found) ? found : [found];
  }

  /** A job by its uuid. */
  byJobUuid(uuid: string): AccountJob | undefined {
    return this.byUuid.get(uuid.toLowerCase());
  }

  /** The attributes the mapping sends, of a job as fetched. */
  pick(job: Job): Job {
    const values: Job = {};
    for (const attribute of this.attributes) if (job[attribute] !== undefined) values[attribute] = job[attribute];
    return values;
  }
}
