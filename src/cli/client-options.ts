import { accountId } from '../api/account-id.js';
import type { Argv, CommandModule } from 'yargs';
import { createClient, type CoredinationClient } from '../api/client.js';
import { DEFAULT_BASE_URL } from '../api/assumptions.js';
import { CdbError } from '../errors.js';
import type { CliIo, GlobalArgs } from './io.js';
import { configPath, readConfig, type ConfigFile } from './config-file.js';

const configs = new Map<string, ConfigFile>();

/** The config file's settings for these flags (read once per run). */
export function configFrom(args: GlobalArgs, io: CliIo): ConfigFile {
  const file = configPath(args.config, io.env);
  if (!file) return {};
  let config = configs.get(file);
  if (!config) configs.set(file, (config = readConfig(file, io)));
  return config;
}

/** The base URL and key from flags, else the environment, else the defaults. */
export function resolveConnection(args: GlobalArgs, io: CliIo): { baseUrl: string; apiKey: string | undefined; insecure: boolean } {
  const config = configFrom(args, io);
  const apiKey = args.apiKey ?? io.env.COREDINATION_API_KEY ?? config.apiKey;
  return {
    baseUrl: args.baseUrl ?? io.env.COREDINATION_BASE_URL ?? config.baseUrl ?? DEFAULT_BASE_URL,
    apiKey: apiKey === '' ? undefined : apiKey,
    insecure: args.insecure ?? config.insecure ?? false,
  };
}

/** The account the flags name (address and a hash of the key), for keyed imports' job uuids. */
export function accountFrom(args: GlobalArgs, io: CliIo): string {
  const { baseUrl, apiKey } = resolveConnection(args, io);
  return accountId(baseUrl, apiKey);
}

/** A client for commands that need the key; says clearly where to put it when it is missing. */
export function clientFrom(args: GlobalArgs, io: CliIo, options: { needKey?: boolean } = {}): CoredinationClient {
  const { baseUrl, apiKey, insecure } = resolveConnection(args, io);
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
