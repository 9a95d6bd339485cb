import type { Argv, CommandModule } from 'yargs';
import type { CliIo, GlobalArgs } from '../io.js';
import type { UndoArgs } from '../command-args.js';

/** `undo <results file | run id>`: takes an import run back. The engine is loaded only when it runs. */
export function undoCommand(io: CliIo, done: (code: number) => void): CommandModule<GlobalArgs, UndoArgs> {
  return {
    command: 'undo <target>',
    describe: 'Take an import run back: delete the jobs it created, put back the fields it updated (plan first; jobs changed since are left alone)',
    builder: (yargs: Argv<GlobalArgs>) =>
      yargs
        .positional('target', { type: 'string', demandOption: true, describe: "The run's results file, or its run id" })
        .option('dry-run', { type: 'boolean', describe: 'Show the plan; change nothing' })
        .option('yes', { type: 'boolean', alias: 'y', describe: 'Do not ask (for scripts)' }),
    handler: async (args) => done(await (await import('../handlers/undo.js')).undoHandler(args, io)),
  };
}
