import { accountId } from '../api/account-id.js';
import { createClient, type CoredinationClient } from '../api/client.js';
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
