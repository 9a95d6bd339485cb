import { createClient, type CoredinationClient } from '../api/client.js';
import { DEFAULT_BASE_URL } from '../api/assumptions.js';
import { CdbError } from '../errors.js';
import type { CliIo, GlobalArgs } from './io.js';

/** The base URL and key from flags, else the environment, else the defaults. */
export function resolveConnection(args: GlobalArgs, io: CliIo): { baseUrl: string; apiKey: string | undefined } {
  const apiKey = args.apiKey ?? io.env.COREDINATION_API_KEY;
  return {
    baseUrl: args.baseUrl ?? io.env.COREDINATION_BASE_URL ?? DEFAULT_BASE_URL,
    apiKey: apiKey === '' ? undefined : apiKey,
  };
}

/** A client for commands that need the key; says clearly where to put it when it is missing. */
export function clientFrom(args: GlobalArgs, io: CliIo, options: { needKey?: boolean } = {}): CoredinationClient {
  const { baseUrl, apiKey } = resolveConnection(args, io);
  if (options.needKey !== false && !apiKey) {
    throw new CdbError('USAGE', 'No API key given.', {
      hint: 'Set COREDINATION_API_KEY, or pass --api-key. The sandbox command prints a key to use with it.',
    });
  }
  return createClient({ baseUrl, apiKey, insecure: args.insecure });
}
