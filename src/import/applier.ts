import type { CoredinationClient } from '../api/client.js';
import type { RateGate } from '../api/rate-gate.js';
import type { Job } from '../api/types.js';
import { ApiError, CdbError } from '../errors.js';
import type { SheetRow } from '../readers/cell.js';
import type { Reporter } from '../reporter.js';
import type { PlannedRow, SendingAction } from './actions.js';
import type { AccountIndex } from './account-index.js';
import { keptText } from './empty-cells.js';
import { describeChange, diffJob, withoutServerFields, type ValueContext } from './job-diff.js';
import type { Journal, Outcome } from './journal.js';
import { readJob } from '../api/read-job.js';
import type { ResultsInOrder, RowResult } from './results.js';
import { jobImage, type RunRecord } from './run-record.js';
import type { SendResult, Uploader } from './uploader.js';
import { clearedBy, madeOf } from './answer-checks.js';
import { WriteAhead } from './write-ahead.js';
import type { UnknownChoice } from './unkeyed-planner.js';

/** What the applier works with. */
export interface ApplyContext {
  client: CoredinationClient;
  uploader: Uploader;
  gate: RateGate;
  journal: Journal;
  record: RunRecord;
  results: ResultsInOrder;
  /** Keyed imports: the account as read, to compare an update again right before it is sent. */
  index?: AccountIndex;
  wholeLists: ReadonlySet<string>;
  /** The mapping: the results say what an update changed, and what empty cells kept, in the file's words. */
  mapping?: ValueContext;
  /** Whether PUT leaves absent attributes alone (else an update carries the whole job). */
  putIsPartial: boolean;
  /** Whether the server keeps the uuid a POST carries: known from the journal or the flags, else learned here. */
  uuidKept?: boolean;
  unknown: UnknownChoice;
  /** More rows than this failing or refused by the server stops the run (--max-errors). */
  maxErrors?: number;
  /** Rows the input has: the progress bar's end. */
  total: number;
  /** Requests in flight at most; the file is read on only while fewer rows than twice this are open. */
  concurrency: number;
  reporter: Reporter;
  signal?: AbortSignal;
}

/** What the apply pass did. */
export interface Applied {
  counts: Record<Outcome, number>;
  reported: number;
  unknownRows: number[];
  limited: boolean;
}

const EMPTY_COUNTS = (): Record<Outcome, number> => ({ created: 0, updated: 0, unchanged: 0, skipped: 0, 'not-sent': 0, rejected: 0, failed: 0, unknown: 0 });

/**
 * The applier: carries out each planned row's action, in file order, through the throttled
 * uploader. It re-checks only what can change between the plan and the write (the job, read
 * again right before an update), journals each send before it leaves and its answer after, keeps
 * the run record undo reads, and reports every row, once, in order.
 */
export class Applier {
  readonly applied: Applied = { counts: EMPTY_COUNTS(), reported: 0, unknownRows: [], limited: false };
  private readonly ahead: WriteAhead;
  private readonly open = new Set<Promise<void>>();
  private seq = 0;
  /** POSTs sent and not yet settled, and those of them waiting to learn whether uuids are kept. */
  private posting = 0;
  private readonly waiting = new Set<(kept: boolean | undefined) => void>();
  private failures = 0;
  /** Rows whose request was answered (or given up on): what the progress line's rate counts. */
  private sent = 0;

  constructor(private readonly ctx: ApplyContext) {
    this.ahead = new WriteAhead(ctx.journal, ctx.record);
  }

  /** Tells every lookup waiting on it what the server does with uuids (undefined: nothing will tell). */
  private learned(kept: boolean | undefined): void {
    for (const settle of [...this.waiting]) settle(kept);
  }

  /**
   * Until another POST's answer tells whether the server keeps uuids, a lookup that found nothing
   * waits for it: at most 30 s, never past a stop, and not at all once every POST in the air is
   * waiting too (no answer is coming then; the rows stay unknown for the next run to settle).
   */
  private whenLearned(): Promise<boolean | undefined> {
    if (this.ctx.uuidKept !== undefined) return Promise.resolve(this.ctx.uuidKept);
    const { signal } = this.ctx;
    return new Promise((resolve) => {
      const settle = (kept: boolean | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', stopped);
        this.waiting.delete(settle);
        resolve(kept);
      };
      const stopped = () => settle(undefined);
      const timer = setTimeout(stopped, 30_000);
      if (signal?.aborted) return stopped();
      signal?.addEventListener('abort', stopped, { once: true });
      this.waiting.add(settle);
      if (this.waiting.size >= this.posting) this.learned(undefined);
    });
  }

