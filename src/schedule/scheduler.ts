import { setTimeout as sleep } from 'node:timers/promises';
import type { Cron } from 'croner';
import { cronOf } from './check-entries.js';
import { retryPause } from './retry.js';
import type { RunContext } from './run-context.js';
import { runExportEntry } from './run-export-entry.js';
import { lookOnce } from './run-entry.js';
import { skippedRecord, type RunRecord } from './schedule-record.js';
import type { ImportEntry, Schedule } from './schedule-types.js';
import { isoInZone } from './zone-stamp.js';
import { stopController } from '../util/stop-controller.js';

/** How often a watched folder without cron: is looked at. */
export const POLL_MS = 2000;

/** A running scheduler. */
export interface Scheduler {
  /**
   * Stops starting runs, ends pauses between tries, stops the imports in progress (their
   * journals let the next start continue them), lets the running exports finish, then resolves.
   */
  stop(): Promise<void>;
}

/** The trouble a look had (the folder gone), or null when it could look. */
const lookTrouble = (records: RunRecord[]) => records.find((r) => r.outcome === 'failed' && r.source === undefined)?.error ?? null;

/**
 * Runs each export on its cron times in the schedule's zone, and looks at each watched folder
 * at its cron times or every few seconds, until stopped. A run still going when its entry's
 * next time comes is not started twice: an export's time is logged as skipped. A failed run is
 * logged and told, and the next one runs as planned; a folder that cannot be looked at is told
 * once, and looked at again after growing pauses.
 */
export function startScheduler(schedule: Schedule, base: Omit<RunContext, 'stop'>): Scheduler {
  const stopping = stopController();
  const ctx: RunContext = { ...base, stop: stopping.signal };
  const running = new Map<string, Promise<unknown>>();
  const jobs: Cron[] = [];
  const trouble = new Map<string, string | null>();

  const look = async (entry: ImportEntry, scheduled: Date) => {
    const records = await lookOnce(entry, scheduled, ctx, trouble.get(entry.name));
    trouble.set(entry.name, lookTrouble(records));
    return lookTrouble(records);
  };

  const onCron = (name: string, cron: string, run: (scheduled: Date) => Promise<unknown>, onBusy: (scheduled: Date) => void) => {
    const job = cronOf(cron, schedule.timezone);
    let planned = job.nextRun();
    job.schedule(() => {
      const scheduled = planned ?? new Date();
      planned = job.nextRun();
      if (stopping.signal.aborted) return;
      if (running.has(name)) return onBusy(scheduled);
      running.set(name, run(scheduled).finally(() => running.delete(name)));
    });
    job.resume();
    jobs.push(job);
  };

  for (const entry of schedule.exports) {
    onCron(entry.name, entry.cron, (scheduled) => runExportEntry(entry, scheduled, ctx), (scheduled) => ctx.log(skippedRecord(entry, isoInZone(scheduled, schedule.timezone), isoInZone(Date.now(), schedule.timezone))));
  }
  for (const entry of schedule.imports) {
    if (entry.cron) {
      onCron(entry.name, entry.cron, (scheduled) => look(entry, scheduled), () => {}); // a look still going will see what is new
      continue;
    }
    const poll = (async () => {
      for (let failures = 0; !stopping.signal.aborted; ) {
        failures = (await look(entry, new Date())) === null ? 0 : failures + 1;
        await sleep(failures ? retryPause(failures) : POLL_MS, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    })();
    running.set(entry.name, poll);
  }

  return {
    async stop() {
      stopping.abort();
      for (const job of jobs) job.stop();
      await Promise.all(running.values());
    },
  };
}
