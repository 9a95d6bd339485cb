import { hostname } from 'node:os';
import path from 'node:path';
import { createClient } from '../../api/client.js';
import { CdbError } from '../../errors.js';
import { Notifier, type NotifyLogLine } from '../../notify/notifier.js';
import { defaultStateDir } from '../../state/state-dir.js';
import { cronOf, loadSchedule, type Schedule, type ScheduleEntry } from '../../schedule/load-schedule.js';
import { crontab, invokingUser, systemdUnitFiles, systemdUnits } from '../../schedule/os-scheduler.js';
import type { RunContext } from '../../schedule/run-context.js';
import { entryNamed, runEntry } from '../../schedule/run-entry.js';
import { lockSchedule } from '../../schedule/schedule-lock.js';
import type { RunRecord } from '../../schedule/schedule-record.js';
import { scheduleEntries } from '../../schedule/schedule-types.js';
import { POLL_MS, startScheduler } from '../../schedule/scheduler.js';
import { folderProblem, prepareFolders } from '../../schedule/watch-folder.js';
import { enableSteps, isUserUnitFolder, writeUnitFiles } from '../../schedule/write-units.js';
import { durationText } from '../../schedule/duration.js';
import { isoInZone, wallInZone } from '../../schedule/zone-stamp.js';
import { accountFrom, clientFrom, resolveConnection } from '../client-options.js';
import { PACKAGE_BIN } from '../../tool-version.js';
import { settingsFrom } from '../settings.js';
import type { CliIo } from '../io.js';
import type { ScheduleArgs } from '../command-args.js';
import { Output } from '../io.js';
import { EXIT, exitCodeOf } from '../render-error.js';
import { onStopSignals, stopSignal } from '../stop-signals.js';
import { stopController } from '../../util/stop-controller.js';

/** A record as a readable line, its time on the schedule's wall clock. */
function human(record: RunRecord, zone: string): string {
  const error = record.error?.replace(/\.$/, '');
  const at = `${wallInZone(Date.parse(record.end), zone)} ${record.name}`;
  const tries = (record.try ?? 1) > 1 ? ` (${record.try} tries)` : '';
  const counts = record.counts ? ` (${Object.entries(record.counts).filter(([k, v]) => v || k === 'rows').map(([k, v]) => `${v} ${k}`).join(', ')})` : '';
  switch (record.outcome) {
    case 'ok':
      return record.kind === 'export'
        ? `${at}: wrote ${record.rows} jobs to ${record.file}${record.deleted?.length ? ` (deleted ${record.deleted.length} older)` : ''}${tries}`
        : `${at}: imported ${record.source}${counts}, moved to ${record.file}${tries}`;
    case 'skipped':
      return `${at}: skipped the run of ${wallInZone(Date.parse(record.scheduled), zone)}: ${error}`;
    case 'retrying':
      return `${at}: ${record.source ? `${record.source}: ` : ''}try ${record.try} failed: ${error}; trying again in ${durationText(record.retryInMs ?? 0)}`;
    case 'stopped':
      return `${at}: ${record.source} stopped${counts}: ${error}`;
    default:
      return `${at}: ${record.source ? `${record.source} ` : ''}FAILED${tries}: ${error}${record.file ? `; moved to ${record.file}` : ''}`;
  }
}

function notifyLine(line: NotifyLogLine, zone: string): string {
  const next = line.retryInMs !== undefined ? `; trying again in ${durationText(line.retryInMs)}` : '; gave up';
  return `${wallInZone(Date.now(), zone)} ${line.entry}: the ${line.notification} to ${line.to} was not delivered (attempt ${line.attempt} of ${line.of}): ${line.error}${next}`;
}

