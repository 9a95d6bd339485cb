import { isCdbError, type OutcomeCode } from '../errors.js';
import type { ScheduleEntry } from './schedule-types.js';

/** One try or run of one entry, as logged (one JSON line each). */
export interface RunRecord {
  name: string;
  kind: 'export' | 'import';
  /** ISO 8601 in the schedule's zone, as are start and end. */
  scheduled: string;
  start: string;
  end: string;
  rows: number | null;
  /** export: the file written; import: the imported file, where it was moved. */
  file: string | null;
  /**
   * 'retrying': a try that failed for a reason that may pass; another follows after retryInMs.
   * 'stopped': an import the schedule's stop cut short; the next start continues it.
   */
  outcome: 'ok' | 'failed' | 'skipped' | 'retrying' | 'stopped';
  error: string | null;
  /** Which try this was (from 1); on a run's last record, how many it took. */
  try?: number;
  retryInMs?: number;
  /** Files deleted by `keep`. */
  deleted?: string[];
  /** import: the file's name in the watched folder. */
  source?: string;
  /** import: rows by outcome. */
  counts?: Record<string, number>;
  results?: string | null;
  errors?: string | null;
  /** The error's code, for --once's exit code (not logged). */
  code?: OutcomeCode;
}

/** An error as a record's words and code: ours as they are, anything else as a bug. */
export function failure(error: unknown): { error: string; code: OutcomeCode } {
  if (isCdbError(error)) return { error: error.message, code: error.code };
  return { error: `unexpected error: ${(error as Error)?.message ?? String(error)}`, code: 'BUG' };
}

/** A run that could not start because the previous one of the same entry is still going. */
export function skippedRecord(entry: ScheduleEntry, scheduled: string, now: string): RunRecord {
  return { name: entry.name, kind: entry.kind, scheduled, start: now, end: now, rows: null, file: null, outcome: 'skipped', error: 'the previous run of this entry is still going' };
}
