import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { PUT_IS_PARTIAL } from '../api/assumptions.js';
import type { CoredinationClient } from '../api/client.js';
import { RateGate, type Clock } from '../api/rate-gate.js';
import type { RetryPolicy } from '../api/retry-policy.js';
import type { Job } from '../api/types.js';
import { CdbError } from '../errors.js';
import type { Mapping } from '../mapping/types.js';
import type { ReadOptions } from '../readers/types.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { inputColumns } from '../writers/error-rows.js';
import { checkWritable } from '../util/check-writable.js';
import { removeStaleTemporaries } from '../util/stale-temporaries.js';
import { ErrorRows } from '../writers/error-rows.js';
import { emptyPlan, type ImportPlan, type PlannedRow } from './actions.js';
import { Applier } from './applier.js';
import { checkFile, type FileCheck } from './check-file.js';
import { adoptEarlierJournal, Journal, journalDir, journalPath, lockJournal, mappingIdentity, payloadHash, type JournalState, type Outcome } from './journal.js';
import { keyedPlanner } from './keyed-setup.js';
import type { OnlyChoice } from './keyed-planner.js';
import { PlanPass, tally, type PlanRules } from './planner.js';
import { asError, importOutputs, openResults, outputMode, PlanFile, refuseInputAsOutput, ResultsInOrder } from './results.js';
import type { ValueContext } from './job-diff.js';
import { lockRun, newRunId, RunRecord, runFile } from './run-record.js';
import { UnkeyedPlanner, type UnknownChoice } from './unkeyed-planner.js';
import { Uploader } from './uploader.js';

/** What to import, and how. */
export interface ImportOptions {
  file: string;
  mapping: Mapping;
  client: CoredinationClient;
  /** Where journals and run records (for undo) are kept: the CLI's state folder. */
  stateDir: string;
  read?: ReadOptions;
  /** Requests in flight at most (default 4). */
  concurrency?: number;
  /** Requests per second at most (default 10; 0 or Infinity: no cap). */
  rate?: number;
  /** Send only the first N rows that would be sent. */
  limit?: number;
  /** Send the valid rows and report the invalid ones as rejected. */
  skipInvalid?: boolean;
  /** More invalid rows than this (with skipInvalid) sends nothing; more failed rows stops the run. */
  maxErrors?: number;
  /** Forget what earlier runs of this account and mapping sent. */
  fresh?: boolean;
  /** False leaves out the line naming the run and the undo that takes it back: the demo's server goes with it. */
  undoHint?: boolean;
  /** Results file (csv or xlsx); default beside the input. */
  resultsFile?: string;
  /** Errors file; default beside the input. */
  errorsFile?: string;
  /** Every row's action, one row per input row (csv or xlsx). */
  planFile?: string;
  /** Every valid payload as JSON lines. */
  payloadsFile?: string;
  /** Plan and stop: nothing sent, no results file. */
  dryRun?: boolean;
  /** With dryRun: check the file alone, without the journal or the account (no plan). */
  offline?: boolean;
  /** Keyed: only create (a match is a problem) or only update (no match is a problem); default both. */
  only?: OnlyChoice;
  /** Who the account is (base URL and a hash of the key): journals and new jobs' uuids are its own. */
  account?: string;
  /** Whether PUT leaves absent attributes as they are (the API's assumption; tests try both). */
  putIsPartial?: boolean;
  /** Whether the server keeps the uuid a POST sends (the API's assumption; tests try both). */
  postKeepsUuid?: boolean;
  /** Rows an earlier run sent without an answer that the server cannot settle: send them again, or skip them. */
  unknown?: UnknownChoice;
  reporter?: Reporter;
  /** Aborting stops sending; requests in flight finish and everything is written. */
  signal?: AbortSignal;
  clock?: Clock;
  /** Files of up to this many rows (default 20,000) are read once, larger ones again for each pass. */
  keepRows?: number;
  /** Backoff of the uploader's retries (tests make it short). */
  retry?: Partial<RetryPolicy>;
}

