import type { Argv, CommandModule } from 'yargs';
import type { CliIo, GlobalArgs } from '../io.js';
import { withReadArgs } from '../mapping-args.js';
import type { InitArgs, CheckArgs } from '../command-args.js';
import { valuesRequired } from '../valued-options.js';

/** `mapping init` and `mapping check`. */
export function mappingCommand(io: CliIo, done: (code: number) => void): CommandModule<GlobalArgs, GlobalArgs> {
  return {
    command: 'mapping <command>',
    describe: 'Write a starter mapping from a spreadsheet, or check a mapping',
    builder: (yargs) =>
      yargs
        .command(valuesRequired({
          command: 'init <file>',
          describe: "Write a starter mapping from a spreadsheet's header row and first rows (Swedish, Norwegian, Danish, Finnish, German and English names understood)",
          builder: (y: Argv<GlobalArgs>) =>
            withReadArgs(y, { mapping: false })
              .positional('file', { type: 'string', demandOption: true, describe: 'The spreadsheet (xlsx, ods or csv)' })
              .option('out', { type: 'string', alias: 'o', describe: 'Where to write it (default: <file>.mapping.yaml beside the spreadsheet)' })
              .option('force', { type: 'boolean', describe: 'Overwrite an existing mapping file' }) as unknown as Argv<InitArgs>,
          handler: async (args: InitArgs) => done(await (await import('../handlers/mapping.js')).mappingInit(args, io)),
        }))
        .command(valuesRequired({
          command: 'check <mappingFile> [file]',
          describe: "Check a mapping, and how it fits a spreadsheet's header when one is given",
          builder: (y: Argv<GlobalArgs>) =>
            // The mapping is the positional only: a --mapping beside it would be one too many.
            withReadArgs(y)
              .positional('mappingFile', { type: 'string', demandOption: true, describe: 'The mapping (YAML or JSON)' })
              .positional('file', { type: 'string', describe: 'A spreadsheet to check the header of' }) as unknown as Argv<CheckArgs>,
          handler: async (args: CheckArgs) => done(await (await import('../handlers/mapping.js')).mappingCheck(args, io)),
        }))
        .demandCommand(1, 'Name a mapping command: init or check.'),
    handler: () => {},
  };
}
