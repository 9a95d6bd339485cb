import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { defaultStateDir } from '../../state/state-dir.js';
import { cronOf, loadSchedule } from '../../schedule/load-schedule.js';
import { crontab, invokingUser, systemdUnits } from '../../schedule/os-scheduler.js';
import { entryNamed, runEntry, type RunRecord } from '../../schedule/run-entry.js';
import { lockSchedule } from '../../schedule/schedule-lock.js';
import { startScheduler } from '../../schedule/scheduler.js';
import { epochToWall, formatWall } from '../../time/zone-time.js';
import { clientFrom } from '../client-options.js';
import type { CliIo, GlobalArgs } from '../io.js';
import { Output } from '../io.js';
import { EXIT } from '../render-error.js';
import { onStopSignals, stopSignal } from '../stop-signals.js';

interface ScheduleArgs extends GlobalArgs {
  file: string;
  once?: string;
  print?: 'systemd' | 'crontab';
  next?: number;
}

const wall = (d: Date, zone: string) => formatWall(epochToWall(d.getTime(), zone), 'second');

function human(record: RunRecord): string {
  if (record.outcome === 'ok') return `${record.end} ${record.name}: wrote ${record.rows} jobs to ${record.file}${record.deleted?.length ? ` (deleted ${record.deleted.length} older)` : ''}`;
  if (record.outcome === 'skipped') return `${record.end} ${record.name}: skipped the run of ${record.scheduled}: ${record.error}`;
  return `${record.end} ${record.name}: FAILED: ${record.error}`;
}

/** `schedule <schedules.yaml>`: the nightly exports, as a daemon or for the OS scheduler. */
export function scheduleCommand(io: CliIo, done: (code: number) => void): CommandModule<GlobalArgs, ScheduleArgs> {
  return {
    command: 'schedule <file>',
    describe: 'Run the exports a schedule file lists on their cron times (until stopped), or one now, or print OS scheduler entries',
    builder: (yargs: Argv<GlobalArgs>) =>
      yargs
        .positional('file', { type: 'string', demandOption: true, describe: 'The schedule file (YAML)' })
        .option('once', { type: 'string', describe: 'Run this entry now and exit with its export\'s exit code (for cron, systemd timers, Task Scheduler)' })
        .option('print', { choices: ['systemd', 'crontab'] as const, describe: 'Print a systemd service and timer per entry, or crontab lines' })
        .option('next', { type: 'number', describe: 'List each entry\'s next N run times' })
        .conflicts('once', ['print', 'next'])
        .conflicts('print', 'next') as unknown as Argv<ScheduleArgs>,
    handler: async (args) => {
      const out = new Output(io, args);
      const schedule = await loadSchedule(args.file);
      if (args.print) {
        const run = { node: process.execPath, bin: fileURLToPath(new URL('../bin.js', import.meta.url)), user: invokingUser(), stateDir: defaultStateDir(io.env) };
        io.stdout.write(args.print === 'systemd' ? systemdUnits(schedule, run) : crontab(schedule, run));
        done(EXIT.ok);
        return;
      }
      if (args.next !== undefined) {
        const count = Math.max(1, Math.floor(args.next) || 5);
        const listing = schedule.entries.map((entry) => {
          const job = cronOf(entry.cron, schedule.timezone);
          const times = job.nextRuns(count);
          job.stop();
          return { name: entry.name, cron: entry.cron, next: times.map((t) => t.toISOString()), local: times.map((t) => wall(t, schedule.timezone)) };
        });
        out.result(
          [`Next runs (${schedule.timezone}):`, ...listing.map((l) => `  ${l.name} (${l.cron}): ${l.local.join(', ')}`)].join('\n'),
          { timezone: schedule.timezone, entries: listing },
        );
        done(EXIT.ok);
        return;
      }
      const client = clientFrom(args, io);
      const ctx = { schedule, client, stateDir: defaultStateDir(io.env) };
      const log = (record: RunRecord) => {
        const { code: _code, ...line } = record;
        io.stdout.write(`${JSON.stringify(line)}\n`);
        if (!args.quiet) io.stderr.write(`${human(record)}\n`);
      };
      if (args.once) {
        const entry = entryNamed(schedule, args.once);
        // As in export: SIGINT or SIGTERM stops the run, leaving no temporary and nothing at its path.
        const controller = new AbortController();
        const offSignals = onStopSignals(() => controller.abort());
        try {
          const record = await runEntry(entry, new Date(), { ...ctx, signal: controller.signal });
          log(record);
          const code = record.code;
          done(record.outcome === 'ok' ? EXIT.ok : code === 'USAGE' || code === 'INPUT' || code === 'MAPPING' || code === 'INSECURE_URL' ? EXIT.invalid : EXIT.aborted);
        } finally {
          offSignals();
        }
        return;
      }
      // One daemon per schedule file: a second says who holds it and exits 1.
      const unlock = lockSchedule(ctx.stateDir, schedule);
      // Listening for SIGTERM before saying it is running: a stop right after is a clean stop.
      const stopped = stopSignal();
      out.info(`Scheduling ${schedule.entries.length} export${schedule.entries.length === 1 ? '' : 's'} from ${path.relative(process.cwd(), schedule.file) || schedule.file} (${schedule.timezone}); Ctrl+C or SIGTERM stops after the running ones finish.`);
      for (const entry of schedule.entries) {
        const job = cronOf(entry.cron, schedule.timezone);
        const next = job.nextRun();
        job.stop();
        out.info(`  ${entry.name} (${entry.cron}): next at ${next ? wall(next, schedule.timezone) : 'never'}`);
      }
      const scheduler = startScheduler(schedule, ctx, log);
      await stopped;
      out.info('Stopping: letting the running exports finish…');
      await scheduler.stop();
      unlock();
      out.info('Stopped.');
      done(EXIT.ok);
    },
  };
}
