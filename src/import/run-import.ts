import path from 'node:path';
import type { CoredinationClient } from '../api/client.js';
import type { Job } from '../api/types.js';
import { CdbError } from '../errors.js';
import type { BoundMapping } from '../mapping/bind-header.js';
import type { Mapping } from '../mapping/types.js';
import type { SheetRow } from '../readers/cell.js';
import type { ReadOptions } from '../readers/spreadsheet.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { openRowsWriter, outputFormat, type RowsWriter } from '../writers/rows-writer.js';
import { Journal, journalPath, payloadHash, type Outcome, type RowState } from './journal.js';
import { uuidForKey } from './key-uuid.js';
import { besideInput, ErrorRows, inputCells, openForMapping, planImport, reasonText, rowChecker, type CheckedRow, type PlanSummary } from './plan-import.js';
import { RateGate, type Clock } from './rate-gate.js';
import { Uploader } from './uploader.js';

/** What to import, and how fast. */
export interface ImportOptions {
  file: string;
  mapping: Mapping;
  client: CoredinationClient;
  read?: ReadOptions;
  /** Requests in flight at most (default 4). */
  concurrency?: number;
  /** Requests per second at most (default 10; 0 or Infinity: no cap). */
  rate?: number;
  /** Send only the first N valid rows. */
  limit?: number;
  /** Send the valid rows and report the invalid ones as rejected. */
  skipInvalid?: boolean;
  /** Ignore the journal of earlier runs. */
  fresh?: boolean;
  /** Results file (csv or xlsx); default beside the input. */
  resultsFile?: string;
  /** Errors file; default beside the input. */
  errorsFile?: string;
  reporter?: Reporter;
  /** Aborting stops sending; requests in flight finish and everything is written. */
  signal?: AbortSignal;
  clock?: Clock;
  /** Files of up to this many rows (default 20,000) are read once, larger ones again for sending. */
  keepRows?: number;
  /** Backoff of the uploader's retries (tests make it short). */
  retry?: { baseDelayMs?: number; maxDelayMs?: number; limit?: number };
}

/** How an import ended. */
export interface ImportSummary {
  /** 'invalid': the validation pass found invalid rows and nothing was sent. */
  status: 'done' | 'invalid' | 'interrupted' | 'aborted';
  plan: PlanSummary;
  counts: Record<Outcome, number>;
  /** Rows reported (each input row once). */
  reported: number;
  resultsFile?: string;
  errorsFile?: string;
  journalFile?: string;
  /** Rows whose request may or may not have created a job. */
  unknownRows: number[];
  /** True when --limit stopped the run before the end. */
  limited: boolean;
  retries: number;
  throttles: number;
  seconds: number;
  /** The run-wide failure when status is 'aborted'. */
  error?: CdbError;
}

const RESULT_COLUMNS = ['Row', 'Outcome', 'Job id', 'UUID', 'Reason'];

/** Files of up to this many rows are read once: the validation pass's rows are sent. */
const KEEP_ROWS = 20_000;

interface RowResult {
  row: SheetRow;
  outcome: Outcome;
  id?: number;
  uuid?: string;
  reason?: string;
}

/** Writes results in input order, although rows finish in any order. */
class ResultsInOrder {
  private readonly waiting = new Map<number, RowResult>();
  private next = 0;
  private chain: Promise<void> = Promise.resolve();
  private flushing = false;

  constructor(
    private readonly results: RowsWriter,
    private readonly errors: ErrorRows,
    private readonly header: string[],
  ) {}

