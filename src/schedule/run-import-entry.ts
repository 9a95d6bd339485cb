import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { CdbError } from '../errors.js';
import { runImport, type ImportSummary } from '../import/run-import.js';
import { mayPass, withRetries, type TryResult } from './retry.js';
import { finishRun, type RunContext } from './run-context.js';
import { moveTogether } from './safe-move.js';
import { lockEntry } from './schedule-lock.js';
import { failure, type RunRecord } from './schedule-record.js';
import type { ImportEntry } from './schedule-types.js';
import { pickUp, prepareFolders, unfinished, type WorkFile } from './watch-folder.js';
import { isoInZone } from './zone-stamp.js';

/** How one try at a file ended: its record so far, and the outputs it left. */
interface Tried {
  record: RunRecord;
  state: 'ok' | 'failed' | 'stopped';
  resultsFile?: string;
  errorsFile?: string;
}

const atFault = (counts: Record<string, number>) => (counts.rejected ?? 0) + (counts.failed ?? 0) + (counts.unknown ?? 0) + (counts['not-sent'] ?? 0);

function faultText(counts: Record<string, number>): string {
  return `${atFault(counts)} of ${counts.rows} rows did not go through; the errors file beside it says why: fix them there and drop it into the watched folder`;
}

/** One try at importing a file, as `import` would. */
async function tryFile(entry: ImportEntry, ctx: RunContext, file: WorkFile, outputs: { resultsFile: string; errorsFile: string }, n: number, scheduled: Date): Promise<TryResult<Tried>> {
  const zone = ctx.schedule.timezone;
  const base = { name: entry.name, kind: 'import' as const, scheduled: isoInZone(scheduled, zone), start: isoInZone(Date.now(), zone), source: file.source, file: null, try: n };
  const end = () => isoInZone(Date.now(), zone);
  const mapping = entry.key ? { ...entry.mapping, key: entry.key } : entry.mapping;
  let summary: ImportSummary;
  try {
    summary = await runImport({
      file: file.path,
      mapping,
      client: ctx.client,
      account: ctx.account,
      concurrency: entry.concurrency ?? mapping.concurrency ?? ctx.importDefaults?.concurrency,
      rate: entry.rate ?? mapping.rate ?? ctx.importDefaults?.rate,
      skipInvalid: entry.skipInvalid,
      maxErrors: entry.maxErrors,
      resultsFile: outputs.resultsFile,
      errorsFile: outputs.errorsFile,
      stateDir: ctx.stateDir,
      reporter: ctx.reporter,
      signal: ctx.stop,
    });
  } catch (error) {
    // Stopped while it waited on the server: the journal has what was sent, the next start continues.
    const state = ctx.stop?.aborted ? 'stopped' : 'failed';
    return { value: { record: { ...base, end: end(), rows: null, outcome: 'failed', ...failure(error) }, state }, error };
  }
  const { rows, invalid } = summary.check;
  const outputsLeft = { resultsFile: summary.resultsFile, errorsFile: summary.errorsFile };
  if (summary.status === 'invalid') {
    const error = summary.maxErrors !== undefined
      ? `${invalid} of ${rows} rows are invalid, more than maxErrors (${entry.maxErrors}) allows: nothing was sent, the valid rows neither. Is it the file the mapping is for (its columns in the right order)? The errors file says why`
      : `${invalid} of ${rows} rows are invalid: nothing was sent, the valid rows neither (without skipInvalid, one invalid row stops the file). The errors file beside it says why: fix those rows in the file itself (not in the errors file, which holds only them) and drop the whole file in again`;
    return { value: { record: { ...base, end: end(), rows, counts: { rows, invalid, 'not-sent': rows - invalid }, outcome: 'failed', error, code: 'INPUT' }, state: 'failed', ...outputsLeft } };
  }
  const counts: Record<string, number> = { rows, ...summary.counts };
  const record = { ...base, end: end(), rows, counts };
  if (summary.status === 'interrupted' || (summary.status === 'aborted' && ctx.stop?.aborted)) return { value: { record: { ...record, outcome: 'failed', error: 'stopped before the end; the next start continues it, and rows already sent are not sent again' }, state: 'stopped', ...outputsLeft } };
  if (summary.status === 'aborted') {
    const { error, code } = failure(summary.error);
    return { value: { record: { ...record, outcome: 'failed', error, code }, state: 'failed', ...outputsLeft }, error: summary.error };
  }
  if (atFault(counts)) return { value: { record: { ...record, outcome: 'failed', error: faultText(counts), code: 'ROWS' }, state: 'failed', ...outputsLeft } };
  return { value: { record: { ...record, outcome: 'ok', error: null }, state: 'ok', ...outputsLeft } };
}

