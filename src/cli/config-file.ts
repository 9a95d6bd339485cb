import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { CdbError } from '../errors.js';
import type { CliIo } from './io.js';

/** What a config file may set; flags and environment variables win over it. */
export interface ConfigFile {
  baseUrl?: string;
  apiKey?: string;
  insecure?: boolean;
  concurrency?: number;
  rate?: number;
  /** The SMTP password of a schedule's mail notifications (COREDINATION_SMTP_PASSWORD wins). */
  smtpPassword?: string;
}

const KEYS: Record<keyof ConfigFile, 'string' | 'boolean' | 'number'> = {
  baseUrl: 'string',
  apiKey: 'string',
  insecure: 'boolean',
  concurrency: 'number',
  rate: 'number',
  smtpPassword: 'string',
};

/** The config file in use: --config, else COREDINATION_CONFIG, else ~/.config/coredination-batch/config.yaml if it exists. */
export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (flag) return flag;
  if (env.COREDINATION_CONFIG) return env.COREDINATION_CONFIG;
  const fallback = path.join(env.XDG_CONFIG_HOME ?? path.join(homedir(), '.config'), 'coredination-batch', 'config.yaml');
  return existsSync(fallback) ? fallback : undefined;
}

/** Reads and checks a config file; every problem at once. Warns when a file with the key is readable by others. */
export function readConfig(file: string | undefined, io: CliIo): ConfigFile {
  if (!file) return {};
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CdbError('USAGE', `Cannot read the config file (${code === 'ENOENT' ? 'no such file' : (error as Error).message.split('\n')[0]}).`, { context: { file } });
  }
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new CdbError('USAGE', 'The config file must hold settings like "baseUrl: https://…".', { context: { file } });
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const type = KEYS[key as keyof ConfigFile];
    if (!type) problems.push(`${key}: not a known setting (${Object.keys(KEYS).join(', ')})`);
    else if (typeof value !== type) problems.push(`${key}: expected a ${type}`);
  }
  if (problems.length) throw new CdbError('USAGE', `The config file has problems:\n${problems.map((p) => `  ${p}`).join('\n')}`, { context: { file } });
  const config = raw as ConfigFile;
  if ((config.apiKey || config.smtpPassword) && process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    io.stderr.write(`Warning: ${file} holds ${config.apiKey ? 'the API key' : 'the SMTP password'} and other users can read it; run: chmod 600 ${file}\n`);
  }
  return config;
}