  /** Applies the planned rows; resolves when every row is reported. */
  async apply(rows: AsyncIterable<PlannedRow> | Iterable<PlannedRow>): Promise<void> {
    const { uploader } = this.ctx;
    try {
      for await (const planned of rows) {
        const at = this.seq++;
        const { row, action } = planned;
        switch (action.kind) {
          case 'rejected':
            this.report(at, row, { outcome: 'rejected', id: action.id, uuid: action.uuid, reason: action.reason, issues: planned.mapped.issues });
            continue;
          case 'unchanged':
            this.report(at, row, { outcome: 'unchanged', id: action.id, uuid: action.uuid, reason: `the job already holds these values: nothing sent${action.kept ? `; ${keptText(action.kept, this.ctx.mapping)}` : ''}` });
            continue;
          case 'done':
            if (action.reason.startsWith('skipped (--unknown skip)')) this.ctx.journal.note({ t: 'done', at: Date.now(), hash: planned.hash, uuid: action.uuid, outcome: 'skipped' });
            this.report(at, row, { outcome: 'skipped', id: action.id, uuid: action.uuid, reason: action.reason });
            continue;
          case 'unknown':
            this.report(at, row, { outcome: 'unknown', uuid: action.uuid, reason: action.reason });
            continue;
          case 'held':
            this.applied.limited = true;
            this.report(at, row, { outcome: 'not-sent', reason: action.reason });
            continue;
        }
        // Every input row is in the results: those the run never sent say why.
        if (uploader.stopped) {
          this.report(at, row, { outcome: 'not-sent', reason: 'not sent: the run stopped first' });
          continue;
        }
        await this.room();
        if (uploader.stopped) {
          this.report(at, row, { outcome: 'not-sent', reason: 'not sent: the run stopped first' });
          continue;
        }
        const task = this.send(planned, action, at).catch((error: unknown) => {
          // A journal that could not be written stopped the request before it left.
          if (error instanceof CdbError && error.code === 'OUTPUT') {
            uploader.fatal ??= error;
            return this.report(at, row, { outcome: 'not-sent', reason: `not sent: ${error.message}` });
          }
          // Not an API answer: a bug. The row is reported, never silently dropped.
          this.report(at, row, { outcome: 'unknown', reason: `unexpected error: ${(error as Error)?.message ?? String(error)}` });
        });
        this.open.add(task);
        void task.finally(() => this.open.delete(task));
      }
    } finally {
      while (this.open.size) await Promise.all([...this.open]);
      await this.ahead.settled();
    }
  }

  /**
   * Settles sends of earlier runs whose answer was lost and that no row sends again (the row was
   * edited or removed since): each is looked up, and what a lookup proves is journaled. Returns
   * the jobs found, which exist although no row of this file stands for them.
   */
  async settleOrphans(orphans: readonly { hash: string; uuid: string }[]): Promise<Job[]> {
    const found: Job[] = [];
    for (const { hash, uuid } of orphans) {
      if (this.ctx.uploader.stopped) break;
      await this.ctx.gate.acquire(this.ctx.signal);
      const job = await this.lookUp(uuid);
      if (job) {
        found.push(job);
        this.ctx.journal.note({ t: 'done', at: Date.now(), hash, uuid, outcome: 'created', ...(job.id === undefined ? {} : { id: job.id }) });
      } else if (job === null) {
        this.ctx.journal.note({ t: 'done', at: Date.now(), hash, uuid, outcome: 'not-sent' });
      }
    }
    return found;
  }

  /** Waits while twice `concurrency` rows are open: the reader pauses meanwhile. */
  private async room(): Promise<void> {
    while (this.open.size >= this.ctx.concurrency * 2) await Promise.race(this.open);
  }

