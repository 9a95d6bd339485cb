import { accountId } from '../api/account-id.js';
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