  /**
   * Records the result of the `seq`-th reported row. Rows are written once per turn of the event
   * loop, after the answers that came in together have started their rows' next requests.
   */
  put(seq: number, result: RowResult): void {
    this.waiting.set(seq, result);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      this.chain = this.chain.then(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    for (let r = this.waiting.get(this.next); r; r = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.next++;
      await this.results.write([r.row.row, r.outcome, r.id ?? '', r.uuid ?? '', r.reason ?? '', ...inputCells(this.header, r.row)]);
      if (r.outcome === 'rejected' || r.outcome === 'failed') await this.errors.add(r.row, r.reason ?? r.outcome);
    }
  }

  /** Writes what is still waiting (a flush still scheduled then finds nothing to write). */
  async done(): Promise<void> {
    this.chain = this.chain.then(() => this.flush());
    await this.chain;
  }
}

/** Finds, for a payload, a job on the server that holds every value of it (for reconciling). */
function matches(job: unknown, payload: unknown): boolean {
  if (payload === null || typeof payload !== 'object') return job === payload;
  if (job === null || typeof job !== 'object') return false;
  if (Array.isArray(payload)) return Array.isArray(job) && payload.every((v, i) => matches(job[i], v));
  return Object.entries(payload).every(([k, v]) => matches((job as Record<string, unknown>)[k], v));
}

/** The file read and checked again, row by row, as the validation pass did. */
async function* readAgain(file: string, mapping: Mapping, bound: BoundMapping, read: ReadOptions | undefined): AsyncGenerator<CheckedRow> {
  const sheet = await openForMapping(file, mapping, read);
  try {
    const check = rowChecker(bound, mapping);
    for await (const row of sheet.rows) yield { row, mapped: check(row) };
  } finally {
    await sheet.close();
  }
}

/**
 * Plan, then apply: the validation pass over the whole file (nothing sent when a row is invalid,
 * unless skipInvalid), then a send pass (over the rows the validation pass kept, or the file read
 * again when it is large) that sends each valid row through the throttled uploader, journaled
 * before and after, with results and errors written as rows end.
 */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const { file, mapping, client } = options;
  const reporter = options.reporter ?? silentReporter;
  const errorsFile = options.errorsFile ?? besideInput(file, 'errors', path.extname(file).toLowerCase() === '.xlsx' ? '.xlsx' : '.csv');
  // The rows of the validation pass, kept for sending while there are few enough; a larger file
  // is read again for sending, so that memory stays flat whatever its size.
  const kept: CheckedRow[] = [];
  let keptAll = true;
  const plan = await planImport({ file, mapping, read: options.read, errorsFile, reporter }, (checked) => {
    if (keptAll && kept.length < (options.keepRows ?? KEEP_ROWS)) return void kept.push(checked);
    keptAll = false;
    kept.length = 0;
  });
  const counts: Record<Outcome, number> = { created: 0, updated: 0, skipped: 0, rejected: 0, failed: 0, unknown: 0 };
  const base = { plan, counts, reported: 0, unknownRows: [] as number[], limited: false, retries: 0, throttles: 0 };
  if (plan.invalid > 0 && !options.skipInvalid) {
    return { ...base, status: 'invalid', errorsFile: plan.errorsFile, seconds: (Date.now() - started) / 1000 };
  }

  const concurrency = options.concurrency ?? 4;
  const rate = options.rate === undefined ? 10 : options.rate <= 0 ? Number.POSITIVE_INFINITY : options.rate;
  const toSend = Math.min(plan.valid, options.limit ?? Number.POSITIVE_INFINITY);
  const estimate = Number.isFinite(rate) ? Math.ceil(toSend / rate) : undefined;
  reporter.info(`Sending ${toSend} row${toSend === 1 ? '' : 's'} to ${client.baseUrl}, ${concurrency} at a time${Number.isFinite(rate) ? ` and at most ${rate} per second: about ${estimate} s` : ', with no rate cap'}.`);

  const resultsFile = options.resultsFile ?? besideInput(file, 'results', '.csv');
  const journal = new Journal(journalPath(path.dirname(path.resolve(resultsFile)), file, [path.resolve(mapping.source), mapping.key ?? '', client.baseUrl]));
  const previous = options.fresh ? new Map<number, RowState>() : journal.load();
  journal.open(options.fresh ?? false);
  journal.append({ t: 'run', at: Date.now(), file: path.resolve(file), baseUrl: client.baseUrl });

  // Rows whose POST an earlier run sent without hearing the answer: look for them on the server.
  const unknownPosts = [...previous.values()].filter((s) => s.method === 'POST' && (s.outcome === undefined || s.outcome === 'unknown'));
  const candidates: Job[] = [];
  if (unknownPosts.length) {
    const since = Math.min(...unknownPosts.map((s) => s.sentAt)) - 120_000;
    reporter.info(`Checking the server for ${unknownPosts.length} row${unknownPosts.length === 1 ? '' : 's'} an earlier run sent without an answer…`);
    for await (const job of client.listJobs({ modified: since })) candidates.push(job);
  }
  const claimed = new Set<Job>();

