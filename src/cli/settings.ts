import { DEFAULT_BASE_URL } from '../api/assumptions.js';
import { defaultStateDir } from '../state/state-dir.js';
import { configPath, readConfig, type ConfigFile } from './config-file.js';
import type { CliIo, GlobalArgs } from './io.js';

/** Every setting a command takes from outside its own flags, decided once. */
export interface Settings {
  baseUrl: string;
  apiKey: string | undefined;
  insecure: boolean;
  /** Journals, run records, watermarks, schedule ledgers. */
  stateDir: string;
  config: ConfigFile;
}

/**
 * The one place where precedence is decided, for every command: a flag wins over the
 * environment, which wins over the config file, which wins over the default. For an import's
 * pace (`pace`), the mapping's own concurrency and rate come between the flag and the config file:
 * they describe the source.
 */
export function settingsFrom(args: GlobalArgs, io: CliIo): Settings {
  const config = configOnce(configPath(args.config, io.env), io);
  const apiKey = args.apiKey ?? io.env.COREDINATION_API_KEY ?? config.apiKey;
  return {
    baseUrl: args.baseUrl ?? io.env.COREDINATION_BASE_URL ?? config.baseUrl ?? DEFAULT_BASE_URL,
    apiKey: apiKey === '' ? undefined : apiKey,
    insecure: args.insecure ?? config.insecure ?? false,
    stateDir: defaultStateDir(io.env),
    config,
  };
}

/** Each run of the CLI (one io) reads its config file once, and warns about it once. */
const configs = new WeakMap<CliIo, Map<string, ConfigFile>>();

function configOnce(file: string | undefined, io: CliIo): ConfigFile {
  if (!file) return {};
  let read = configs.get(io);
  if (!read) configs.set(io, (read = new Map<string, ConfigFile>()));
  let config = read.get(file);
  if (!config) read.set(file, (config = readConfig(file, io)));
  return config;
}

/** An import's requests in flight and per second: flag, else the mapping's, else the config file's, else the engine's default. */
export function pace(flags: { concurrency?: number; rate?: number }, mapping: { concurrency?: number; rate?: number }, settings: Settings): { concurrency?: number; rate?: number } {
  return {
    concurrency: flags.concurrency ?? mapping.concurrency ?? settings.config.concurrency,
    rate: flags.rate ?? mapping.rate ?? settings.config.rate,
  };
}