  /** One sending row, from its re-check to its report. */
  private async send(planned: PlannedRow, action: SendingAction, at: number): Promise<void> {
    const { row, hash } = planned;
    if (action.kind === 'update' || (action.kind === 'create' && action.method === 'PUT')) {
      // What can change between the plan and the write: the job, read again right before it. A
      // keyed create's job may have been made meanwhile (another run, another person): then it is
      // an update of that job, recorded with the job as it was, so that undo restores it and
      // never deletes it.
      const fresh = await this.readBefore(action, at, row);
      if (fresh === undefined) return;
      if (fresh) return this.update(planned, action.kind === 'update' ? action.payload : action.body, fresh, at);
      if (action.kind === 'update') return this.report(at, row, { outcome: 'rejected', id: action.id, uuid: action.uuid, reason: `the matching job ${action.id ?? action.uuid} was deleted in the meantime; nothing was sent for this row: run again` });
    }
    if (action.kind === 'settle') {
      const found = await this.lookUp(action.uuid);
      if (found) {
        this.ctx.journal.note({ t: 'done', at: Date.now(), hash, uuid: action.uuid, outcome: 'created', id: found.id });
        return this.report(at, row, { outcome: 'skipped', id: found.id, uuid: action.uuid, reason: 'created by an earlier run whose answer was lost (found on the server by its uuid)' });
      }
      if (found === undefined && this.ctx.unknown !== 'send') {
        if (this.ctx.unknown === 'skip') {
          this.ctx.journal.note({ t: 'done', at: Date.now(), hash, uuid: action.uuid, outcome: 'skipped' });
          return this.report(at, row, { outcome: 'skipped', uuid: action.uuid, reason: 'skipped (--unknown skip): an earlier run sent it without an answer, and the server cannot say whether it made the job' });
        }
        return this.report(at, row, { outcome: 'unknown', uuid: action.uuid, reason: 'an earlier run sent it without an answer, and the server cannot say whether it made the job (it does not keep the uuid this tool sends): check the server, then run again with --unknown send or --unknown skip' });
      }
    }
    const { body } = action;
    const method = action.kind === 'create' ? action.method : 'POST';
    const beforeSend = () => this.ahead.write({ t: 'send', at: Date.now(), hash, uuid: action.uuid, method }, { t: 'create', row: row.row, uuid: action.uuid, sent: body });
    if (method === 'POST') this.posting++;
    let result: SendResult;
    try {
      result = await this.ctx.uploader.send(body, method === 'PUT' ? action.uuid : undefined, beforeSend);
      if (method === 'POST') result = await this.afterPost(result, body, action.uuid, beforeSend);
    } finally {
      if (method === 'POST' && --this.posting <= this.waiting.size && this.waiting.size) this.learned(undefined);
    }
    if (method === 'PUT' && result.outcome === 'updated') {
      // The first answer was lost and the retry found the job: made by that first attempt when it
      // holds nothing but this row's values (the job was absent right before, and this mapping's
      // journal lock keeps its other runs out). Recorded as created, so undo takes it back.
      if (result.earlierMayHaveLanded && result.job && madeOf(result.job, body)) return this.finish(at, planned, { ...result, reason: 'created (its first answer was lost; the retry found the job it had made)' }, action.uuid, 'created');
      // Else the job was made between the read and the write: said, and recorded as such (undo
      // leaves a job it did not make).
      return this.finish(at, planned, { ...result, reason: 'another run or person made this job a moment before: it was updated with the row\'s values' }, action.uuid, 'updated');
    }
    // Taken by the server as a create (or it cannot tell, answering without `created`), yet the
    // job holds what the row never sent: someone made it between the read and the write.
    if (method === 'PUT' && result.outcome === 'created' && result.job && !madeOf(result.job, body)) return this.finish(at, planned, { ...result, reason: 'another run or person made this job a moment before (it holds values this row does not send): it was updated with the row\'s values' }, action.uuid, 'updated');
    return this.finish(at, planned, result, action.uuid, 'created');
  }

