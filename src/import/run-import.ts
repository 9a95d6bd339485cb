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
import { randomUUID } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { POST_KEEPS_CLIENT_UUID } from '../api/assumptions.js';
import { ApiError } from '../errors.js';
import { contentHash, Journal, journalPath, lockJournal, payloadHash, type JournalState, type Outcome } from './journal.js';
import { LIST_OMITTED_FIELDS, PUT_IS_PARTIAL } from '../api/assumptions.js';
import { EACH, getPath } from '../mapping/field-path.js';
import { AccountIndex, keyText, type AccountJob } from './account-index.js';
import { describeChange, diffJob, withoutServerFields } from './job-diff.js';
import { readJob } from './read-job.js';
import { keyNamespace, uuidForKey, uuidV5 } from './key-uuid.js';
import { isUuid } from '../util/uuid.js';
import { newRunId, RunRecord, runFile } from './run-record.js';
import { besideInput, openForMapping, planImport, reasonText, rowChecker, type CheckedRow, type PlanSummary } from './plan-import.js';
import { ErrorRows, inputCells } from '../writers/error-rows.js';
import { RateGate, type Clock } from '../api/rate-gate.js';
import { Uploader } from './uploader.js';
import { checkWritable } from '../util/check-writable.js';
import { removeStaleTemporaries } from '../util/stale-temporaries.js';

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
  /** Keyed: plan against the account and stop (nothing sent, no results file). */
  dryRun?: boolean;
  /** Keyed: the plan, one row per input row (csv or xlsx). */
  planFile?: string;
  /** Every valid payload as JSON lines (the dry run's --payloads). */
  payloadsFile?: string;
  /** Who the account is (base URL and a hash of the key): new jobs' uuids are unique to it. */
  account?: string;
  /** Where journals and run records (for undo) are kept: the CLI's state folder. */
  stateDir: string;
  /** Whether PUT leaves absent attributes as they are (the API's assumption; tests try both). */
  putIsPartial?: boolean;
  /** Whether the server keeps the uuid a POST sends (the API's assumption; tests try both). */
  postKeepsUuid?: boolean;
  /**
   * Rows an earlier run sent without an answer, when the server cannot tell whether it made
   * them (it does not keep the uuid sent): send them again, or skip them. Default: report them unknown.
   */
  unknown?: 'send' | 'skip';
}

/** What a keyed import will do, or did, to the account. */
export interface KeyedPlan {
  create: number;
  update: number;
  unchanged: number;
  conflict: number;
  /** The first updates, each as `row 7 (0010037): title: "A" → "B"; …`. */
  updates: string[];
  /** How many jobs the account has. */
  accountJobs: number;
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
  /** Keyed imports: the plan against the account. */
  keyed?: KeyedPlan;
  /** The run's id, for `undo`. */
  run?: string;
  planFile?: string;
}

const RESULT_COLUMNS = ['Row', 'Outcome', 'Job id', 'UUID', 'Changed', 'Reason', 'Run'];
const PLAN_COLUMNS = ['Row', 'Action', 'Key', 'Job id', 'UUID', 'Changes'];
const SHOWN_UPDATES = 20;

/** Files of up to this many rows are read once: the validation pass's rows are sent. */
const KEEP_ROWS = 20_000;

interface RowResult {
  row: SheetRow;
  outcome: Outcome;
  id?: number;
  uuid?: string;
  changed?: string;
  reason?: string;
}

/** Writes results in input order, although rows finish in any order. */
class ResultsInOrder {
  private readonly waiting = new Map<number, RowResult>();
  private next = 0;
  private chain: Promise<void> = Promise.resolve();
  private flushing = false;
  /** The first write that failed: the run stops, and `done()` throws it. */
  private failure: unknown;

  constructor(
    private readonly results: RowsWriter,
    private readonly errors: ErrorRows,
    private readonly header: string[],
    private readonly run: string,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  private schedule(): void {
    this.chain = this.chain.then(() => this.flush()).catch((error: unknown) => {
      if (this.failure === undefined) this.onFailure(error);
      this.failure ??= error;
    });
  }

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
      this.schedule();
    });
  }

  private async flush(): Promise<void> {
    if (this.failure !== undefined) return;
    for (let r = this.waiting.get(this.next); r; r = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.next++;
      await this.results.write([r.row.row, r.outcome, r.id ?? '', r.uuid ?? '', r.changed ?? '', r.reason ?? '', this.run, ...inputCells(this.header, r.row)]);
      if (r.outcome === 'rejected' || r.outcome === 'failed') await this.errors.add(r.row, r.reason ?? r.outcome);
    }
  }

  /** Writes what is still waiting (a flush still scheduled then finds nothing to write). */
  async done(): Promise<void> {
    this.schedule();
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }
}

