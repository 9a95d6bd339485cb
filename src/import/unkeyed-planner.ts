import { randomUUID } from 'node:crypto';
import type { MappedRow } from '../mapping/map-row.js';
import type { RowAction } from './actions.js';
import type { JournalState } from './journal.js';

/** What to do with rows an earlier run sent without an answer, where the server cannot tell. */
export type UnknownChoice = 'send' | 'skip' | undefined;

/**
 * Decides unkeyed rows by what they send: a row is known by its payload under this account and
 * mapping, not by its row number or the file's name. The n-th row in a file with a payload that
 * the journal made m jobs of is done when n ≤ m; the next ones settle the sends of it whose answer
 * was lost, then are created. So inserted, deleted and moved rows, a same-named daily file and two
 * identical rows (two jobs) all just work.
 */
export class UnkeyedPlanner {
  constructor(
    private readonly journal: JournalState,
    private readonly unknown: UnknownChoice,
  ) {}

  /** A pass over a file: the counts of each payload start again, so every pass decides alike. */
  pass(): (mapped: MappedRow, hash: string) => RowAction {
    const seen = new Map<string, number>();
    return (mapped, hash) => {
      const nth = seen.get(hash) ?? 0;
      seen.set(hash, nth + 1);
      const record = this.journal.payloads.get(hash);
      const made = record?.created[nth];
      if (made) return { kind: 'done', uuid: made.uuid, id: made.id, reason: 'done by an earlier run (created)' };
      // A row that gives its job's uuid (an export's UUID column) is that job: made anew, it would
      // be a second job beside it, and under another uuid than the file says.
      const own = mapped.job.uuid;
      if (typeof own === 'string' && own !== '') {
        return { kind: 'rejected', reason: `it gives the uuid of a job (${own}), as an export writes it, and an import without a key only makes new jobs: it would make a second one. Give --key UUID to update the job it names (or leave its UUID cell empty for a new job)` };
      }
      const lost = record?.pending[nth - (record?.created.length ?? 0)];
      if (lost) {
        // Looked up by the uuid it carried; where the server cannot say, the user decides.
        if (this.journal.uuidKept !== false) return { kind: 'settle', uuid: lost, body: { ...mapped.job, uuid: lost } };
        if (this.unknown === 'send') return { kind: 'create', uuid: lost, method: 'POST', body: { ...mapped.job, uuid: lost } };
        if (this.unknown === 'skip') return { kind: 'done', uuid: lost, reason: 'skipped (--unknown skip): an earlier run sent it without an answer, and the server cannot say whether it made the job' };
        return {
          kind: 'unknown',
          uuid: lost,
          reason: 'an earlier run sent it without an answer, and the server cannot say whether it made the job (it does not keep the uuid this tool sends): check the server, then run again with --unknown send or --unknown skip',
        };
      }
      // A uuid of the row's own, journaled before the POST leaves: a lost answer is settled by
      // looking that uuid up, never by resemblance.
      const uuid = randomUUID();
      return { kind: 'create', uuid, method: 'POST', body: { ...mapped.job, uuid } };
    };
  }

  /**
   * Sends of earlier runs whose answer was lost and that no row of the file planned with `pass`
   * sends again (the row was edited or removed): settled by a lookup, so that a job they made is
   * known (and said) rather than forgotten.
   */
  orphans(counted: ReadonlyMap<string, number>): { hash: string; uuid: string }[] {
    const left: { hash: string; uuid: string }[] = [];
    for (const [hash, record] of this.journal.payloads) {
      const used = Math.max(0, (counted.get(hash) ?? 0) - record.created.length);
      for (const uuid of record.pending.slice(used)) left.push({ hash, uuid });
    }
    return left;
  }
}
