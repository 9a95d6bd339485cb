import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { CdbError } from '../errors.js';
import { parseSettings, readSettingsFileSync, yamlData, yamlProblems } from '../util/yaml-data.js';
import type { CliIo } from './io.js';
import { editDistance } from '../util/edit-distance.js';

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
  let text: string;
  try {
    text = readSettingsFileSync(file, 'config');
  } catch (error) {
    if (error instanceof CdbError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CdbError('USAGE', `Cannot read the config file (${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message.split('\n')[0]}).`, { context: { file } });
  }
  // The file holds the API key: its problems are told by line, never with the line's text.
  const { doc, lines } = parseSettings(text);
  const yaml = yamlProblems(doc, lines, false);
  const at = (problem: { line?: number }) => (problem.line ? `line ${problem.line}: ` : '');
  if (yaml.errors.length) {
    throw new CdbError('USAGE', `The config file is not valid YAML:\n${yaml.errors.map((p) => `  ${at(p)}${p.message}`).join('\n')}`, { context: { file } });
  }
  for (const warning of yaml.warnings) io.stderr.write(`Warning: ${file}, ${at(warning)}${warning.message}\n`);
  const raw: unknown = yamlData(doc, 'config', file);
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new CdbError('USAGE', 'The config file must hold settings like "baseUrl: https://…".', { context: { file } });
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    // The tool's own settings only: `constructor:` or `toString:` are not found on the prototype chain.
    const type = Object.hasOwn(KEYS, key) ? KEYS[key as keyof ConfigFile] : undefined;
    if (!type) {
      // Case and a slip of the finger: `apikey:` means apiKey.
      const near = Object.keys(KEYS).find((known) => known.toLowerCase() === key.toLowerCase()) ?? Object.keys(KEYS).find((known) => editDistance(known.toLowerCase(), key.toLowerCase()) <= 2);
      problems.push(`${key}: not a known setting${near ? `; did you mean ${near}?` : ''} (${Object.keys(KEYS).join(', ')})`);
    }
    else if (typeof value !== type) problems.push(`${key}: expected a ${type}`);
  }
  if (problems.length) throw new CdbError('USAGE', `The config file has problems:\n${problems.map((p) => `  ${p}`).join('\n')}`, { context: { file } });
  const config = raw as ConfigFile;
  if ((config.apiKey || config.smtpPassword) && process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    io.stderr.write(`Warning: ${file} holds ${config.apiKey ? 'the API key' : 'the SMTP password'} and other users can read it; run: chmod 600 ${file}\n`);
  }
  return config;
}