/** --once's exit code: the worst of its records (aborted, then invalid input, then rows at fault). */
function exitOf(records: RunRecord[]): number {
  const codes = records.filter((r) => r.outcome !== 'ok').map((r) => (r.outcome === 'stopped' ? EXIT.aborted : r.outcome === 'failed' ? exitCodeOf(r.code ?? 'BUG') : EXIT.partial));
  for (const worst of [EXIT.aborted, EXIT.invalid, EXIT.partial]) if (codes.includes(worst)) return worst;
  return EXIT.ok;
}

function describeEntry(entry: ScheduleEntry, schedule: Schedule): string {
  const when = (cron: string) => {
    const job = cronOf(cron, schedule.timezone);
    const next = job.nextRun();
    job.stop();
    return next ? wallInZone(next, schedule.timezone) : 'never';
  };
  if (entry.kind === 'export') return `  ${entry.name} (${entry.cron}): next at ${when(entry.cron)}`;
  const looks = entry.cron ? `at "${entry.cron}", next at ${when(entry.cron)}` : `every ${POLL_MS / 1000} s`;
  return `  ${entry.name}: watching ${entry.watch} for ${entry.pattern} ${looks} (unchanged for ${durationText(entry.settleMs)}); into ${entry.archive} and ${entry.failed}`;
}

/** The notifier of a run: the SMTP password from the environment or the config file, checked against the mail targets. */
function notifierFor(schedule: Schedule, args: ScheduleArgs, io: CliIo, apiKey: string | undefined): Notifier {
  const { config } = settingsFrom(args, io);
  const smtpPassword = io.env.COREDINATION_SMTP_PASSWORD || config.smtpPassword || undefined;
  for (const entry of scheduleEntries(schedule)) {
    for (const target of entry.notify) {
      if (target.kind === 'email' && target.user && !smtpPassword) {
        throw new CdbError('USAGE', `The mail of "${entry.name}" logs in to ${target.smtp} as ${target.user}, but no SMTP password is set.`, {
          hint: 'Set COREDINATION_SMTP_PASSWORD, or smtpPassword in the config file (chmod 600). A schedule file never holds one.',
        });
      }
    }
  }
  return new Notifier({
    smtpPassword,
    secrets: [apiKey],
    log: (line) => {
      io.stdout.write(`${JSON.stringify({ at: isoInZone(Date.now(), schedule.timezone), ...line })}\n`);
      if (!args.quiet) io.stderr.write(`${notifyLine(line, schedule.timezone)}\n`);
    },
  });
}

