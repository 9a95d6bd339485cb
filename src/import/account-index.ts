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
 * streamed. Only the attributes the mapping sends are kept, so a million jobs fit in memory.
 */
export class AccountIndex {
  private readonly byKey = new Map<string, AccountJob | AccountJob[]>();
  private readonly byUuid = new Map<string, AccountJob>();
  size = 0;

  private constructor(
    readonly keyField: string,
    private readonly attributes: readonly string[],
  ) {}

  /**
   * Reads the account. `attributes` are the top-level attributes the mapping sends; those the list
   * leaves out (LIST_OMITTED_FIELDS) make each matched job be fetched before it is compared.
   */
  static async load(client: CoredinationClient, keyField: string, attributes: readonly string[], reporter?: Reporter): Promise<AccountIndex> {
    const index = new AccountIndex(keyField, attributes);
    const keyParts = parseFieldPath(keyField) ?? [keyField];
    const complete = !attributes.some((a) => (LIST_OMITTED_FIELDS as readonly string[]).includes(a));
    for await (const job of client.listJobs()) {
      const uuid = typeof job.uuid === 'string' ? job.uuid.toLowerCase() : undefined;
      if (!uuid) continue;
      const values: Job = {};
      for (const attribute of attributes) if (job[attribute] !== undefined) values[attribute] = job[attribute];
      const entry: AccountJob = { id: job.id, uuid, values, complete };
      index.byUuid.set(uuid, entry);
      const key = keyText(getPath(job, keyParts));
      if (key !== undefined) {
        const seen = index.byKey.get(key);
        index.byKey.set(key, seen === undefined ? entry : Array.isArray(seen) ? [...seen, entry] : [seen, entry]);
      }
      index.size++;
      if (index.size % 10_000 === 0) reporter?.progress?.({ phase: 'account', done: index.size });
    }
    return index;
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
