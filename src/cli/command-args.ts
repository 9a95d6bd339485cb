import type { GlobalArgs } from './io.js';
import type { MappingArgs } from './mapping-args.js';

/**
 * The arguments of each command as yargs hands them over: read by the command's definition
 * (src/cli/commands/) and by its handler (src/cli/handlers/), which the definition loads only when
 * the command runs, so that neither imports the other.
 */

export interface DoctorArgs extends GlobalArgs {
  write?: boolean;
}

export interface ExportArgs extends GlobalArgs {
  out: string;
  mapping?: string;
  format?: 'xlsx' | 'csv';
  sheet?: string;
  delimiter?: string;
  bom?: boolean;
  tz?: string;
  since?: string;
  details?: boolean;
  state?: string;
  allFields?: boolean;
  raw?: boolean;
  concurrency?: number;
  rate?: number;
}

export interface ImportArgs extends GlobalArgs, MappingArgs {
  file: string;
  dryRun?: boolean;
  payloads?: string;
  errors?: string;
  results?: string;
  limit?: number;
  concurrency?: number;
  rate?: number;
  key?: string;
  only?: 'create' | 'update';
  skipInvalid?: boolean;
  maxErrors?: number;
  fresh?: boolean;
  plan?: string;
  offline?: boolean;
  unknown?: 'send' | 'skip';
  putReplaces?: boolean;
}

export interface InitArgs extends GlobalArgs, MappingArgs {
  file: string;
  out?: string;
  force?: boolean;
}

export interface CheckArgs extends GlobalArgs, MappingArgs {
  mappingFile: string;
  file?: string;
}

export interface ScheduleArgs extends GlobalArgs {
  file: string;
  once?: string;
  print?: 'systemd' | 'crontab';
  out?: string;
  force?: boolean;
  next?: number;
}

export interface UndoArgs extends GlobalArgs {
  target: string;
  dryRun?: boolean;
  yes?: boolean;
}

/** `--state DRAFT,SCHEDULED` as its states. */
export function statesOf(flag: string | undefined): string[] | undefined {
  return flag?.split(',').map((s) => s.trim()).filter(Boolean);
}
