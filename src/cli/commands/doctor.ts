import type { Argv, CommandModule } from 'yargs';
import type { CliIo, GlobalArgs } from '../io.js';
import type { DoctorArgs } from '../command-args.js';

/** `doctor`: the account checked against each assumption the tool makes about the API. The engine is loaded only when it runs. */
export function doctorCommand(io: CliIo, done: (code: number) => void): CommandModule<GlobalArgs, DoctorArgs> {
  return {
    command: 'doctor',
    describe: 'Check the account against each assumption the tool makes about the API (paging, fields, states; with --write, uuids, PUT and DELETE), one line each; exit 3 when one does not hold',
    builder: (yargs: Argv<GlobalArgs>) =>
      yargs.option('write', { type: 'boolean', describe: 'Also check writes: make two scratch draft jobs, ask about them, remove them (and say so)' }),
    handler: async (args) => done(await (await import('../handlers/doctor.js')).doctorHandler(args, io)),
  };
}