  /** The job right before a write: the job, null when there is none, undefined when the row has been reported (it could not be read). */
  private async readBefore(action: SendingAction, at: number, row: SheetRow): Promise<Job | null | undefined> {
    const { ctx } = this;
    await ctx.gate.acquire(ctx.signal);
    try {
      return await readJob(ctx.client, action.uuid, { signal: ctx.signal });
    } catch (error) {
      // Stopped (Ctrl+C) while the job was read: nothing was written, the row is for the next run.
      if (ctx.signal?.aborted) {
        this.report(at, row, { outcome: 'not-sent', reason: 'not sent: the run stopped first' });
        return undefined;
      }
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        ctx.uploader.fatal ??= error;
        this.report(at, row, { outcome: 'not-sent', reason: `not sent: ${error.message}` });
        return undefined;
      }
      const id = 'id' in action ? action.id : undefined;
      this.ended(at, row, { outcome: 'failed', id, uuid: action.uuid, reason: `could not read the job before writing it (${(error as Error).message}); nothing was sent: run again` });
      return undefined;
    }
  }

  /** Updates a job with what the row changes in it, compared with the job as it is now. */
  private async update(planned: PlannedRow, payload: Job, fresh: Job, at: number): Promise<void> {
    const { ctx } = this;
    const { row, hash } = planned;
    const uuid = String(fresh.uuid).toLowerCase();
    const current = ctx.index ? ctx.index.pick(fresh) : fresh;
    const diff = diffJob(payload, current, ctx.wholeLists, ctx.mapping?.timezone);
    // What the file's empty cells left as the job has it, and what the update changes, in the file's words.
    const kept = planned.action.kind === 'update' && planned.action.kept ? keptText(planned.action.kept, ctx.mapping) : undefined;
    if (!diff.changes.length) return this.report(at, row, { outcome: 'unchanged', id: fresh.id, uuid, reason: `the job already holds these values: nothing sent${kept ? `; ${kept}` : ''}` });
    const words = [...diff.changes.map((c) => describeChange(c, ctx.mapping)), ...(kept ? [kept] : [])].join('; ');
    // A PUT that replaces the job must carry all of it, or it would clear what the file does not name.
    const body = ctx.putIsPartial ? diff.body : { ...withoutServerFields(fresh), ...diff.body };
    const changed = diff.changes.map((c) => c.path).join(', ');
    const result = await ctx.uploader.send(body, uuid, () =>
      this.ahead.write({ t: 'send', at: Date.now(), hash, uuid, method: 'PUT' }, { t: 'update', row: row.row, uuid, id: fresh.id, before: jobImage(fresh), sent: body }),
    );
    // Deleted between the read and the write: the PUT made a new job of what it carried. Said.
    if (result.outcome === 'created') return this.finish(at, planned, { ...result, reason: 'the job was deleted while it was being updated: the update made a new job holding only the changed fields; check it in Coredination' }, uuid, 'created', changed);
    // A server whose PUT replaces the job, taken for one that leaves the rest: the answer shows
    // fields the update did not send cleared. Said on the row, and the run stops before more.
    const cleared = ctx.putIsPartial && result.outcome === 'updated' && result.job ? clearedBy(fresh, body, result.job) : [];
    if (cleared.length) {
      ctx.uploader.fatal ??= new CdbError('HTTP', `The server's PUT replaced job ${fresh.id ?? uuid} whole: it cleared ${cleared.join(', ')}, which the update did not send. The run stopped so that no more jobs lose fields.`, {
        hint: `Undo this run (it puts the cleared fields back: "coredination-batch undo <the results file>"), then import with --put-replaces, which sends each job whole.`,
      });
      return this.finish(at, planned, { ...result, reason: `updated, and the server cleared ${cleared.join(', ')} (its PUT replaces the job): undo this run, then import with --put-replaces` }, uuid, 'updated', changed);
    }
    return this.finish(at, planned, result, uuid, 'updated', changed, words);
  }

  /**
   * A POST's answer: a job under the uuid sent tells that the server keeps them. A lost answer (or
   * a 500) is settled by looking the uuid up, and sent again only while it is not there.
   */
  private async afterPost(first: SendResult, body: Job, uuid: string, beforeSend: () => Promise<void>): Promise<SendResult> {
    let result = first;
    if (result.outcome === 'created' && result.job) {
      const kept = typeof result.job.uuid === 'string' && result.job.uuid.toLowerCase() === uuid;
      if (kept !== this.ctx.uuidKept) {
        this.ctx.journal.note({ t: 'server', at: Date.now(), uuidKept: kept });
        this.ctx.record.append({ t: 'server', uuidKept: kept });
      }
      this.ctx.uuidKept = kept;
      this.learned(kept);
      return result;
    }
    for (let tries = 0; result.outcome === 'unknown' && tries < 5 && !this.ctx.uploader.stopped; tries++) {
      const found = await this.lookUp(uuid);
      if (found) return { outcome: 'created', job: found, reason: 'the answer was lost; found on the server by its uuid' };
      if (found === undefined) break;
      result = await this.ctx.uploader.send(body, undefined, beforeSend);
    }
    return result;
  }

  /** Whether a job with this uuid exists (the job), not (null), or undefined when the server cannot say. */
  private async lookUp(uuid: string): Promise<Job | null | undefined> {
    if (this.ctx.uuidKept === false) return undefined;
    const found = await readJob(this.ctx.client, uuid, { signal: this.ctx.signal }).catch(() => undefined);
    if (found === undefined) return undefined; // the server could not be asked: the row stays unknown
    if (found) {
      // A job under the uuid this tool sent: the server keeps them.
      if (this.ctx.uuidKept === undefined) {
        this.ctx.uuidKept = true;
        this.ctx.journal.note({ t: 'server', at: Date.now(), uuidKept: true });
        this.learned(true);
      }
      return found;
    }
    // Not there: proof only when the server is known to keep uuids (else it may hold it under its own).
    const kept = await this.whenLearned();
    return kept ? null : undefined;
  }

  /** A sent row's end: journaled, recorded for undo, reported. */
  private finish(at: number, planned: PlannedRow, result: SendResult, uuid: string, success: 'created' | 'updated', changed?: string, words?: string): void {
    const { row, hash } = planned;
    const { uploader } = this.ctx;
    this.sent++;
    if (result.outcome === 'not-sent') return this.report(at, row, { outcome: 'not-sent', reason: 'not sent: the run stopped first' });
    if (result.outcome === 'failed' && uploader.fatal && result.status !== undefined && [401, 403].includes(result.status)) {
      // Refused for the whole run (the key): nothing was made, and the row is not at fault.
      return this.report(at, row, { outcome: 'not-sent', reason: `not sent: ${result.reason}` });
    }
    // A keyed create that the server took as an update, or an update it took as a create, is
    // what the plan said it is: the server's timestamps are not proof either way.
    const outcome: Outcome = result.outcome === 'created' || result.outcome === 'updated' ? success : result.outcome;
    const id = result.job?.id;
    const jobUuid = typeof result.job?.uuid === 'string' ? result.job.uuid.toLowerCase() : uuid;
    this.ctx.journal.note({ t: 'done', at: Date.now(), hash, uuid, outcome, ...(id === undefined ? {} : { id }) });
    // The job as the run left it: what undo compares the job with before it touches it. A record
    // the disk refuses stops the run; this row's request was answered, so it is reported below.
    this.ahead.after({ t: 'done', row: row.row, uuid, outcome, id, ...(jobUuid === uuid ? {} : { jobUuid }), ...(result.job ? { after: jobImage(result.job) } : {}), ...(outcome === 'unknown' ? { at: Date.now() } : {}) }, (error) => {
      if (error instanceof CdbError) uploader.fatal ??= error;
    });
    this.ended(at, row, { outcome, id, uuid: jobUuid, changed: outcome === 'updated' ? changed : undefined, reason: result.reason ?? (outcome === 'updated' ? words : undefined) });
  }

  /** Reports a sent row's end, counting it against --max-errors when it failed or the server refused it. */
  private ended(at: number, row: SheetRow, result: RowResult): void {
    if (result.outcome === 'failed' || result.outcome === 'rejected') {
      this.failures++;
      const { maxErrors, uploader } = this.ctx;
      if (maxErrors !== undefined && this.failures > maxErrors && !uploader.fatal) {
        uploader.fatal = new CdbError('FAILURES', `More than ${maxErrors} rows failed or were refused by the server (--max-errors ${maxErrors}): the run stopped.`, {
          hint: 'Look at the reasons in the results file, fix what is wrong, then run the same command again: rows already done are skipped.',
        });
      }
    }
    this.report(at, row, result);
  }

  private report(at: number, row: SheetRow, result: RowResult): void {
    const { applied, ctx } = this;
    applied.counts[result.outcome]++;
    if (result.outcome === 'unknown') applied.unknownRows.push(row.row);
    applied.reported++;
    ctx.results.put(at, row, result);
    ctx.reporter.progress?.({ phase: 'send', done: applied.reported, sent: this.sent, total: ctx.total, retries: ctx.uploader.retries, rejected: applied.counts.rejected, failed: applied.counts.failed, notSent: applied.counts['not-sent'] });
  }
}