/** How an import ended. */
export interface ImportSummary {
  /** 'invalid': the check found invalid rows (or more than --max-errors) and nothing was sent. */
  status: 'done' | 'invalid' | 'interrupted' | 'aborted';
  check: FileCheck;
  /** Every row's action, as planned before anything was sent (none for an offline dry run). */
  plan?: ImportPlan;
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
  /** The run's id, for `undo`. */
  run?: string;
  planFile?: string;
  /** The --max-errors budget the invalid rows went over (status 'invalid'). */
  maxErrors?: number;
  /** Jobs that earlier runs' lost answers made, found now, that no row of the file stands for. */
  orphansFound: Job[];
}

const NO_COUNTS = (): Record<Outcome, number> => ({ created: 0, updated: 0, unchanged: 0, skipped: 0, 'not-sent': 0, rejected: 0, failed: 0, unknown: 0 });

/** The journal of this account and mapping: locked and opened for an import, only read for a dry run. */
function openJournal(options: ImportOptions, account: string): { journal: Journal; state: JournalState; unlock: () => void } {
  const { source: _source, ...mappingContent } = options.mapping;
  const identity = { account, mapping: mappingIdentity(options.mapping) };
  const earlier = { account, mapping: payloadHash(mappingContent) };
  if (!options.dryRun) adoptEarlierJournal(options.stateDir, identity, earlier);
  // A dry run moves nothing: it reads the earlier journal where it still is.
  const unmoved = options.dryRun && !existsSync(journalDir(options.stateDir, identity)) && existsSync(journalDir(options.stateDir, earlier));
  const journal = new Journal(journalPath(options.stateDir, unmoved ? earlier : identity));
  const empty: JournalState = { payloads: new Map(), cutLastLine: false };
  if (options.dryRun) return { journal, state: options.fresh || options.offline ? empty : journal.load(), unlock: () => {} };
  const unlock = lockJournal(journal.file);
  try {
    const state = options.fresh ? empty : journal.load();
    journal.open(options.fresh ?? false);
    return { journal, state, unlock };
  } catch (error) {
    unlock();
    throw error;
  }
}

/**
 * Plan, then apply: the check of the whole file (nothing sent when a row is invalid, unless
 * skipInvalid), the account read when the mapping has a key, every row's action planned (written
 * to the plan file, printed by the dry run), then applied through the throttled uploader.
 */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const { file, mapping, client } = options;
  const reporter = options.reporter ?? silentReporter;
  const outputs = importOutputs(file, { results: options.resultsFile, errors: options.errorsFile, plan: options.planFile, payloads: options.payloadsFile });
  const account = options.account ?? client.baseUrl;
  await refuseInputAsOutput(file, outputs);
  const mode = await outputMode(file);
  const { journal, state, unlock } = openJournal(options, account);
  try {
    if (state.cutLastLine) reporter.warn(`The journal's last line was cut off (a run killed, or a full disk, while writing it); it is left out: a request is recorded before it leaves, so the row it named is looked up or sent again as needed. (${journal.file})`);
    const unkeyed = new UnkeyedPlanner(state, options.unknown);
    const checked = await checkFile({ file, mapping, read: options.read, errorsFile: outputs.errors, errorsFileIsDefault: outputs.errorsIsDefault, payloadsFile: outputs.payloads, reporter, keepRows: options.keepRows, mode });
    const { check } = checked;
    const base = { check, plan: emptyPlan(), counts: NO_COUNTS(), reported: 0, unknownRows: [], limited: false, retries: 0, throttles: 0, orphansFound: [] as Job[], journalFile: journal.file };
    const seconds = () => (Date.now() - started) / 1000;
    if (options.dryRun && options.offline) return { ...base, plan: undefined, status: 'done', seconds: seconds() };
    if (check.invalid > 0 && !options.dryRun) {
      if (!options.skipInvalid) return { ...base, status: 'invalid', errorsFile: check.errorsFile, seconds: seconds() };
      if (options.maxErrors !== undefined && check.invalid > options.maxErrors) return { ...base, status: 'invalid', errorsFile: check.errorsFile, maxErrors: options.maxErrors, seconds: seconds() };
    }

    const rules: PlanRules = { unkeyed, limit: options.limit, concurrency: options.concurrency };
    if (mapping.key) rules.keyed = await keyedPlanner({ client, mapping, bound: check.bound, account, only: options.only, reporter, signal: options.signal });
    const plan = base.plan;
    if (rules.keyed) plan.account = { jobs: rules.keyed.setup.index.reading.jobs, readings: rules.keyed.setup.index.reading.readings, changedWhileRead: rules.keyed.setup.index.reading.why };
    const planFile = outputs.plan ? await PlanFile.open(outputs.plan, inputColumns(check.header), check.detected, mode, mapping) : undefined;
    const planning = new PlanPass(rules);
    const held: PlannedRow[] | undefined = checked.held && !options.dryRun ? [] : undefined;
    try {
      for await (const planned of planning.rows(checked.rows())) {
        tally(plan, planned, mapping);
        held?.push(planned);
        await planFile?.write(planned);
      }
      await planFile?.close();
    } catch (error) {
      await planFile?.abort();
      throw error;
    }
    const orphans = rules.keyed ? [] : unkeyed.orphans(planning.counted);
    plan.orphans = orphans.length;
    if (options.dryRun) return { ...base, status: 'done', planFile: outputs.plan, seconds: seconds() };
    return await apply(options, { base, held, checked, rules, journal, state, orphans, outputs, account, started, mode });
  } finally {
    unlock();
  }
}

