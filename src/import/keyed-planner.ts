import type { CoredinationClient } from '../api/client.js';
import { ApiError } from '../errors.js';
import { getPath } from '../mapping/field-path.js';
import type { MappedRow } from '../mapping/map-row.js';
import { isUuid } from '../util/uuid.js';
import type { RowAction } from './actions.js';
import { keyText, type AccountIndex, type AccountJob } from './account-index.js';
import { keptFields, withClears } from './empty-cells.js';
import { diffJob } from './job-diff.js';
import { uuidV5 } from './key-uuid.js';
import { readJob } from '../api/read-job.js';

/** Which rows a keyed import may send: both (an upsert, the default), or only creates or only updates. */
export type OnlyChoice = 'create' | 'update' | undefined;

/** What a keyed import matches rows with. */
export interface KeyedSetup {
  client: CoredinationClient;
  index: AccountIndex;
  /** The key column's field, e.g. `referenceNo`. */
  keyField: string;
  keyParts: readonly (string | number)[];
  /** The uuid namespace of the jobs this account and mapping create. */
  namespace: string;
  /** Lists a column fills whole (resources[].name): the file's list is the list. */
  wholeLists: ReadonlySet<string>;
  /** The mapping's zone, in which an all-day job's date is read. */
  timezone: string;
  only?: OnlyChoice;
  signal?: AbortSignal;
}

/**
 * Decides keyed rows against the account as read: a key held by one job updates it with what
 * differs (or leaves it unchanged), no match creates a job under the uuid the key names (so that
 * a job a concurrent run creates meanwhile is updated, never doubled), several is the row's
 * problem. The account list leaves some attributes out (customFields): a matched job is then
 * read whole before it is compared.
 */
export class KeyedPlanner {
  constructor(readonly setup: KeyedSetup) {}

  /** The key of a row as the account will match it. */
  keyOf(mapped: MappedRow): string {
    return keyText(getPath(mapped.job, this.setup.keyParts)) ?? (mapped.key as string);
  }

  async decide(mapped: MappedRow): Promise<RowAction> {
    const { index, keyField, only } = this.setup;
    const key = this.keyOf(mapped);
    delete mapped.job.uuid; // the key names the job; a uuid column could only contradict it
    let matches: AccountJob[] = index.find(key);
    if (!matches.length && isUuid(key)) matches = [index.byJobUuid(key)].filter((j): j is AccountJob => j !== undefined);
    if (matches.length > 1) {
      const ids = [...new Set(matches.map((j) => j.id ?? j.uuid))].join(', ');
      return { kind: 'rejected', reason: `${keyField} "${key}" is held by ${matches.length} jobs in the account (ids ${ids}); nothing was sent for this row. Give those jobs different ${keyField} values in Coredination, then import again.` };
    }
    if (keyField === 'uuid' && !isUuid(key)) return { kind: 'rejected', reason: `the key column is mapped to uuid, but "${key}" is not a uuid; nothing was sent for this row` };
    let job = matches[0];
    if (!job) {
      const uuid = isUuid(key) ? key.toLowerCase() : uuidV5(key, this.setup.namespace);
      // The uuid a new job would get may already name a job (one whose key was changed since):
      // that job is then the one to update, never to overwrite as if new.
      job = index.byJobUuid(uuid);
      if (!job) {
        const lost = this.lostZeros(key);
        if (lost.length) return lostZerosProblem(keyField, key, lost);
        if (only === 'update') return { kind: 'rejected', reason: `${keyField} "${key}" matches no job in the account, and --only update creates none; nothing was sent for this row` };
        return { kind: 'create', uuid, method: 'PUT', body: mapped.job };
      }
    }
    if (only === 'create') return { kind: 'rejected', id: job.id, uuid: job.uuid, reason: `${keyField} "${key}" is held by job ${job.id ?? job.uuid} in the account, and --only create updates none; nothing was sent for this row` };
    let values = job.values;
    // The list leaves out attributes the mapping sends, or only the first of two readings of a
    // changing account listed the job: compare with the job as the server has it now.
    if (!job.complete || job.unconfirmed) {
      let fresh;
      try {
        fresh = await readJob(this.setup.client, job.uuid, { signal: this.setup.signal });
      } catch (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) throw error;
        return { kind: 'rejected', id: job.id, uuid: job.uuid, reason: `could not read the matching job ${job.id ?? job.uuid} from the server (${(error as Error).message}); nothing was sent for this row: run again` };
      }
      if (!fresh) return { kind: 'rejected', id: job.id, uuid: job.uuid, reason: `the matching job ${job.id ?? job.uuid} was deleted in the meantime; nothing was sent for this row: run again` };
      values = index.pick(fresh);
    }
    // Empty cells: cleared where the column says so, else the job's value stays, and the plan says so.
    const payload = withClears(mapped.job, mapped.empty);
    const { changes } = diffJob(payload, values, this.setup.wholeLists, this.setup.timezone);
    const kept = keptFields(mapped.empty, values);
    if (!changes.length) return { kind: 'unchanged', uuid: job.uuid, id: job.id, ...(kept ? { kept } : {}) };
    return { kind: 'update', uuid: job.uuid, id: job.id, payload, changes, ...(kept ? { kept } : {}) };
  }

  /**
   * The jobs a key of digits with no match names once given leading zeros (50000 → 0050000), up
   * to {@link PADDED_WIDTH} digits: a file saved by a spreadsheet that took them off would
   * otherwise create a second job of each.
   */
  lostZeros(key: string): { job: AccountJob; key: string }[] {
    if (this.setup.keyField === 'uuid' || !/^\d+$/.test(key)) return [];
    const found: { job: AccountJob; key: string }[] = [];
    for (let width = key.length + 1; width <= PADDED_WIDTH; width++) {
      const padded = key.padStart(width, '0');
      for (const job of this.setup.index.find(padded)) found.push({ job, key: padded });
    }
    return found;
  }
}

/** Order numbers longer than this are not looked for with leading zeros. */
const PADDED_WIDTH = 24;

/** A key that matches jobs only with leading zeros: a problem naming them, never a create. */
function lostZerosProblem(keyField: string, key: string, found: readonly { job: AccountJob; key: string }[]): RowAction {
  const named = found.map(({ job, key: held }) => `job ${job.id ?? job.uuid} has "${held}"`).join(', ');
  const widths = [...new Set(found.map((f) => f.key.length))];
  const only = found.length === 1 ? found[0]?.job : undefined;
  return {
    kind: 'rejected',
    ...(only ? { id: only.id, uuid: only.uuid } : {}),
    lostZeros: widths,
    reason: `${keyField} "${key}" matches no job in the account, but ${named}: the key lost its leading zeros (a spreadsheet read the column as numbers). Nothing was sent for this row: give the key column pad: ${widths.join(' or ')} in the mapping, or save the file with the column as text.`,
  };
}