  const gate = new RateGate(rate, options.clock);
  const uploader = new Uploader(client, gate, {
    concurrency,
    signal: options.signal,
    clock: options.clock,
    retry: options.retry,
    onRetry: () => reporter.progress?.({ phase: 'send', done: base.reported, total: plan.rows, retries: uploader.retries }),
  });
  const results = await openRowsWriter(resultsFile, {
    header: [...RESULT_COLUMNS, ...plan.header],
    format: outputFormat(resultsFile),
    delimiter: plan.detected.delimiter ?? ';',
    bom: true,
    sheet: 'Results',
  });
  const errors = new ErrorRows(errorsFile, plan.header, plan.detected);
  const sink = new ResultsInOrder(results, errors, plan.header);
  const window = concurrency * 2;
  let seq = 0;
  let admitted = 0;
  let status: ImportSummary['status'] = 'done';

  /** Records a row's end; `at` is its place in the results (reserved when it was admitted). */
  const report = (at: number, row: SheetRow, result: Omit<RowResult, 'row'>) => {
    counts[result.outcome]++;
    if (result.outcome === 'unknown') base.unknownRows.push(row.row);
    base.reported++;
    sink.put(at, { row, ...result });
    reporter.progress?.({ phase: 'send', done: base.reported, total: plan.rows, retries: uploader.retries, rejected: counts.rejected, failed: counts.failed });
  };

  const rows = keptAll ? kept : readAgain(file, mapping, plan.bound, options.read);
  try {
    for await (const { row, mapped } of rows) {
      if (uploader.stopped) break;
      if (mapped.issues.length) {
        report(seq++, row, { outcome: 'rejected', reason: mapped.issues.map(reasonText).join('; ') });
        continue;
      }
      if (admitted >= toSend) {
        base.limited = true;
        break;
      }
      admitted++;
      const hash = payloadHash(mapped.job);
      const uuid = mapped.key ? uuidForKey(mapped.key) : undefined;
      if (uuid) delete mapped.job.uuid; // the path names the job; a uuid column could only contradict it
      const before = previous.get(row.row);
      if (before && before.hash === hash && (before.outcome === 'created' || before.outcome === 'updated' || before.outcome === 'skipped')) {
        report(seq++, row, { outcome: 'skipped', id: before.id, uuid: before.uuid, reason: `done by an earlier run (${before.outcome})` });
        continue;
      }
      if (before && before.hash !== hash && !uuid && before.outcome !== 'rejected' && before.outcome !== 'failed') {
        report(seq++, row, { outcome: 'skipped', id: before.id, reason: 'changed since an earlier run sent it; not sent again, to avoid a second job (use a key column to update, or --fresh)' });
        continue;
      }
      if (before && !uuid && before.method === 'POST' && (before.outcome === undefined || before.outcome === 'unknown')) {
        const found = candidates.find((job) => !claimed.has(job) && matches(job, mapped.job));
        if (found) {
          claimed.add(found);
          journal.note({ t: 'done', row: row.row, at: Date.now(), outcome: 'created', id: found.id, uuid: found.uuid });
          report(seq++, row, { outcome: 'skipped', id: found.id, uuid: found.uuid, reason: 'created by an earlier run whose answer was lost (found on the server)' });
          continue;
        }
      }
      await uploader.room(window);
      if (uploader.stopped) break;
      const thisSeq = seq++;
      const send = uploader.send(mapped.job, uuid, () => journal.append({ t: 'send', row: row.row, at: Date.now(), hash, method: uuid ? 'PUT' : 'POST', uuid }));
      void send.then((result) => {
        if (result.outcome === 'not-sent') {
          report(thisSeq, row, { outcome: 'skipped', reason: 'not sent: the run stopped first' });
          return;
        }
        const id = result.job?.id;
        const jobUuid = result.job?.uuid ?? uuid;
        journal.note({ t: 'done', row: row.row, at: Date.now(), outcome: result.outcome, id, uuid: jobUuid, reason: result.reason });
        report(thisSeq, row, { outcome: result.outcome, id, uuid: jobUuid, reason: result.reason });
      }, (error: unknown) => {
        // Not an API answer: a bug. The row is reported, never silently dropped.
        report(thisSeq, row, { outcome: 'unknown', reason: `unexpected error: ${(error as Error)?.message ?? String(error)}` });
      });
    }
  } finally {
    await uploader.drain();
  }
  await sink.done();
  await results.close();
  await errors.close();
  journal.close();

  if (uploader.fatal) status = 'aborted';
  else if (options.signal?.aborted) status = 'interrupted';
  return {
    ...base,
    status,
    retries: uploader.retries,
    throttles: gate.throttles,
    resultsFile,
    errorsFile: errors.used ? errorsFile : undefined,
    journalFile: journal.file,
    seconds: (Date.now() - started) / 1000,
    error: uploader.fatal,
  };
}
