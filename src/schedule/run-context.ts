import type { CoredinationClient } from '../api/client.js';
import type { Notifier } from '../notify/notifier.js';
import type { RunEvent } from '../notify/run-event.js';
import type { Reporter } from '../reporter.js';
import type { RunRecord } from './schedule-record.js';
import type { Schedule, ScheduleEntry } from './schedule-types.js';

/** What a run needs besides its entry. */
export interface RunContext {
  schedule: Schedule;
  client: CoredinationClient;
  stateDir: string;
  /** Who the account is (base URL and a hash of the key): keyed imports' job uuids are unique to it. */
  account?: string;
  /** An import's concurrency and rate when neither the entry nor its mapping says (the config file's). */
  importDefaults?: { concurrency?: number; rate?: number };
  reporter?: Reporter;
  /** Aborts an export in progress (it writes nothing); `--once` stops so. */
  signal?: AbortSignal;
  /**
   * The schedule is stopping: pauses between tries and between looks end, no further try or file
   * starts, and an import in progress stops sending (the next start continues it).
   */
  stop?: AbortSignal;
  /** Each record as it happens: the tries that will be tried again, and each run's end. */
  log(record: RunRecord): void;
  notifier?: Notifier;
  /** This machine's name, for notifications. */
  host: string;
}

/** Logs a run's last record and tells the entry's targets (unless `tell` is false). */
export function finishRun(entry: ScheduleEntry, record: RunRecord, ctx: RunContext, tell = true): void {
  ctx.log(record);
  if (!tell || (record.outcome !== 'ok' && record.outcome !== 'failed')) return;
  const event: RunEvent = {
    entry: entry.name,
    kind: entry.kind,
    outcome: record.outcome,
    counts: record.counts ?? (record.rows === null ? {} : { rows: record.rows }),
    file: record.file,
    ...(entry.kind === 'import' ? { results: record.results ?? null, errors: record.errors ?? null } : {}),
    error: record.error,
    start: record.start,
    end: record.end,
    tries: record.try ?? 1,
    schedule: ctx.schedule.file,
    host: ctx.host,
  };
  ctx.notifier?.notify(entry.notify, entry.healthcheck, event);
}