/** The rows of a source, until it fails with one of our errors: handed to `stop`, and the rows end. */
async function* guarded<T>(source: AsyncIterable<T> | Iterable<T>, stop: (error: CdbError) => void): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    if (!(error instanceof CdbError)) throw error;
    stop(error);
  }
}

/** What the validation pass read: the send pass reads the same bytes or stops. */
interface FileSeen {
  size: number;
  mtimeMs: number;
  content: string;
}

async function seen(file: string): Promise<FileSeen> {
  const { size, mtimeMs } = await stat(file);
  return { size, mtimeMs, content: await contentHash(file) };
}

/** The file read and checked again, row by row, as the validation pass did, if it is still the file that was checked. */
async function* readAgain(file: string, mapping: Mapping, bound: BoundMapping, read: ReadOptions | undefined, checked: FileSeen): AsyncGenerator<CheckedRow> {
  const changed = () =>
    new CdbError('INPUT', 'The file changed after it was checked: it is read again for sending (it has over 20,000 rows), and what would be sent is no longer what was checked. Nothing more was sent.', {
      context: { file },
      hint: 'Leave the file alone while it is imported (close it in Excel), then run the same command again: rows already done are skipped.',
    });
  const now = await seen(file);
  if (now.size !== checked.size || now.mtimeMs !== checked.mtimeMs || now.content !== checked.content) throw changed();
  const sheet = await openForMapping(file, mapping, read);
  try {
    const check = rowChecker(bound, mapping);
    let since = 0;
    for await (const row of sheet.rows) {
      // Overwritten in place while it is read (Excel saves over it): stop at the next look.
      if (++since >= 200) {
        since = 0;
        const { size, mtimeMs } = await stat(file);
        if (size !== checked.size || mtimeMs !== checked.mtimeMs) throw changed();
      }
      yield { row, mapped: check(row) };
    }
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
  const fileSeen = await seen(file).catch(() => undefined);
  const plan = await planImport({ file, mapping, read: options.read, errorsFile, payloadsFile: options.payloadsFile, reporter }, (checked) => {
    if (keptAll && kept.length < (options.keepRows ?? KEEP_ROWS)) return void kept.push(checked);
    keptAll = false;
    kept.length = 0;
  });
  const counts: Record<Outcome, number> = { created: 0, updated: 0, unchanged: 0, skipped: 0, 'not-sent': 0, rejected: 0, failed: 0, unknown: 0 };
  const base = { plan, counts, reported: 0, unknownRows: [] as number[], limited: false, retries: 0, throttles: 0 };
  if (plan.invalid > 0 && !options.skipInvalid && !options.dryRun) {
    return { ...base, status: 'invalid', errorsFile: plan.errorsFile, seconds: (Date.now() - started) / 1000 };
  }

  // A keyed import matches rows against the account by the key column's field.
  const keyColumn = plan.bound.keyIndex === undefined ? undefined : plan.bound.columns.find((c) => c.index === plan.bound.keyIndex && !c.spec.readOnly);
  const keyField = keyColumn?.spec.field;
  const account = options.account ?? client.baseUrl;
  const namespace = keyNamespace(account, keyField ?? mapping.key ?? '', mapping.namespace);
  let index: AccountIndex | undefined;
  if (mapping.key && !keyField) {
    throw new CdbError('MAPPING', `The key column "${mapping.key}" is not mapped to a job field, so rows cannot be matched against the account.`, {
      hint: `Add it to columns with the field that holds it in Coredination (e.g. - column: ${mapping.key}, field: referenceNo).`,
    });
  }
  if (keyField && (LIST_OMITTED_FIELDS as readonly string[]).includes(String(keyColumn?.parts[0]))) {
    throw new CdbError('MAPPING', `The key column "${mapping.key}" is mapped to ${keyField}, which the API's job list leaves out, so rows cannot be matched against the account by it.`, {
      hint: 'Key on a field the list has, such as referenceNo (or the exported UUID column).',
    });
  }
  if (mapping.key && keyField) {
    const attributes = [...new Set(plan.bound.columns.filter((c) => !c.spec.readOnly).map((c) => String(c.parts[0])))];
    reporter.info(`Reading the account's jobs, to match rows by ${keyField}…`);
    index = await AccountIndex.load(client, keyField, attributes, reporter);
  }
  const keyParts = keyColumn?.parts ?? [];
  // Lists a column fills whole (resources[].name): the file's list is the list.
  const wholeLists = new Set(plan.bound.columns.filter((c) => c.parts.includes(EACH)).map((c) => String(c.parts[0])));
  const patience = { baseDelayMs: options.retry?.baseDelayMs, signal: options.signal };
  const putIsPartial = options.putIsPartial ?? PUT_IS_PARTIAL;
  const keyed: KeyedPlan | undefined = index ? { create: 0, update: 0, unchanged: 0, conflict: 0, updates: [], accountJobs: index.size } : undefined;
  const planWriter = options.planFile
    ? await openRowsWriter(options.planFile, { header: [...PLAN_COLUMNS, ...plan.header], format: outputFormat(options.planFile), delimiter: plan.detected.delimiter ?? ';', bom: true, sheet: 'Plan' })
    : undefined;

  /** What a keyed row will do to the account. */
  type Action =
    | { action: 'create'; uuid: string; body: Job }
    | { action: 'update'; uuid: string; id?: number; body: Job; before: Record<string, unknown>; changed: string }
    | { action: 'unchanged'; uuid: string; id?: number }
    | { action: 'conflict'; reason: string };
  const decide = async (mapped: CheckedRow['mapped']): Promise<Action> => {
    const key = keyText(getPath(mapped.job, keyParts)) ?? (mapped.key as string);
    delete mapped.job.uuid; // the path names the job; a uuid column could only contradict it
    let matches: AccountJob[] = (index as AccountIndex).find(key);
    if (!matches.length && isUuid(key)) matches = [(index as AccountIndex).byJobUuid(key)].filter((j): j is AccountJob => j !== undefined);
    if (matches.length > 1) {
      const ids = matches.map((j) => j.id ?? j.uuid).join(', ');
      return { action: 'conflict', reason: `${keyField} "${key}" is held by ${matches.length} jobs in the account (ids ${ids}); nothing was sent for this row. Give those jobs different ${keyField} values in Coredination, then import again.` };
    }
    if (keyField === 'uuid' && !isUuid(key)) return { action: 'conflict', reason: `the key column is mapped to uuid, but "${key}" is not a uuid; nothing was sent for this row` };
    let job = matches[0];
    if (!job) {
      const uuid = isUuid(key) ? key.toLowerCase() : uuidV5(key, namespace);
      // The uuid a new job would get may already name a job (one whose key was changed since):
      // that job is then the one to update, never to overwrite as if new.
      job = (index as AccountIndex).byJobUuid(uuid);
      if (!job) return { action: 'create', uuid, body: mapped.job };
    }
    const jobUuid = job.uuid;
    // Unchanged by the account as read at the start (when the list holds every attribute sent):
    // no request at all. Anything to change is compared again with the job as it is now.
    if (job.complete && !diffJob(mapped.job, job.values, wholeLists).changes.length) return { action: 'unchanged', uuid: job.uuid, id: job.id };
    const fresh = await readJob(client, jobUuid, patience);
    if (!fresh) return { action: 'conflict', reason: `the matching job ${job.id ?? jobUuid} was deleted in the meantime; nothing was sent for this row: run again` };
    const current = (index as AccountIndex).pick(fresh);
    const diff = diffJob(mapped.job, current, wholeLists);
    if (!diff.changes.length) return { action: 'unchanged', uuid: job.uuid, id: job.id };
    let body = diff.body;
    if (!putIsPartial) {
      // A PUT that replaces the job must carry all of it, or it would clear what the file does not name.
      body = { ...withoutServerFields(fresh), ...diff.body };
    }
    keyedUpdateLine(mapped.row, key, diff.changes.map((c) => describeChange(c, mapping.timezone)).join('; '));
    return { action: 'update', uuid: job.uuid, id: job.id, body, before: diff.before, changed: diff.changes.map((c) => c.path).join(', ') };
  };
  const keyedUpdateLine = (row: number, key: string, text: string) => {
    if (keyed && keyed.updates.length < SHOWN_UPDATES) keyed.updates.push(`row ${row} (${key}): ${text}`);
  };
  const writePlan = async (row: SheetRow, action: string, key: string, id: number | undefined, uuid: string | undefined, changes: string) => {
    await planWriter?.write([row.row, action, key, id ?? '', uuid ?? '', changes, ...inputCells(plan.header, row)]);
  };
  /** A keyed row's action, counted in the plan and written to the plan file; a job that cannot be read is that row's problem. */
  const planRow = async (row: SheetRow, mapped: CheckedRow['mapped']): Promise<Action> => {
    const decided = await decide(mapped).catch((error: unknown): Action => {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) throw error;
      return { action: 'conflict', reason: `could not read the matching job from the server (${(error as Error).message}); nothing was sent for this row: run again` };
    });
    const counts = keyed as KeyedPlan;
    if (decided.action === 'conflict') counts.conflict++;
    else counts[decided.action]++;
    const detail = decided.action === 'update' ? decided.changed : decided.action === 'conflict' ? decided.reason : '';
    await writePlan(row, decided.action, mapped.key ?? '', 'id' in decided ? decided.id : undefined, 'uuid' in decided ? decided.uuid : undefined, detail);
    return decided;
  };

  if (options.dryRun) {
    const rows = keptAll ? kept : readAgain(file, mapping, plan.bound, options.read, fileSeen as FileSeen);
    try {
      for await (const { row, mapped } of rows) {
        if (mapped.issues.length) {
          await writePlan(row, 'invalid', mapped.key ?? '', undefined, undefined, mapped.issues.map(reasonText).join('; '));
          continue;
        }
        if (!index || !keyed) continue;
        await planRow(row, mapped);
      }
    } finally {
      await planWriter?.close();
    }
    return { ...base, status: 'done', keyed, planFile: options.planFile, seconds: (Date.now() - started) / 1000 };
  }

  const concurrency = options.concurrency ?? 4;
  const rate = options.rate === undefined ? 10 : options.rate <= 0 ? Number.POSITIVE_INFINITY : options.rate;
  const toSend = Math.min(plan.valid, options.limit ?? Number.POSITIVE_INFINITY);
  if (index) reporter.info(`Matching ${toSend} row${toSend === 1 ? '' : 's'} against ${index.size} jobs by ${keyField}; sending only what changed, to ${client.baseUrl}, ${concurrency} at a time${Number.isFinite(rate) ? ` and at most ${rate} per second` : ''}.`);

  await checkWritable([options.resultsFile ?? besideInput(file, 'results', '.csv'), errorsFile]);
  for (const output of [options.resultsFile ?? besideInput(file, 'results', '.csv'), errorsFile]) await removeStaleTemporaries(output); // a killed run's
  const stateDir = options.stateDir;
  const resultsFile = options.resultsFile ?? besideInput(file, 'results', '.csv');
  // The journal is named by the work (account, mapping, input), kept in the state folder, and
  // held by one import at a time.
  const { source: _source, ...mappingContent } = mapping;
  const journal = new Journal(journalPath(stateDir, { account, mapping: payloadHash(mappingContent), input: path.resolve(file), content: fileSeen?.content ?? '' }));
  const unlock = lockJournal(journal.file);
  let earlierRuns: JournalState;
  try {
    earlierRuns = options.fresh ? { rows: new Map(), cutLastLine: false } : journal.load();
    if (earlierRuns.cutLastLine) reporter.warn(`The journal's last line was cut off (a run killed, or a full disk, while writing it); it is left out: a request is recorded before it leaves, so the row it named is looked up or sent again as needed. (${journal.file})`);
    journal.open(options.fresh ?? false);
    journal.append({ t: 'run', at: Date.now(), file: path.resolve(file), baseUrl: client.baseUrl, content: fileSeen?.content, name: path.basename(file) });
  } catch (error) {
    unlock();
    throw error;
  }
  const previous = earlierRuns.rows;
  if (!index) {
    // Rows an earlier run finished are not sent again: the estimate counts only the rest.
    const done = keptAll ? kept.filter(({ row, mapped }) => !mapped.issues.length && ['created', 'updated', 'skipped'].includes(previous.get(row.row)?.outcome ?? '') && previous.get(row.row)?.hash === payloadHash(mapped.job)).length : 0;
    const sending = Math.max(0, toSend - done);
    const time = Number.isFinite(rate) ? Math.ceil(sending / rate) : undefined;
    const already = done ? ` (${done} done by an earlier run are skipped)` : '';
    if (!sending) reporter.info(`Nothing to send: all ${done} rows were done by an earlier run.`);
    else reporter.info(`Sending ${sending} row${sending === 1 ? '' : 's'}${already} to ${client.baseUrl}, ${concurrency} at a time${time !== undefined ? ` and at most ${rate} per second: about ${time} s` : ', with no rate cap'}.`);
  }
  // Whether the server keeps the uuid a POST carries: the API's assumption, unless an answer said otherwise.
  // Whether the server keeps the uuid a POST carries: known from an earlier run's answers, or
  // learned from this run's first answer. Until then a lost answer is not settled by a lookup (a
  // server that makes its own uuids would never show ours, and the row would be sent twice).
  let uuidKept: boolean | undefined = options.postKeepsUuid ?? earlierRuns.uuidKept;
  let learned: (kept: boolean) => void = () => {};
  const uuidLearned = uuidKept !== undefined ? Promise.resolve(uuidKept) : new Promise<boolean>((resolve) => (learned = resolve));
  void POST_KEEPS_CLIENT_UUID;

  const run = newRunId();
  const record = new RunRecord(runFile(stateDir, run));
  record.open();
  reporter.info(`Run ${run} (undo takes it back: coredination-batch undo ${run}).`);
  record.append({ t: 'run', run, at: Date.now(), file: path.resolve(file), baseUrl: client.baseUrl, account });

  /** Whether a job with this uuid exists, or undefined when the server cannot say. */
  const lookUp = async (uuid: string): Promise<Job | null | undefined> => {
    if (uuidKept === false) return undefined;
    const found = await readJob(client, uuid, { ...patience, attempts: 5 }).catch(() => undefined);
    if (found === undefined) return undefined; // the server could not be asked: the row stays unknown
    if (found) {
      // A job under the uuid this tool sent: the server keeps them.
      if (uuidKept === undefined) {
        uuidKept = true;
        learned(true);
      }
      return found;
    }
    // Not there: proof only when the server is known to keep uuids (else it may hold it under its own).
    const kept =
      uuidKept ??
      (await new Promise<boolean | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), 30_000);
        timer.unref();
        void uuidLearned.then((value) => {
          clearTimeout(timer);
          resolve(value);
        });
      }));
    return kept ? null : undefined;
  };

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
  const sink = new ResultsInOrder(results, errors, plan.header, run, (error) => {
    // The results cannot be written: stop sending (the journal still knows every row).
    if (error instanceof CdbError) uploader.fatal ??= error;
  });
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

  /** Runs a record write; one that fails stops the run (no further request starts). */
  const recorded = (write: () => void) => {
    try {
      write();
    } catch (error) {
      if (error instanceof CdbError) uploader.fatal ??= error;
      throw error;
    }
  };
  const rows = keptAll ? kept : readAgain(file, mapping, plan.bound, options.read, fileSeen as FileSeen);
  const unsettled = new Set<Promise<void>>();
  try {
    // A problem reading the rows again (the file changed) stops the run like any run-wide failure.
    for await (const { row, mapped } of guarded(rows, (error) => (uploader.fatal ??= error))) {
      if (mapped.issues.length) {
        await writePlan(row, 'invalid', mapped.key ?? '', undefined, undefined, mapped.issues.map(reasonText).join('; '));
        report(seq++, row, { outcome: 'rejected', reason: mapped.issues.map(reasonText).join('; ') });
        continue;
      }
      // Every input row is in the results: those the run never sent say why.
      if (uploader.stopped) {
        report(seq++, row, { outcome: 'not-sent', reason: 'not sent: the run stopped first' });
        continue;
      }
      if (admitted >= toSend) {
        base.limited = true;
        report(seq++, row, { outcome: 'not-sent', reason: 'not sent: beyond --limit' });
        continue;
      }
      admitted++;
      const hash = payloadHash(mapped.job);
      let uuid: string | undefined;
      let body: Job = mapped.job;
      let changed: string | undefined;
      let before: Record<string, unknown> | undefined;
      if (index && keyed) {
        // The account is the truth for keyed rows: what matches is updated or left alone.
        const decided = await planRow(row, mapped);
        if (decided.action === 'conflict') {
          report(seq++, row, { outcome: 'rejected', reason: decided.reason });
          continue;
        }
        if (decided.action === 'unchanged') {
          report(seq++, row, { outcome: 'unchanged', id: decided.id, uuid: decided.uuid, reason: 'the job already holds these values: nothing sent' });
          continue;
        }
        uuid = decided.uuid;
        body = decided.body;
        if (decided.action === 'update') {
          changed = decided.changed;
          before = decided.before;
        }
      } else {
        uuid = mapped.key ? uuidForKey(mapped.key, namespace) : undefined;
        if (uuid) delete mapped.job.uuid; // the path names the job; a uuid column could only contradict it
        const earlier = previous.get(row.row);
        if (earlier && earlier.hash === hash && (earlier.outcome === 'created' || earlier.outcome === 'updated' || earlier.outcome === 'skipped')) {
          report(seq++, row, { outcome: 'skipped', id: earlier.id, uuid: earlier.uuid, reason: `done by an earlier run (${earlier.outcome})` });
          continue;
        }
        const lost = earlier !== undefined && earlier.method === 'POST' && (earlier.outcome === undefined || earlier.outcome === 'unknown');
        if (earlier && !lost && earlier.hash !== hash && !uuid && earlier.outcome !== 'rejected' && earlier.outcome !== 'failed') {
          // Not silently skipped: either the row was edited, or this is another file of the same name.
          report(seq++, row, { outcome: 'rejected', id: earlier.id, uuid: earlier.uuid, reason: `differs from what an earlier run of a file named ${path.basename(file)} sent for row ${row.row} (job ${earlier.id ?? earlier.uuid}); not sent, to avoid a second job. If this is another file, run again with --fresh; to update jobs, import with a key column` });
          continue;
        }
        if (!uuid) {
          // A POST carries a uuid of the row's own, journaled before it leaves, so that a lost
          // answer is settled by looking that uuid up, never by resemblance.
          const postUuid = earlier?.method === 'POST' && earlier.uuid ? earlier.uuid : randomUUID();
          if (lost && earlier) {
            const found = earlier.uuid ? await lookUp(earlier.uuid) : undefined;
            if (found) {
              if (earlier.hash === hash) {
                journal.note({ t: 'done', row: row.row, at: Date.now(), outcome: 'created', id: found.id, uuid: found.uuid });
                report(seq++, row, { outcome: 'skipped', id: found.id, uuid: found.uuid, reason: 'created by an earlier run whose answer was lost (found on the server by its uuid)' });
                continue;
              }
              // Edited since the lost POST: the job exists, so the row's new values update it.
              uuid = found.uuid;
              before = {};
              for (const attribute of Object.keys(mapped.job)) before[attribute] = found[attribute] ?? null;
              changed = Object.keys(mapped.job).join(', ');
            } else if (found === undefined && options.unknown !== 'send') {
              const reason = options.unknown === 'skip'
                ? 'skipped (--unknown skip): an earlier run sent it without an answer, and the server cannot say whether it made the job'
                : 'an earlier run sent it without an answer, and the server cannot say whether it made the job (it does not keep the uuid this tool sends): check the server, then run again with --unknown send or --unknown skip';
              report(seq++, row, { outcome: options.unknown === 'skip' ? 'skipped' : 'unknown', uuid: earlier.uuid, reason });
              continue;
            }
          }
          if (!uuid) body = { ...mapped.job, uuid: postUuid };
        }
      }
      await uploader.room(window);
      if (uploader.stopped) {
        report(seq++, row, { outcome: 'not-sent', reason: 'not sent: the run stopped first' });
        continue;
      }
      const thisSeq = seq++;
      const jobUuidBefore = uuid ?? (body.uuid as string | undefined);
      const beforeSend = () => {
        // What undo needs is on disk before the request leaves, and the journal's line too; a
        // write that fails stops the run before this request (it throws out of the send).
        recorded(() => {
          if (jobUuidBefore && before) record.append({ t: 'update', row: row.row, uuid: jobUuidBefore, before, after: body });
          else if (jobUuidBefore) record.append({ t: 'create', row: row.row, uuid: jobUuidBefore, after: body });
          journal.append({ t: 'send', row: row.row, at: Date.now(), hash, method: uuid ? 'PUT' : 'POST', uuid: jobUuidBefore });
        });
      };
      const send = uploader.send(body, uuid, beforeSend).then(async (first) => {
        let result = first;
        if (uuid || result.outcome === 'not-sent') return result;
        if (result.outcome === 'created' && result.job) {
          const kept = typeof result.job.uuid === 'string' && result.job.uuid.toLowerCase() === String(body.uuid).toLowerCase();
          if (kept !== uuidKept) journal.note({ t: 'done', row: row.row, at: Date.now(), outcome: 'created', uuidKept: kept });
          uuidKept = kept;
          learned(kept);
          return result;
        }
        // The answer was lost (or a 500 came): look the row's uuid up, and send again only while it is not there.
        for (let tries = 0; result.outcome === 'unknown' && tries < 5 && !uploader.stopped; tries++) {
          const found = await lookUp(String(body.uuid));
          if (found) return { outcome: 'created' as const, job: found, reason: 'the answer was lost; found on the server by its uuid' };
          if (found === undefined) break;
          result = await uploader.send(body, undefined, beforeSend);
        }
        return result;
      });
      const reported = send.then((result) => {
        if (result.outcome === 'not-sent') {
          report(thisSeq, row, { outcome: 'not-sent', reason: 'not sent: the run stopped first' });
          return;
        }
        if (result.outcome === 'failed' && uploader.fatal && result.status !== undefined && [401, 403].includes(result.status)) {
          // Refused for the whole run (the key): nothing was made, and the row is not at fault.
          report(thisSeq, row, { outcome: 'not-sent', reason: `not sent: ${result.reason}` });
          return;
        }
        const id = result.job?.id;
        const jobUuid = result.job?.uuid ?? uuid;
        // A keyed row that matched nothing is created, whatever the server's timestamps say.
        const outcome = result.outcome === 'updated' && index && !before ? 'created' : result.outcome === 'created' && before ? 'updated' : result.outcome;
        journal.note({ t: 'done', row: row.row, at: Date.now(), outcome, id, uuid: jobUuid, reason: result.reason });
        if (jobUuid) {
          try {
            recorded(() => record.append({ t: 'done', row: row.row, uuid: jobUuid, outcome, id, modified: typeof result.job?.modified === 'number' ? result.job.modified : undefined }));
          } catch {
            // the run stops (uploader.fatal); this row's request was answered, so it is reported below
          }
        }
        report(thisSeq, row, { outcome, id, uuid: jobUuid, changed: outcome === 'updated' ? changed : undefined, reason: result.reason });
      }, (error: unknown) => {
        // A journal that could not be written stopped the request before it left.
        if (error instanceof CdbError && error.code === 'OUTPUT') return void report(thisSeq, row, { outcome: 'not-sent', reason: `not sent: ${error.message}` });
        // Not an API answer: a bug. The row is reported, never silently dropped.
        report(thisSeq, row, { outcome: 'unknown', reason: `unexpected error: ${(error as Error)?.message ?? String(error)}` });
      });
      // A row's end may come after its request (a lost answer is looked up, and sent again).
      unsettled.add(reported);
      void reported.finally(() => unsettled.delete(reported));
    }
  } finally {
    while (unsettled.size || uploader.pending) {
      await uploader.drain();
      await Promise.all([...unsettled]);
    }
    await planWriter?.close();
  }
  let resultsWritten = true;
  try {
    await sink.done();
    await results.close();
    await errors.close();
    // An errors file from an earlier run of the same input would look current: remove it.
    if (!errors.used && !options.errorsFile) await rm(errorsFile, { force: true });
  } catch (error) {
    resultsWritten = false;
    await results.abort?.().catch(() => undefined);
    if (!(error instanceof CdbError)) throw error;
    uploader.fatal ??= error;
  } finally {
    try {
      journal.close();
      record.close();
    } catch (error) {
      if (error instanceof CdbError) uploader.fatal ??= error;
    } finally {
      unlock();
    }
  }

  if (uploader.fatal) status = 'aborted';
  else if (options.signal?.aborted) status = 'interrupted';
  return {
    ...base,
    status,
    retries: uploader.retries,
    throttles: gate.throttles,
    resultsFile: resultsWritten ? resultsFile : undefined,
    errorsFile: errors.used && resultsWritten ? errorsFile : undefined,
    journalFile: journal.file,
    seconds: (Date.now() - started) / 1000,
    error: uploader.fatal,
    keyed,
    run,
    planFile: options.planFile,
  };
}

