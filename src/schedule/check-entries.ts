import path from 'node:path';
import { Cron } from 'croner';
import { DEFAULT_MAPPING, loadMapping } from '../mapping/load-mapping.js';
import type { Mapping } from '../mapping/types.js';
import type { NotifyTarget } from '../notify/targets.js';
import { pathOf, type CheckContext } from './check-context.js';
import { checkHttpUrl, checkNotify } from './check-notify.js';
import { parseDuration } from './duration.js';
import { globMatcher } from './glob.js';
import type { ExportEntry, ImportEntry } from './schedule-types.js';
import { exportFormatProblem, type ExportFormat } from '../export/export-format.js';

type Keys = readonly (string | number)[];
type Item = Record<string, unknown>;

/** What an entry falls back on: the file's notify list and health check. */
export interface FileDefaults {
  notify: NotifyTarget[];
  healthcheck?: string;
}

const PLACEHOLDERS = new Set(['date', 'time', 'name']);
/** How long a failing run is tried again when the entry does not say. */
export const DEFAULT_RETRY_MS = 30 * 60_000;
/** How long a file must be unchanged before it is read, when the entry does not say. */
export const DEFAULT_SETTLE_MS = 5000;

/** A croner job for an expression (5 fields, or 6 with seconds), paused. */
export function cronOf(expression: string, timezone: string): Cron {
  return new Cron(expression, { timezone, paused: true, mode: '5-or-6-parts' });
}

function checkCron(value: string, keys: Keys, ctx: CheckContext): string {
  const cron = value.trim();
  const fields = cron.split(/\s+/).length;
  if (ctx.faulted.has(pathOf(keys))) return cron; // the schema said why
  if (fields !== 5 && fields !== 6) ctx.report(keys, `"${cron}" has ${fields} fields; give 5 (minute hour day month weekday) or 6 (seconds first)`);
  else {
    try {
      cronOf(cron, ctx.zone).stop();
    } catch (error) {
      ctx.report(keys, `"${cron}" is not a cron expression (${(error as Error).message})`);
    }
  }
  return cron;
}

/** A duration setting, its default when absent; undefined (and a problem) when it is not one. */
function checkDuration(value: unknown, keys: Keys, fallback: number, ctx: CheckContext): number | undefined {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (typeof ms === 'string') {
    ctx.report(keys, ms);
    return undefined;
  }
  return ms;
}

async function checkMapping(value: unknown, keys: Keys, ctx: CheckContext): Promise<Mapping | undefined> {
  if (value !== undefined && typeof value !== 'string') return undefined; // the schema said why
  try {
    const loaded = await loadMapping(value ? path.resolve(ctx.dir, value) : DEFAULT_MAPPING);
    for (const w of loaded.warnings) ctx.warnings.push(`Warning: ${loaded.mapping.source}: ${w.path}${w.line ? ` (line ${w.line})` : ''}: ${w.message}`);
    return loaded.mapping;
  } catch (error) {
    ctx.report(keys, (error as Error).message.replace(/\n/g, '\n    '));
    return undefined;
  }
}

/** What every entry has: retry, and its notify list and health check (its own, else the file's). */
function checkCommon(item: Item, keys: Keys, defaults: FileDefaults, ctx: CheckContext) {
  const retryMs = checkDuration(item.retry, [...keys, 'retry'], DEFAULT_RETRY_MS, ctx);
  const notify = item.notify === undefined ? defaults.notify : checkNotify(item.notify, [...keys, 'notify'], ctx);
  const healthcheck = item.healthcheck === undefined ? defaults.healthcheck : checkHttpUrl(item.healthcheck, [...keys, 'healthcheck'], ctx);
  return { retryMs: retryMs ?? 0, notify: notify ?? [], ...(healthcheck ? { healthcheck } : {}) };
}

/** Checks one export entry; undefined when it has a problem (reported). */
export async function checkExport(item: Item, keys: Keys, defaults: FileDefaults, ctx: CheckContext): Promise<ExportEntry | undefined> {
  const before = ctx.problems.length;
  const cron = checkCron(item.cron as string, [...keys, 'cron'], ctx);
  const output = item.output as string;
  for (const match of output.matchAll(/\{([^}]*)\}/g)) {
    if (!PLACEHOLDERS.has(match[1] as string)) ctx.report([...keys, 'output'], `unknown placeholder {${match[1]}}; use {date}, {time} or {name}`);
  }
  // The same rule as the export command's: an extension it writes, or a format.
  const problem = exportFormatProblem(output.replace(/\{[^}]*\}/g, 'x'), item.format as ExportFormat | undefined);
  if (problem) ctx.report([...keys, 'output'], `${problem}; or set format`);
  const common = checkCommon(item, keys, defaults, ctx);
  const mapping = await checkMapping(item.mapping, [...keys, 'mapping'], ctx);
  if (!mapping || ctx.problems.length !== before) return undefined;
  return {
    kind: 'export',
    name: item.name as string,
    cron,
    output: path.resolve(ctx.dir, output),
    mapping,
    ...common,
    since: item.since as 'last' | undefined,
    keep: item.keep as number | undefined,
    format: item.format as 'xlsx' | 'csv' | undefined,
    details: item.details as boolean | undefined,
    allFields: item.allFields as boolean | undefined,
    state: item.state as string[] | undefined,
    delimiter: item.delimiter as string | undefined,
    bom: item.bom as boolean | undefined,
  };
}

/** Checks one watched import folder; undefined when it has a problem (reported). */
export async function checkImport(item: Item, keys: Keys, defaults: FileDefaults, watched: Map<string, string>, ctx: CheckContext): Promise<ImportEntry | undefined> {
  const before = ctx.problems.length;
  const name = item.name as string;
  const cron = typeof item.cron === 'string' ? checkCron(item.cron, [...keys, 'cron'], ctx) : undefined;
  const folder = (key: string) => path.resolve(ctx.dir, item[key] as string);
  const watch = folder('watch');
  const other = watched.get(watch);
  if (other !== undefined) ctx.report([...keys, 'watch'], `${String(item.watch)} is watched by "${other}" already; one entry per folder (its pattern picks the files)`);
  watched.set(watch, name);
  for (const key of ['archive', 'failed']) {
    if (folder(key) === watch) ctx.report([...keys, key], `is the watched folder itself; give a folder of its own (e.g. ${key === 'archive' ? 'done' : 'failed'})`);
  }
  const pattern = item.pattern as string;
  if (/[/\\]/.test(pattern)) ctx.report([...keys, 'pattern'], `"${pattern}" holds a folder; give a file name pattern such as *.csv (the folder is watch:)`);
  const settleMs = checkDuration(item.settle, [...keys, 'settle'], DEFAULT_SETTLE_MS, ctx);
  const common = checkCommon(item, keys, defaults, ctx);
  const mapping = await checkMapping(item.mapping, [...keys, 'mapping'], ctx);
  if (!mapping || ctx.problems.length !== before || settleMs === undefined) return undefined;
  return {
    kind: 'import',
    name,
    ...(cron ? { cron } : {}),
    watch,
    pattern,
    matches: globMatcher(pattern),
    mapping,
    archive: folder('archive'),
    failed: folder('failed'),
    settleMs,
    ...common,
    maxErrors: item.maxErrors as number | undefined,
    skipInvalid: item.skipInvalid as boolean | undefined,
    concurrency: item.concurrency as number | undefined,
    rate: item.rate as number | undefined,
    key: item.key as string | undefined,
  };
}
