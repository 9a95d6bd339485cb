import { createHash } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runExport } from '../export/run-export.js';
import { epochToWall, formatWall } from '../time/zone-time.js';
import { privateDir, readPrivate } from '../state/private-file.js';
import { temporaryPathFor } from '../util/atomic-write.js';
import { withRetries, type TryResult } from './retry.js';
import { finishRun, type RunContext } from './run-context.js';
import { lockEntry } from './schedule-lock.js';
import { failure, type RunRecord } from './schedule-record.js';
import type { ExportEntry, Schedule } from './schedule-types.js';
import { isoInZone } from './zone-stamp.js';
import { freeNames } from './safe-move.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** The output path of a run: {date} yyyy-MM-dd, {time} HHmmss, {name}, in the schedule's zone. */
export function outputName(pattern: string, name: string, at: Date, timezone: string): string {
  const w = epochToWall(at.getTime(), timezone);
  return pattern
    .replaceAll('{date}', formatWall(w, 'date'))
    .replaceAll('{time}', `${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`)
    .replaceAll('{name}', name);
}

/**
 * Where a run writes: the output pattern's name, or, for an export of changes only (`since: last`)
 * when a file of that name is there already (run twice on one {date}), the first free name with
 * `-2`, `-3`… before the extension. Those changes are in no other file, so one is never replaced
 * by the next; a whole export may replace its file, since the new one holds everything.
 */
async function outputFor(file: string, incremental: boolean): Promise<string> {
  if (!incremental) return file;
  const ext = path.extname(file);
  const [free] = await freeNames(file.slice(0, file.length - ext.length), [ext]);
  return free as string;
}

/**
 * The files each entry wrote, oldest first, kept in the state folder: `keep` deletes only files
 * in this ledger, never anything else in the output folder.
 */
class Ledger {
  readonly file: string;
  constructor(stateDir: string, schedule: Schedule, entry: ExportEntry) {
    const id = createHash('sha256').update(`${schedule.file}\0${entry.name}`).digest('hex').slice(0, 16);
    this.file = path.join(stateDir, 'schedules', `${entry.name}-${id}.json`);
  }

  /** The files kept by `keep`, and the empty files of a changes export (no job changed), which it does not count. */
  async files(): Promise<{ files: string[]; empty: string[] }> {
    try {
      const read = JSON.parse(readPrivate(this.file)?.toString('utf8') ?? '{"files":[]}') as { files: string[]; empty?: string[] };
      return { files: read.files, empty: read.empty ?? [] };
    } catch {
      return { files: [], empty: [] };
    }
  }

  /** Written whole (a temporary, then a rename), 0600, like every state file. */
  async save(files: string[], empty: string[]): Promise<void> {
    privateDir(path.dirname(this.file));
    const temporary = temporaryPathFor(this.file);
    try {
      await writeFile(temporary, JSON.stringify({ files, empty }, null, 1), { flag: 'wx', mode: 0o600 });
      await rename(temporary, this.file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

/** One try of an export: the file written, or the failure. */
async function exportOnce(entry: ExportEntry, scheduled: Date, ctx: RunContext, n: number): Promise<TryResult<RunRecord>> {
  const zone = ctx.schedule.timezone;
  const named = outputName(entry.output, entry.name, scheduled, zone);
  let file = named;
  const base = { name: entry.name, kind: 'export' as const, scheduled: isoInZone(scheduled, zone), start: isoInZone(Date.now(), zone), try: n };
  let unlock: (() => void) | undefined;
  try {
    unlock = lockEntry(ctx.stateDir, ctx.schedule, entry);
    file = await outputFor(named, entry.since === 'last');
    const summary = await runExport({
      client: ctx.client,
      mapping: entry.mapping,
      output: file,
      format: entry.format,
      since: entry.since,
      details: entry.details,
      allFields: entry.allFields,
      states: entry.state,
      delimiter: entry.delimiter,
      bom: entry.bom,
      stateDir: ctx.stateDir,
      // One watermark per entry, whatever {date} makes of the file name.
      exportId: createHash('sha256').update(`${ctx.schedule.file}\0${entry.name}\0${ctx.client.baseUrl}`).digest('hex').slice(0, 16),
      reporter: ctx.reporter,
      signal: ctx.signal,
    });
    const ledger = new Ledger(ctx.stateDir, ctx.schedule, entry);
    const known = await ledger.files();
    const files = known.files.filter((f) => f !== file);
    // A changes export that found no change writes a file with its header only, which keep does
    // not count (it would push real ones out): it is deleted once the next file is written.
    const deleted: string[] = [];
    for (const old of known.empty.filter((f) => f !== file)) {
      await rm(old, { force: true });
      deleted.push(old);
    }
    const empty = entry.since === 'last' && summary.rows === 0 ? [file] : [];
    if (!empty.length) files.push(file);
    if (entry.keep !== undefined) {
      while (files.length > entry.keep) {
        const old = files.shift() as string;
        await rm(old, { force: true });
        deleted.push(old);
      }
    }
    await ledger.save(files, empty);
    return { value: { ...base, end: isoInZone(Date.now(), zone), rows: summary.rows, file, outcome: 'ok', error: null, ...(deleted.length ? { deleted } : {}) } };
  } catch (error) {
    return { value: { ...base, end: isoInZone(Date.now(), zone), rows: null, file: null, outcome: 'failed', ...failure(error) }, error };
  } finally {
    unlock?.();
  }
}

/**
 * Runs one export now (for its scheduled time), tried again through an outage for up to its
 * `retry:`, applies `keep`, logs each try and the run, tells the entry's targets, and returns
 * the run's record.
 */
export async function runExportEntry(entry: ExportEntry, scheduled: Date, ctx: RunContext): Promise<RunRecord> {
  let start = '';
  const result = await withRetries<RunRecord>({
    budgetMs: entry.retryMs,
    attempt: async (n) => {
      const tried = await exportOnce(entry, scheduled, ctx, n);
      start ||= tried.value.start; // the run's start is its first try's
      return tried;
    },
    onRetry: ({ value }, _n, pauseMs) => ctx.log({ ...value, outcome: 'retrying', retryInMs: pauseMs }),
    stop: ctx.stop,
  });
  const record: RunRecord = { ...result.value, start, try: result.tries };
  if (result.stopped) record.error = `${record.error} (the schedule was stopped before the next try)`;
  finishRun(entry, record, ctx);
  return record;
}