/** The apply half of an import: sends what the plan says, and writes results, journal and run record. */
async function apply(
  options: ImportOptions,
  p: {
    base: Omit<ImportSummary, 'status' | 'seconds'> & { plan: ImportPlan };
    held: PlannedRow[] | undefined;
    checked: Awaited<ReturnType<typeof checkFile>>;
    rules: PlanRules;
    journal: Journal;
    state: JournalState;
    orphans: { hash: string; uuid: string }[];
    outputs: ReturnType<typeof importOutputs>;
    account: string;
    started: number;
    mode: number;
  },
): Promise<ImportSummary> {
  const { client } = options;
  const reporter = options.reporter ?? silentReporter;
  const { check } = p.checked;
  const { plan } = p.base;
  const concurrency = options.concurrency ?? 4;
  const rate = options.rate === undefined ? 10 : options.rate <= 0 ? Number.POSITIVE_INFINITY : options.rate;
  await checkWritable([p.outputs.results, p.outputs.errors]);
  for (const output of [p.outputs.results, p.outputs.errors]) await removeStaleTemporaries(output); // a killed run's
  const sending = plan.counts.create + plan.counts.update + plan.counts.settle;
  const already = plan.counts.done ? ` (${plan.counts.done} done by an earlier run are skipped)` : '';

  const run = newRunId();
  const putIsPartial = options.putIsPartial ?? PUT_IS_PARTIAL;
  const unlockRun = lockRun(options.stateDir, run, 'import');
  const record = new RunRecord(runFile(options.stateDir, run), options.stateDir);
  p.journal.append({ t: 'run', at: Date.now(), run, file: path.resolve(options.file), baseUrl: client.baseUrl });
  // A run that sends nothing changes nothing: it keeps no record, there is nothing to undo, and
  // its results name no run (a run id with no record behind it would send undo looking for one).
  const recorded = sending > 0 || p.orphans.length > 0;
  if (recorded) {
    record.open();
    record.append({ t: 'run', run, at: Date.now(), file: path.resolve(options.file), baseUrl: client.baseUrl, account: p.account, putIsPartial, ...(p.state.uuidKept === undefined ? {} : { uuidKept: p.state.uuidKept }), pid: process.pid, words: wordsOf(options.mapping), journal: path.relative(options.stateDir, p.journal.file) });
  }
  // Said once the state folder has taken the run's record: a folder that refuses it sends nothing.
  if (!sending) reporter.info(plan.counts.done ? `Nothing to send: ${plan.counts.done === 1 ? 'the row was' : `all ${plan.counts.done} rows were`} done by an earlier run.` : 'Nothing to send.');
  else reporter.info(`Sending ${sending} row${sending === 1 ? '' : 's'}${already} to ${client.baseUrl}, ${concurrency} at a time${Number.isFinite(rate) ? ` and at most ${rate} per second: about ${Math.ceil(sending / rate)} s` : ', with no rate cap'}.`);
  if (recorded && options.undoHint !== false) reporter.info(`Run ${run} (undo takes it back: coredination-batch undo ${run}).`);

  const gate = new RateGate(rate, options.clock);
  // eslint-disable-next-line prefer-const -- made after the uploader, whose progress reads it
  let applier: Applier | undefined;
  const uploader = new Uploader(client, gate, {
    concurrency,
    signal: options.signal,
    clock: options.clock,
    retry: options.retry,
    onRetry: (retry) => reporter.progress?.({ phase: 'send', done: applier?.applied.reported ?? 0, total: check.rows, retries: uploader.retries, paused: retry.paused }),
  });
  // An errors file imported again: its old Reason is not repeated after the new run's own.
  const inputHeader = inputColumns(check.header);
  const results = new ResultsInOrder(await openResults(p.outputs.results, inputHeader, check.detected, p.mode), new ErrorRows(p.outputs.errors, check.header, check.detected, p.mode), inputHeader, recorded ? run : '', (error) => {
    // The results cannot be written: stop sending (the journal still knows every row).
    if (error instanceof CdbError) uploader.fatal ??= error;
  });
  applier = new Applier({
    client, uploader, gate, journal: p.journal, record, results,
    index: p.rules.keyed?.setup.index,
    wholeLists: p.rules.keyed?.setup.wholeLists ?? new Set(),
    mapping: options.mapping,
    putIsPartial,
    uuidKept: options.postKeepsUuid ?? p.state.uuidKept,
    unknown: options.unknown,
    maxErrors: options.maxErrors,
    total: check.rows,
    concurrency,
    reporter,
    signal: options.signal,
  });
  let resultsWritten = true;
  let orphansFound: Job[];
  // A results file that could not be written, as the run's failure; anything else is a bug.
  let unwritten: unknown;
  try {
    orphansFound = await applier.settleOrphans(p.orphans);
    for (const job of orphansFound) reporter.warn(`An earlier run's answer was lost for job ${job.id ?? job.uuid} ("${job.title ?? ''}"); it was created, and no row of this file sends what it was sent with now (an edited or removed row?). Check it in Coredination.`);
    // A problem reading the rows again (the file changed) stops the run like any run-wide failure.
    await applier.apply(p.held ?? stopOn(new PlanPass(p.rules).rows(p.checked.rows()), (error) => (uploader.fatal ??= error)));
  } finally {
    try {
      await results.close();
    } catch (error) {
      resultsWritten = false;
      await results.abort();
      if (error instanceof CdbError) uploader.fatal ??= error;
      else unwritten = error;
    }
    // An errors file from an earlier run of the same input would look current: remove it.
    if (resultsWritten && !results.errorsUsed && p.outputs.errorsIsDefault) await rm(p.outputs.errors, { force: true });
    try {
      p.journal.close();
      record.append({ t: 'end', at: Date.now() });
      record.close();
    } catch (error) {
      if (error instanceof CdbError) uploader.fatal ??= error;
    } finally {
      unlockRun();
    }
  }
  if (unwritten !== undefined) throw asError(unwritten);
  const { applied } = applier;
  return {
    ...p.base,
    ...applied,
    status: uploader.fatal ? 'aborted' : options.signal?.aborted ? 'interrupted' : 'done',
    retries: uploader.retries,
    throttles: gate.throttles,
    resultsFile: resultsWritten ? p.outputs.results : undefined,
    errorsFile: results.errorsUsed && resultsWritten ? p.outputs.errors : undefined,
    seconds: (Date.now() - p.started) / 1000,
    error: uploader.fatal,
    run: recorded ? run : undefined,
    planFile: options.planFile,
    orphansFound,
  };
}

/** What undo needs to show values in the file's words: the mapping's zone and its columns that name words. */
function wordsOf(mapping: Mapping): ValueContext {
  const columns = mapping.columns.filter((c) => c.map || c.join || c.type === 'datetime').map((c) => ({ ...c, value: undefined }));
  return { timezone: mapping.timezone, columns };
}

/** The rows of a source, until it fails with one of our errors: handed to `stop`, and the rows end. */
async function* stopOn<T>(source: AsyncIterable<T>, stop: (error: CdbError) => void): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    if (!(error instanceof CdbError)) throw error;
    stop(error);
  }
}
