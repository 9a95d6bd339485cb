import { accountId } from '../api/account-id.js';
import type { Argv, CommandModule } from 'yargs';
import { createClient, type CoredinationClient } from '../api/client.js';
import { DEFAULT_BASE_URL } from '../api/assumptions.js';
import { settingsFrom, type Settings } from './settings.js';
import { CdbError } from '../errors.js';
import type { CliIo, GlobalArgs } from './io.js';

/** The base URL and key from flags, else the environment, else the config file, else the defaults. */
export function resolveConnection(args: GlobalArgs, io: CliIo): { baseUrl: string; apiKey: string | undefined; insecure: boolean } {
  const { baseUrl, apiKey, insecure } = settingsFrom(args, io);
  return { baseUrl, apiKey, insecure };
}

/** The account the flags name (address and a hash of the key), for keyed imports' job uuids. */
export function accountFrom(args: GlobalArgs, io: CliIo): string {
  const { baseUrl, apiKey } = resolveConnection(args, io);
  return accountId(baseUrl, apiKey);
}

/** A client for commands that need the key; says clearly where to put it when it is missing. */
export function clientFrom(args: GlobalArgs, io: CliIo, options: { needKey?: boolean } = {}): CoredinationClient {
  return clientFor(settingsFrom(args, io), options);
}

/** The client for these settings. */
export function clientFor(settings: Settings, options: { needKey?: boolean } = {}): CoredinationClient {
  const { baseUrl, apiKey, insecure } = settings;
  if (options.needKey !== false && !apiKey) {
    throw new CdbError('USAGE', 'No API key given.', {
      hint: 'Set COREDINATION_API_KEY, pass --api-key, or put apiKey in a config file (--config). The sandbox command prints a key to use with it.',
    });
  }
  return createClient({ baseUrl, apiKey, insecure });
}

/** The connection options, on the commands that call the API (and only there, so --help is right). */
export function withApiOptions<T>(yargs: Argv<T>): Argv<T> {
  return yargs
    .option('base-url', { type: 'string', describe: `API base URL [env: COREDINATION_BASE_URL] (default ${DEFAULT_BASE_URL})` })
    .option('api-key', { type: 'string', describe: 'API key [env: COREDINATION_API_KEY]; never printed' })
    .option('insecure', { type: 'boolean', describe: 'Allow plain http to hosts other than this machine' })
    .group(['base-url', 'api-key', 'insecure'], 'Connection:') as unknown as Argv<T>;
}

/** A command that calls the API: its builder also gets the connection options. */
export function callsApi<T, U>(command: CommandModule<T, U>): CommandModule<T, U> {
  const { builder } = command;
  return {
    ...command,
    builder: (yargs: Argv<T>) => {
      const withApi = withApiOptions(yargs);
      if (typeof builder === 'function') return builder(withApi) as Argv<U>;
      return (builder ? withApi.options(builder) : withApi) as unknown as Argv<U>;
    },
  };
}
