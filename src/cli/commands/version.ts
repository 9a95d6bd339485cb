import type { CommandModule } from 'yargs';
import type { CliIo, GlobalArgs } from '../io.js';
import { Output } from '../io.js';
import { TOOL_VERSION } from '../../tool-version.js';

/** `version`: GET /version with the key, proving that the URL and the key work. */
export function versionCommand(io: CliIo, done: (code: number) => void): CommandModule<GlobalArgs, GlobalArgs> {
  return {
    command: 'version',
    describe: 'Ask the server for its version, with the key: proves the base URL and the key work',
    handler: async (args) => {
      const { clientFrom } = await import('../client-options.js');
      const client = clientFrom(args, io);
      const info = await client.version();
      new Output(io, args).result(
        `Coredination API at ${client.baseUrl}: version ${info.version} (build ${info.id}). The key was accepted.\ncoredination-batch ${TOOL_VERSION}`,
        { ok: true, baseUrl: client.baseUrl, server: info, tool: TOOL_VERSION },
      );
      done(0);
    },
  };
}
