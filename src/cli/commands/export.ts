import { statSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { JOB_STATES } from '../../api/assumptions.js';
import { CdbError } from '../../errors.js';
import { exportFormat } from '../../export/export-format.js';
import type { CliIo, GlobalArgs } from '../io.js';
import { MAPPING_OPTION } from '../mapping-args.js';
import { checkPace, isTimeZone } from '../pace-flags.js';
import { statesOf, type ExportArgs } from '../command-args.js';

function isFolder(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isDirectory() === true;
}

/** `export <out.xlsx|out.csv>`: jobs → spreadsheet (.tsv and .txt: tab-separated csv). */
export function exportCommand(io: CliIo, done: (code: number) => void): CommandModule<GlobalArgs, ExportArgs> {
  return {
    command: 'export <out>',
    describe: 'Export every job (or those changed since a time) to an xlsx or csv file through the mapping',
    builder: (yargs: Argv<GlobalArgs>) =>
      yargs
        .positional('out', { type: 'string', demandOption: true, describe: 'The file to write (.xlsx, .csv, or .tsv/.txt tab-separated); it appears only when complete' })
        .option('mapping', MAPPING_OPTION)
        .option('format', { type: 'string', choices: ['xlsx', 'csv'] as const, describe: 'Write this format whatever the file\'s name' })
        .option('sheet', { type: 'string', describe: 'xlsx: the sheet name (default the mapping\'s sheet, else Jobs in its language: Uppdrag under sv-SE)' })
        .option('delimiter', { type: 'string', describe: 'csv: delimiter (default a tab for .tsv and .txt, ";" under sv-SE and other decimal-comma locales, else ",")' })
        .option('bom', { type: 'boolean', describe: 'csv: start with a UTF-8 BOM so that Excel reads åäö (default on under sv-SE); --no-bom to leave it out' })
        .option('tz', { type: 'string', describe: 'Time zone of the date cells (default: the mapping\'s)' })
        .option('since', { type: 'string', describe: 'Only jobs changed since a date (2026-03-01 [08:00]), a timestamp in ms, or "last" (the last complete run of this export)' })
        .option('details', { type: 'boolean', describe: 'Fetch each job\'s full representation (items, customFields, events)' })
        .option('state', { type: 'string', describe: `Only jobs in these states, comma-separated: ${JOB_STATES.join(', ')}` })
        .option('all-fields', { type: 'boolean', describe: 'Add the fields the mapping does not name, as dotted-path columns' })
        .option('raw', { type: 'boolean', describe: 'csv: do not neutralise text that a spreadsheet would run as a formula' })
        .option('concurrency', { type: 'number', describe: '--details: requests in flight (default 4)' })
        .option('rate', { type: 'number', describe: '--details: requests per second (default 10; 0: no cap)' })
        .check((args) => {
          // Before the key and the mapping are looked at; a folder is left to the output check, which names it.
          if (!isFolder(args.out)) exportFormat(args.out, args.format);
          checkPace(args);
          if (args.tz !== undefined && !isTimeZone(args.tz)) throw new CdbError('USAGE', `--tz "${args.tz}" is not an IANA time zone (e.g. Europe/Stockholm).`);
          const unknown = statesOf(args.state)?.filter((state) => !(JOB_STATES as readonly string[]).includes(state.toUpperCase()));
          if (unknown?.length) {
            throw new CdbError('USAGE', `--state ${unknown.map((state) => `"${state}"`).join(', ')}: not a job state. The states are ${JOB_STATES.join(', ')}.`);
          }
          return true;
        }),
    handler: async (args) => done(await (await import('../handlers/export.js')).exportHandler(args, io)),
  };
}