/** `schedule`: print the OS scheduler's entries, list the next runs, run one entry, or run them all until stopped. */
export async function scheduleHandler(args: ScheduleArgs, io: CliIo): Promise<number> {
  const out = new Output(io, args);
  const schedule = await loadSchedule(args.file);
  const zone = schedule.timezone;
  if (args.print) {
    const run = { node: process.execPath, bin: PACKAGE_BIN, user: invokingUser(), stateDir: defaultStateDir(io.env) };
    if (args.out !== undefined) {
      const written = await writeUnitFiles(args.out, systemdUnitFiles(schedule, run, { user: isUserUnitFolder(args.out) }), args.force ?? false);
      out.result(enableSteps(args.out, written, run.user).join('\n'), { folder: path.resolve(args.out), files: written, user: isUserUnitFolder(args.out) });
    } else io.stdout.write(args.print === 'systemd' ? systemdUnits(schedule, run) : crontab(schedule, run));
    return EXIT.ok;
  }
  if (args.next !== undefined) {
    const count = args.next;
    // A watched folder that is not there would fail every look: said now, before the daemon runs.
    const problems = new Map<string, string>();
    for (const entry of schedule.imports) {
      const problem = await folderProblem(entry);
      if (problem) problems.set(entry.name, problem);
    }
    const listing = scheduleEntries(schedule).map((entry) => {
      const problem = problems.has(entry.name) ? { problem: problems.get(entry.name) } : {};
      if (!entry.cron) return { name: entry.name, cron: null, every: POLL_MS / 1000, next: [], local: [], ...problem };
      const job = cronOf(entry.cron, zone);
      const times = job.nextRuns(count);
      job.stop();
      return { name: entry.name, cron: entry.cron, next: times.map((t) => t.toISOString()), local: times.map((t) => wallInZone(t, zone)), ...problem };
    });
    for (const [name, problem] of problems) out.warn(`"${name}": ${problem}.`);
    out.result(
      [`Next runs (${zone}):`, ...listing.map((l) => (l.cron ? `  ${l.name} (${l.cron}): ${l.local.join(', ')}` : `  ${l.name}: looks at its folder every ${POLL_MS / 1000} s`))].join('\n'),
      { timezone: zone, entries: listing },
    );
    return EXIT.ok;
  }
  const { baseUrl, apiKey, insecure } = resolveConnection(args, io);
  if (!apiKey) clientFrom(args, io); // throws the usual "No API key given", saying where to put one
  // One try is one attempt: the schedule's own retries (growing pauses, up to retry:) take
  // over from the client's, so that a hung server fails a try after one timeout.
  const client = createClient({ baseUrl, apiKey, insecure, retry: { limit: 0 }, ...(schedule.timeoutMs ? { timeoutMs: schedule.timeoutMs, idleTimeoutMs: schedule.timeoutMs } : {}) });
  const notifier = notifierFor(schedule, args, io, apiKey);
  for (const warning of schedule.warnings) out.warn(warning);
  const settings = settingsFrom(args, io);
  const log = (record: RunRecord) => {
    const { code: _code, ...line } = record;
    io.stdout.write(`${JSON.stringify(line)}\n`);
    if (!args.quiet) io.stderr.write(`${human(record, zone)}\n`);
  };
  const ctx: Omit<RunContext, 'stop'> = {
    schedule,
    client,
    stateDir: settings.stateDir,
    account: accountFrom(args, io),
    importDefaults: { concurrency: settings.config.concurrency, rate: settings.config.rate },
    reporter: {
      info: (message) => out.detail(message),
      detail: (message) => out.detail(message),
      warn: (message) => out.warn(`${wallInZone(Date.now(), zone)} Warning: ${message}`),
    },
    log,
    notifier,
    host: hostname(),
  };
  if (args.once) {
    const entry = entryNamed(schedule, args.once);
    // As in export: SIGINT or SIGTERM stops the run (an export leaves no temporary and nothing
    // at its path; an import stops sending, its journal kept), and the pause before another try.
    const controller = stopController();
    const offSignals = onStopSignals(() => {
      controller.abort();
      notifier.close();
    });
    try {
      const records = await runEntry(entry, new Date(), { ...ctx, signal: controller.signal, stop: controller.signal });
      await notifier.settled();
      return exitOf(records);
    } finally {
      offSignals();
    }
  }
  // Folders checked before it says it runs: a watched folder that is missing is exit 2, now.
  for (const entry of schedule.imports) await prepareFolders(entry);
  // One daemon per schedule file: a second says who holds it and exits 1.
  const unlock = lockSchedule(ctx.stateDir, schedule);
  // Listening for SIGTERM before saying it is running: a stop right after is a clean stop.
  const stopped = stopSignal();
  const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const what = [schedule.exports.length ? counted(schedule.exports.length, 'export', 'exports') : '', schedule.imports.length ? counted(schedule.imports.length, 'watched folder', 'watched folders') : ''].filter(Boolean).join(' and ');
  out.info(`Scheduling ${what} from ${path.relative(process.cwd(), schedule.file) || schedule.file} (${zone}); Ctrl+C or SIGTERM stops (a running export finishes first; an import stops sending, and the next start continues it).`);
  for (const entry of scheduleEntries(schedule)) out.info(describeEntry(entry, schedule));
  const scheduler = startScheduler(schedule, ctx);
  await stopped;
  out.info('Stopping: letting the running exports finish; imports stop sending (the next start continues them)…');
  await scheduler.stop();
  notifier.close();
  await notifier.settled();
  unlock();
  out.info('Stopped.');
  return EXIT.ok;
}
