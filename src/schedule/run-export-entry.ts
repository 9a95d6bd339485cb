import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CoredinationClient } from '../api/client.js';
import { CdbError, isCdbError } from '../errors.js';
import { runExport } from '../export/run-export.js';
import type { Reporter } from '../reporter.js';
import { epochToWall, formatWall } from '../time/zone-time.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { Schedule, ScheduleEntry } from './load-schedule.js';
import { lockEntry } from './schedule-lock.js';

/** One run of one entry, as logged (one JSON line each). */
export interface RunRecord {
  name: string;
  scheduled: string;
  start: string;
  end: string;
  rows: number | null;
  file: string | null;
  outcome: 'ok' | 'failed' | 'skipped';
  error: string | null;
  /** Files deleted by `keep`. */
  deleted?: string[];
  /** The error's code, for --once's exit code. */
  code?: string;
}

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
 * The files each entry wrote, oldest first, kept in the state folder: `keep` deletes only files
 * in this ledger, never anything else in the output folder.
 */
class Ledger {
  readonly file: string;
  constructor(stateDir: string, schedule: Schedule, entry: ScheduleEntry) {
    const id = createHash('sha256').update(`${schedule.file}\0${entry.name}`).digest('hex').slice(0, 16);
    this.file = path.join(stateDir, 'schedules', `${entry.name}-${id}.json`);
  }

  async files(): Promise<string[]> {
    try {
      return (JSON.parse(await readFile(this.file, 'utf8')) as { files: string[] }).files;
    } catch {
      return [];
    }
  }

  async save(files: string[]): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify({ files }, null, 1));
  }
}

/** What a run needs besides its entry. */
export interface RunContext {
  schedule: Schedule;
  client: CoredinationClient;
  stateDir: string;
  reporter?: Reporter;
  signal?: AbortSignal;
}

/** Runs one entry's export now (for its scheduled time), applies `keep`, and returns the record. */
export async function runEntry(entry: ScheduleEntry, scheduled: Date, ctx: RunContext): Promise<RunRecord> {
  const start = new Date();
  const file = outputName(entry.output, entry.name, scheduled, ctx.schedule.timezone);
  const base = { name: entry.name, scheduled: scheduled.toISOString(), start: start.toISOString() };
  let unlock: (() => void) | undefined;
  try {
    unlock = lockEntry(ctx.stateDir, ctx.schedule, entry);
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
    const files = (await ledger.files()).filter((f) => f !== file);
    files.push(file);
    const deleted: string[] = [];
    if (entry.keep !== undefined) {
      while (files.length > entry.keep) {
        const old = files.shift() as string;
        await rm(old, { force: true });
        deleted.push(old);
      }
    }
    await ledger.save(files);
    return { ...base, end: new Date().toISOString(), rows: summary.rows, file, outcome: 'ok', error: null, ...(deleted.length ? { deleted } : {}) };
  } catch (error) {
    const message = isCdbError(error) ? error.message : `unexpected error: ${(error as Error)?.message ?? String(error)}`;
    return { ...base, end: new Date().toISOString(), rows: null, file: null, outcome: 'failed', error: message, code: isCdbError(error) ? error.code : 'BUG' };
  } finally {
    unlock?.();
  }
}

/** A run that could not start because the previous one of the same entry is still going. */
export function skippedRecord(entry: ScheduleEntry, scheduled: Date): RunRecord {
  const now = new Date().toISOString();
  return { name: entry.name, scheduled: scheduled.toISOString(), start: now, end: now, rows: null, file: null, outcome: 'skipped', error: 'the previous run of this entry is still going' };
}

/** Checks that an entry name exists. */
export function entryNamed(schedule: Schedule, name: string): ScheduleEntry {
  const entry = schedule.entries.find((e) => e.name === name);
  if (!entry) {
    throw new CdbError('USAGE', `The schedule has no export named "${name}"; it has ${schedule.entries.map((e) => `"${e.name}"`).join(', ')}.`);
  }
  return entry;
}
