import { CdbError } from '../errors.js';

/** A dashed option name as yargs also takes it (dry-run: dryRun). */
export const camel = (name: string): string => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** The options of the command being parsed, by kind, as yargs keeps them. */
export interface ParsedOptions {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
  boolean: string[];
  array: string[];
  number: string[];
  string: string[];
}

/** yargs's own view of a command's options (getOptions is left out of its types). */
export interface OptionsView {
  getOptions(): ParsedOptions;
}

/**
 * What yargs reads quietly and the tool must not: a switch given a value (`--dry-run=maybe` is
 * not a dry run to yargs, and the import would send), and an option of one value given twice
 * (`--format xlsx --format csv` is both to yargs). Each a usage error naming the option.
 */
export function checkFlagForms(argv: readonly string[], parsed: Record<string, unknown>, options: ParsedOptions): void {
  // yargs takes a dashed name in camelCase too (--dryRun for --dry-run).
  const switches = new Map(options.boolean.flatMap((name) => [[name, name], [camel(name), name]] as const));
  for (const arg of argv) {
    const given = /^--(?:no-)?([^=]+)=(.*)$/s.exec(arg);
    const name = given?.[1] === undefined ? undefined : switches.get(given[1]);
    if (name && given?.[2] !== 'true' && given?.[2] !== 'false') {
      throw new CdbError('USAGE', `--${name} is a switch: give it alone (or --no-${name}), not with "=${given?.[2] ?? ''}".`);
    }
  }
  for (const key of new Set([...options.number, ...options.string])) {
    const value = parsed[key];
    if (!options.array.includes(key) && Array.isArray(value)) {
      throw new CdbError('USAGE', `--${key} was given ${value.length} times (${value.map(String).join(', ')}): give it once.`);
    }
  }
}
