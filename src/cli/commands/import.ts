import type { Argv, CommandModule } from 'yargs';
import { CdbError } from '../../errors.js';
import type { CliIo, GlobalArgs } from '../io.js';
import { withMappingArgs } from '../mapping-args.js';
import { checkPace, checkWholeNumber } from '../pace-flags.js';
import type { ImportArgs } from '../command-args.js';

/** `import <file>`: spreadsheet → jobs. The engine is loaded only when the command runs. */
export function importCommand(io: CliIo, done: (code: number) => void): CommandModule<GlobalArgs, ImportArgs> {
  return {
    command: 'import <file>',
    describe: 'Import a spreadsheet (xlsx, ods, csv) of jobs: check every row, plan, then send, throttled and resumable',
    builder: (yargs: Argv<GlobalArgs>) =>
      withMappingArgs(yargs)
        .positional('file', { type: 'string', demandOption: true, describe: 'The spreadsheet' })
        .option('dry-run', { type: 'boolean', describe: 'Read, map, check and plan every row; send nothing' })
        .option('plan', { type: 'string', describe: "Write the plan (each row's action: create, update with the changes, unchanged, done, …) to this csv or xlsx" })
        .option('payloads', { type: 'string', describe: 'Write every valid payload to this file as JSON lines' })
        .option('errors', { type: 'string', describe: 'Where invalid rows go (default: <file>.errors.csv, or .xlsx for a workbook, beside the input)' })
        .option('results', { type: 'string', describe: 'Results file, csv or xlsx (default: <file>.results.csv beside the input)' })
        .option('limit', { type: 'number', describe: 'Send only the first N rows that need sending (a canary run)' })
        .option('concurrency', { type: 'number', describe: "Requests in flight at most (default: the mapping's or config file's, else 4)" })
        .option('rate', { type: 'number', describe: "Requests per second at most (default: the mapping's or config file's, else 10; 0: no cap)" })
        .option('key', { type: 'string', describe: 'Column identifying a row: matched against the account by its field; a match is updated with what changed, no match created' })
        .option('only', { type: 'string', choices: ['create', 'update'] as const, describe: 'Keyed: only create jobs (a key that matches is a problem) or only update them (a key with no match is a problem)' })
        .option('skip-invalid', { type: 'boolean', describe: 'Send the valid rows and report the invalid ones as rejected' })
        .option('max-errors', { type: 'number', describe: 'With --skip-invalid, more invalid rows than this sends nothing; more rows failing while sending stops the run' })
        .option('fresh', { type: 'boolean', describe: 'Forget what earlier runs of this mapping into this account sent (rows are sent again as new jobs)' })
        .option('unknown', { type: 'string', choices: ['send', 'skip'] as const, describe: 'Rows an earlier run sent without an answer that the server cannot settle: send them again, or skip them' })
        .option('put-replaces', { type: 'boolean', describe: "The server's PUT replaces the whole job: updates send the whole job with the changed fields" })
        .option('offline', { type: 'boolean', describe: '--dry-run: check the file only, without the journal or the account' })
        .check((args) => {
          checkPace(args);
          checkWholeNumber('limit', args.limit, 1);
          checkWholeNumber('max-errors', args.maxErrors, 0);
          if (args.offline && !args.dryRun) throw new CdbError('USAGE', '--offline only applies to --dry-run: an import reads the journal and the account.', { hint: 'Add --dry-run to check the file alone.' });
          return true;
        }),
    handler: async (args) => done(await (await import('../handlers/import.js')).importHandler(args, io)),
  };
}
