import type { Mapping } from '../mapping/types.js';
import type { NotifyTarget } from '../notify/targets.js';

/** What every entry has, exports and watched imports alike. */
interface EntryCommon {
  name: string;
  /** How long a run that fails for a reason that may pass is tried again, in ms (0: never). */
  retryMs: number;
  /** Where its runs are told: its own `notify:` list, else the file's. */
  notify: NotifyTarget[];
  /** Pinged on each success, `<url>/fail` on each failure: its own, else the file's. */
  healthcheck?: string;
}

/** One scheduled export, with its paths resolved against the schedule file's folder. */
export interface ExportEntry extends EntryCommon {
  kind: 'export';
  cron: string;
  /** The output pattern, absolute. */
  output: string;
  mapping: Mapping;
  since?: 'last';
  keep?: number;
  format?: 'xlsx' | 'csv';
  details?: boolean;
  allFields?: boolean;
  state?: string[];
  delimiter?: string;
  bom?: boolean;
}

/** One watched import folder, with its folders absolute. */
export interface ImportEntry extends EntryCommon {
  kind: 'import';
  /** Look only at these times; without it, every few seconds. */
  cron?: string;
  watch: string;
  /** The file name pattern as written (`*.csv`), and as a test. */
  pattern: string;
  matches: (name: string) => boolean;
  mapping: Mapping;
  archive: string;
  failed: string;
  /** How long a file must be unchanged before it is read, in ms. */
  settleMs: number;
  maxErrors?: number;
  skipInvalid?: boolean;
  concurrency?: number;
  rate?: number;
  key?: string;
}

/** Any entry of a schedule. */
export type ScheduleEntry = ExportEntry | ImportEntry;

/** A checked schedule file. */
export interface Schedule {
  file: string;
  timezone: string;
  /** How long a request may go unanswered before a try fails, in ms (default: the client's). */
  timeoutMs?: number;
  exports: ExportEntry[];
  imports: ImportEntry[];
  /** Warnings of the mappings it names, to show once at start. */
  warnings: string[];
}

/** Every entry, exports first. */
export function scheduleEntries(schedule: Schedule): ScheduleEntry[] {
  return [...schedule.exports, ...schedule.imports];
}
