import type { Argv, CommandModule } from 'yargs';
import { CdbError } from '../../errors.js';
import { checkWholeNumber } from '../pace-flags.js';
import type { CliIo, GlobalArgs } from '../io.js';
import type { ScheduleArgs } from '../command-args.js';

/** `schedule <schedules.yaml>`: the nightly exports and watched folders, as a daemon or for the OS scheduler. */
export function scheduleCommand(io: CliIo, done: (code: number) => void): CommandModule<GlobalArgs, ScheduleArgs> {
  return {
    command: 'schedule <file>',
    describe: 'Run the exports a schedule file lists on their cron times and import the files dropped into its watched folders (until stopped), or one entry now, or print OS scheduler entries',
    builder: (yargs: Argv<GlobalArgs>) =>
      yargs
        .positional('file', { type: 'string', demandOption: true, describe: 'The schedule file (YAML)' })
        .option('once', { type: 'string', describe: 'Run this entry now (an export, or one look at a watched folder) and exit with its exit code (for cron, systemd timers, Task Scheduler)' })
        .option('print', { type: 'string', choices: ['systemd', 'crontab'] as const, describe: 'Print a systemd service and timer per entry, or crontab lines' })
        .option('out', { type: 'string', describe: 'With --print systemd: write each unit file into this folder (~/.config/systemd/user for user units) and print how to enable them' })
        .option('force', { type: 'boolean', describe: 'With --out: replace unit files already there' })
        .option('next', { type: 'number', describe: 'List each entry\'s next N run times' })
        .conflicts('once', ['print', 'next'])
        .conflicts('print', 'next')
        .check((args) => {
          checkWholeNumber('next', args.next, 1);
          if (args.out !== undefined && args.print !== 'systemd') throw new CdbError('USAGE', '--out goes with --print systemd: it writes the unit files there.');
          if (args.force && args.out === undefined) throw new CdbError('USAGE', '--force goes with --out: it replaces unit files already in that folder.');
          return true;
        }),
    handler: async (args) => done(await (await import('../handlers/schedule.js')).scheduleHandler(args, io)),
  };
}