/** A journal held by another import of the same work (one run by hand) is worth waiting for too. */
const worthAnotherTry = (error: unknown) => mayPass(error) || (error instanceof CdbError && error.code === 'LOCKED');

/**
 * Imports one file of the work folder, tried again through an outage for up to the entry's
 * `retry:`, then moves it with its results to archive/ (every row went through) or with its
 * results and errors to failed/, logs it and tells the entry's targets. A stop leaves it in the
 * work folder, journaled, for the next start to continue.
 */
export async function importFile(entry: ImportEntry, ctx: RunContext, file: WorkFile, scheduled: Date): Promise<RunRecord> {
  const work = path.dirname(file.path);
  const workStem = path.basename(file.path, path.extname(file.path));
  const errorsExt = path.extname(file.path).toLowerCase() === '.xlsx' ? '.xlsx' : '.csv';
  const outputs = { resultsFile: path.join(work, `${workStem}.results.csv`), errorsFile: path.join(work, `${workStem}.errors${errorsExt}`) };
  let start = '';
  const result = await withRetries<Tried>({
    budgetMs: entry.retryMs,
    attempt: async (n) => {
      const tried = await tryFile(entry, ctx, file, outputs, n, scheduled);
      start ||= tried.value.record.start; // the file's start is its first try's
      return tried;
    },
    passing: worthAnotherTry,
    onRetry: ({ value }, _n, pauseMs) => ctx.log({ ...value.record, outcome: 'retrying', retryInMs: pauseMs }),
    stop: ctx.stop,
  });
  const { record: last, state, resultsFile, errorsFile } = result.value;
  if (state === 'stopped' || result.stopped) {
    const record: RunRecord = { ...last, start, outcome: 'stopped', error: state === 'stopped' ? last.error : `${last.error} (stopped before the next try; the next start continues it)`, try: result.tries };
    ctx.log(record);
    return record;
  }
  const ext = path.extname(file.source);
  const moving = [{ from: file.path, suffix: ext, as: 'file' }];
  if (resultsFile && existsSync(resultsFile)) moving.push({ from: resultsFile, suffix: '.results.csv', as: 'results' });
  if (errorsFile && existsSync(errorsFile)) moving.push({ from: errorsFile, suffix: `.errors${errorsExt}`, as: 'errors' });
  const targets = await moveTogether(moving.map((m) => [m.from, m.suffix] as const), state === 'ok' ? entry.archive : entry.failed, path.basename(file.source, ext));
  const where = (as: string) => targets[moving.findIndex((m) => m.as === as)] ?? null;
  // What an earlier try left and the last did not write (an errors file since mended) goes.
  for (const left of Object.values(outputs)) await rm(left, { force: true });
  const record: RunRecord = { ...last, start, outcome: state, file: where('file'), results: where('results'), errors: where('errors'), try: result.tries };
  finishRun(entry, record, ctx);
  return record;
}

/**
 * One look at a watched folder: the files a stopped or killed run left are continued first, then
 * each settled file that matches is imported, one at a time, until none is left or the schedule
 * stops. Returns the records of the files it imported.
 */
export async function lookAtFolder(entry: ImportEntry, ctx: RunContext, scheduled: Date): Promise<RunRecord[]> {
  const work = await prepareFolders(entry);
  const unlock = lockEntry(ctx.stateDir, ctx.schedule, entry);
  const records: RunRecord[] = [];
  try {
    while (!ctx.stop?.aborted) {
      const file = (await unfinished(work))[0] ?? (await pickUp(entry, work));
      if (!file) break;
      const record = await importFile(entry, ctx, file, scheduled);
      records.push(record);
      if (record.outcome === 'stopped') break;
    }
  } finally {
    unlock();
  }
  return records;
}
