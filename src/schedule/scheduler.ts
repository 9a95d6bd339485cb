import type { Cron } from 'croner';
import { cronOf, type Schedule, type ScheduleEntry } from './load-schedule.js';
import { runEntry, skippedRecord, type RunContext, type RunRecord } from './run-entry.js';

/** A running scheduler. */
export interface Scheduler {
  /** Stops starting runs, lets the running ones finish, then resolves. */
  stop(): Promise<void>;
}

/**
 * Runs each entry on its cron times in the schedule's zone until stopped. A run still going when
 * its entry's next time comes is not started twice: that time is logged as skipped. A failed run
 * is logged and the next one runs as planned.
 */
export function startScheduler(schedule: Schedule, ctx: RunContext, onRecord: (record: RunRecord) => void): Scheduler {
  const running = new Map<string, Promise<void>>();
  const jobs: Cron[] = [];
  let stopping = false;
  for (const entry of schedule.entries) {
    const job = cronOf(entry.cron, schedule.timezone);
    let planned = job.nextRun();
    const tick = () => {
      const scheduled = planned ?? new Date();
      planned = job.nextRun();
      if (stopping) return;
      if (running.has(entry.name)) {
        onRecord(skippedRecord(entry, scheduled));
        return;
      }
      const run = execute(entry, scheduled).finally(() => running.delete(entry.name));
      running.set(entry.name, run);
    };
    job.schedule(tick);
    job.resume();
    jobs.push(job);
  }

  async function execute(entry: ScheduleEntry, scheduled: Date): Promise<void> {
    onRecord(await runEntry(entry, scheduled, ctx));
  }

  return {
    async stop() {
      stopping = true;
      for (const job of jobs) job.stop();
      await Promise.all(running.values());
    },
  };
}
