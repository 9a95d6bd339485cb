import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_BASE_URL } from '../api/assumptions.js';

/** The connection options, on the commands that call the API (and only there, so --help is right). */
export function withApiOptions<T>(yargs: Argv<T>): Argv<T> {
  return yargs
    .option('base-url', { type: 'string', describe: `API base URL [env: COREDINATION_BASE_URL] (default ${DEFAULT_BASE_URL})` })
    .option('api-key', { type: 'string', describe: 'API key [env: COREDINATION_API_KEY]; never printed' })
    .option('insecure', { type: 'boolean', describe: 'Allow plain http to hosts other than this machine' })
    .group(['base-url', 'api-key', 'insecure'], 'Connection:');
}

/** A command that calls the API: its builder also gets the connection options. */
export function callsApi<T, U>(command: CommandModule<T, U>): CommandModule<T, U> {
  const { builder } = command;
  return {
    ...command,
    builder: (yargs: Argv<T>) => {
      const withApi = withApiOptions(yargs);
      // A builder may return a promise of its yargs (tsc sees that type, the linter does not); ours never do.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
      if (typeof builder === 'function') return builder(withApi) as unknown as Argv<U>;
      return (builder ? withApi.options(builder) : withApi) as unknown as Argv<U>;
    },
  };
}
