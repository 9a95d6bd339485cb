import { CdbError } from '../errors.js';
import { runExportEntry } from './run-export-entry.js';
import { finishRun, type RunContext } from './run-context.js';
import { lookAtFolder } from './run-import-entry.js';
import { failure, type RunRecord } from './schedule-record.js';
import { scheduleEntries, type ImportEntry, type Schedule, type ScheduleEntry } from './schedule-types.js';
import { isoInZone } from './zone-stamp.js';

/**
 * One look at a watched folder, each file it imported logged and told. A look that cannot be
 * made (the folder gone, a file that cannot be moved) is one failed record, logged, and told
 * unless its error is `quietIf` (a daemon tells the same trouble once, not at every look).
 */
export async function lookOnce(entry: ImportEntry, scheduled: Date, ctx: RunContext, quietIf?: string | null): Promise<RunRecord[]> {
  try {
    return await lookAtFolder(entry, ctx, scheduled);
  } catch (error) {
    const now = isoInZone(Date.now(), ctx.schedule.timezone);
    const record: RunRecord = { name: entry.name, kind: 'import', scheduled: isoInZone(scheduled, ctx.schedule.timezone), start: now, end: now, rows: null, file: null, outcome: 'failed', ...failure(error) };
    finishRun(entry, record, ctx, record.error !== quietIf);
    return [record];
  }
}

/** Runs an entry now, for its scheduled time: an export (its one run), or one look at a watched folder. */
export async function runEntry(entry: ScheduleEntry, scheduled: Date, ctx: RunContext): Promise<RunRecord[]> {
  return entry.kind === 'export' ? [await runExportEntry(entry, scheduled, ctx)] : lookOnce(entry, scheduled, ctx);
}

/** The entry of this name, export or import. */
export function entryNamed(schedule: Schedule, name: string): ScheduleEntry {
  const entries = scheduleEntries(schedule);
  const entry = entries.find((e) => e.name === name);
  if (!entry) {
    throw new CdbError('USAGE', `The schedule has no entry named "${name}"; it has ${entries.map((e) => `"${e.name}"`).join(', ')}.`);
  }
  return entry;
}
