import type { Argv } from 'yargs';
import { CdbError } from '../errors.js';
import type { Mapping } from '../mapping/types.js';
import type { ReadOptions } from '../readers/types.js';
import type { Output } from './io.js';

/** Flags that choose a mapping and how to read a spreadsheet. */
export interface MappingArgs {
  mapping?: string;
  sheet?: string;
  headerRow?: number;
  delimiter?: string;
  encoding?: string;
}

/** The --mapping option, the same for every command that takes one. */
export const MAPPING_OPTION = { type: 'string', alias: 'm', describe: 'Mapping file (YAML or JSON); default templates/jobs.mapping.yaml' } as const;

/** Adds --mapping, --sheet, --header-row, --delimiter, --encoding. */
export function withMappingArgs<T>(yargs: Argv<T>): Argv<T & MappingArgs> {
  return withReadArgs(yargs.option('mapping', MAPPING_OPTION));
}

/**
 * Adds --sheet, --header-row, --delimiter, --encoding: for commands whose mapping is not an option
 * (`mapping init` has none yet: its --sheet and --header-row override nothing).
 */
export function withReadArgs<T>(yargs: Argv<T>, options: { mapping?: boolean } = {}): Argv<T & MappingArgs> {
  const overrides = options.mapping === false ? '' : ' (overrides the mapping)';
  return yargs
    .option('sheet', { type: 'string', describe: `xlsx or ods: sheet name or 1-based number${overrides}` })
    .option('header-row', { type: 'number', describe: `Row holding the column names${overrides}` })
    .option('delimiter', { type: 'string', describe: 'csv: delimiter, when detection should be overridden (use "\\t" for tab)' })
    .option('encoding', { type: 'string', describe: 'csv: encoding (utf-8, windows-1252, utf-16le), when detection should be overridden' });
}

/** Loads the mapping named by --mapping (or the default), printing its warnings. */
export async function mappingFrom(args: MappingArgs, out: Output): Promise<Mapping> {
  const { DEFAULT_MAPPING, loadMapping } = await import('../mapping/load-mapping.js');
  const { mapping, warnings } = await loadMapping(args.mapping ?? DEFAULT_MAPPING);
  for (const warning of warnings) out.warn(`Warning: ${mapping.source}: ${warning.path}${warning.line ? ` (line ${warning.line})` : ''}: ${warning.message}`);
  return mapping;
}

/** The reading flags as ReadOptions. */
export function readOptionsFrom(args: MappingArgs): ReadOptions {
  if (args.headerRow !== undefined && !(Number.isInteger(args.headerRow) && args.headerRow >= 1)) {
    throw new CdbError('USAGE', `--header-row must be a row number (1 or more), not "${args.headerRow}".`);
  }
  const sheet = args.sheet === undefined ? undefined : /^\d+$/.test(args.sheet) ? Number(args.sheet) : args.sheet;
  return {
    sheet,
    headerRow: args.headerRow,
    delimiter: args.delimiter === '\\t' ? '\t' : args.delimiter,
    encoding: args.encoding,
  };
}
