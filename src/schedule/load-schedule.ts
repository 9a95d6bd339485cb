import path from 'node:path';
import { IANAZone } from 'luxon';
import { CdbError } from '../errors.js';
import { lineOfKeys, lineOfPath, problemsText, schemaProblems, schemaValidator } from '../util/schema-validator.js';
import { parseSettings, readSettingsFile, yamlData, yamlProblems } from '../util/yaml-data.js';
import { pathOf, type CheckContext } from './check-context.js';
import { checkExport, checkImport, type FileDefaults } from './check-entries.js';
import { checkHttpUrl, checkNotify } from './check-notify.js';
import { parseDuration } from './duration.js';
import type { ExportEntry, ImportEntry, Schedule } from './schedule-types.js';

export type { ExportEntry, ImportEntry, Schedule, ScheduleEntry } from './schedule-types.js';
export { cronOf } from './check-entries.js';

/** Loads and checks a schedule file: every problem at once, with its path, exit 2. */
export async function loadSchedule(file: string): Promise<Schedule> {
  let text: string;
  try {
    text = await readSettingsFile(file, 'schedule');
  } catch (error) {
    if (error instanceof CdbError) throw error;
    throw new CdbError('MAPPING', `Cannot open the schedule file (${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}).`, { context: { file } });
  }
  const { doc, lines } = parseSettings(text);
  const problems: string[] = [];
  const lineOf = (keys: (string | number)[]) => {
    const line = lineOfKeys(doc, lines, keys);
    return line ? ` (line ${line})` : '';
  };
  const fail = (): never => {
    throw new CdbError('MAPPING', problemsText(`The schedule ${file}`, problems), {
      hint: 'Fix it and check again with "coredination-batch schedule <file> --next". The format is described by templates/schedule.schema.json.',
    });
  };
  // A schedule runs unattended: what YAML only warns about (an unknown tag) is a problem to fix now.
  const yaml = yamlProblems(doc, lines, true);
  if (yaml.errors.length || yaml.warnings.length) {
    for (const problem of [...yaml.errors, ...yaml.warnings]) problems.push(`(yaml) (line ${problem.line ?? '?'}): ${problem.message}`);
    fail();
  }
  const parsed = yamlData(doc, 'schedule', file);
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  const raw = isObject(parsed) ? parsed : {};
  const validate = schemaValidator('schedule');
  // Every problem of the file in one run: the schema's, then the rules' on every entry well formed enough to check.
  const faulted = new Set<string>();
  if (!validate(parsed)) {
    for (const problem of schemaProblems(validate.errors ?? [])) {
      const line = lineOfPath(doc, lines, problem.path);
      faulted.add(problem.path);
      problems.push(`${problem.path}${line ? ` (line ${line})` : ''}: ${problem.message}`);
    }
  }
  const timezone = typeof raw.timezone === 'string' ? raw.timezone : Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!IANAZone.isValidZone(timezone)) problems.push(`timezone${lineOf(['timezone'])}: "${timezone}" is not an IANA time zone (e.g. Europe/Stockholm)`);
  const warnings: string[] = [];
  const ctx: CheckContext = {
    dir: path.dirname(path.resolve(file)),
    zone: IANAZone.isValidZone(timezone) ? timezone : 'UTC',
    faulted,
    warnings,
    problems,
    report: (keys, message) => problems.push(`${pathOf(keys)}${lineOf([...keys])}: ${message}`),
  };
  let timeoutMs: number | undefined;
  if (raw.timeout !== undefined) {
    const ms = parseDuration(raw.timeout);
    if (typeof ms === 'string') ctx.report(['timeout'], ms);
    else if (ms < 1000) ctx.report(['timeout'], 'give at least 1s: an answer needs time to come');
    else timeoutMs = ms;
  }
  if (raw.exports === undefined && raw.imports === undefined && isObject(parsed)) problems.push('(top): give exports:, imports: or both (templates/schedule.schema.json describes them)');
  const healthcheck = checkHttpUrl(raw.healthcheck, ['healthcheck'], ctx);
  const defaults: FileDefaults = { notify: checkNotify(raw.notify, ['notify'], ctx) ?? [], ...(healthcheck ? { healthcheck } : {}) };
  // Names are shared by exports and imports: --once takes one.
  const names = new Set<string>();
  const named = (item: Record<string, unknown>, keys: (string | number)[]) => {
    const name = item.name as string;
    if (names.has(name)) ctx.report([...keys, 'name'], `"${name}" is used twice`);
    names.add(name);
  };
  const exports: ExportEntry[] = [];
  for (const [i, entry] of (Array.isArray(raw.exports) ? (raw.exports as unknown[]) : []).entries()) {
    if (!isObject(entry) || typeof entry.name !== 'string' || typeof entry.cron !== 'string' || typeof entry.output !== 'string') continue; // the schema said why
    named(entry, ['exports', i]);
    const checked = await checkExport(entry, ['exports', i], defaults, ctx);
    if (checked) exports.push(checked);
  }
  const imports: ImportEntry[] = [];
  const watched = new Map<string, string>();
  for (const [i, entry] of (Array.isArray(raw.imports) ? (raw.imports as unknown[]) : []).entries()) {
    if (!isObject(entry) || ['name', 'watch', 'pattern', 'mapping', 'archive', 'failed'].some((k) => typeof entry[k] !== 'string')) continue; // the schema said why
    named(entry, ['imports', i]);
    const checked = await checkImport(entry, ['imports', i], defaults, watched, ctx);
    if (checked) imports.push(checked);
  }
  if (problems.length) fail();
  return { file: path.resolve(file), timezone, ...(timeoutMs ? { timeoutMs } : {}), exports, imports, warnings };
}
