import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Cron } from 'croner';
import { IANAZone } from 'luxon';
import { LineCounter, parseDocument } from 'yaml';
import { CdbError } from '../errors.js';
import { DEFAULT_MAPPING, loadMapping } from '../mapping/load-mapping.js';
import type { Mapping } from '../mapping/types.js';
import { lineOfKeys, lineOfPath, problemsText, schemaProblems, schemaValidator } from '../util/schema-validator.js';
import { yamlData } from '../util/yaml-data.js';

/** One scheduled export, with its paths resolved against the schedule file's folder. */
export interface ScheduleEntry {
  name: string;
  cron: string;
  /** The output pattern, absolute. */
  output: string;
  mapping: Mapping;
  since?: 'last';
  keep?: number;
  format?: 'xlsx' | 'csv';
  details?: boolean;
  allFields?: boolean;
  state?: string[];
  delimiter?: string;
  bom?: boolean;
}

/** A checked schedule file. */
export interface Schedule {
  file: string;
  timezone: string;
  entries: ScheduleEntry[];
}

const PLACEHOLDERS = new Set(['date', 'time', 'name']);

/** A croner job for an expression (5 fields, or 6 with seconds), paused. */
export function cronOf(expression: string, timezone: string): Cron {
  return new Cron(expression, { timezone, paused: true, mode: '5-or-6-parts' });
}

/** Loads and checks a schedule file: every problem at once, with its path, exit 2. */
export async function loadSchedule(file: string): Promise<Schedule> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CdbError('MAPPING', `Cannot open the schedule file (${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}).`, { context: { file } });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
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
  if (doc.errors.length) {
    for (const error of doc.errors) problems.push(`(yaml) (line ${error.linePos?.[0]?.line ?? '?'}): ${(error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`);
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
  const dir = path.dirname(path.resolve(file));
  const names = new Set<string>();
  const entries: ScheduleEntry[] = [];
  const items = Array.isArray(raw.exports) ? (raw.exports as unknown[]) : [];
  for (const [i, entry] of items.entries()) {
    const at = `exports[${i}]`;
    if (!isObject(entry) || typeof entry.name !== 'string' || typeof entry.cron !== 'string' || typeof entry.output !== 'string') continue; // the schema said why
    const item = entry;
    const name = item.name as string;
    if (names.has(name)) problems.push(`${at}.name${lineOf(['exports', i, 'name'])}: "${name}" is used twice`);
    names.add(name);
    const cron = String(item.cron).trim();
    const fields = cron.split(/\s+/).length;
    if (faulted.has(`${at}.cron`)) {
      // the schema said why
    } else if (fields !== 5 && fields !== 6) problems.push(`${at}.cron${lineOf(['exports', i, 'cron'])}: "${cron}" has ${fields} fields; give 5 (minute hour day month weekday) or 6 (seconds first)`);
    else {
      try {
        cronOf(cron, IANAZone.isValidZone(timezone) ? timezone : 'UTC').stop();
      } catch (error) {
        problems.push(`${at}.cron${lineOf(['exports', i, 'cron'])}: "${cron}" is not a cron expression (${(error as Error).message})`);
      }
    }
    const output = item.output as string;
    for (const match of output.matchAll(/\{([^}]*)\}/g)) {
      if (!PLACEHOLDERS.has(match[1] as string)) problems.push(`${at}.output${lineOf(['exports', i, 'output'])}: unknown placeholder {${match[1]}}; use {date}, {time} or {name}`);
    }
    if (!item.format && !/\.(xlsx|csv)$/i.test(output)) problems.push(`${at}.output${lineOf(['exports', i, 'output'])}: end it in .xlsx or .csv, or set format`);
    let mapping: Mapping | undefined;
    if (item.mapping !== undefined && typeof item.mapping !== 'string') continue; // the schema said why
    try {
      mapping = (await loadMapping(item.mapping ? path.resolve(dir, item.mapping as string) : DEFAULT_MAPPING)).mapping;
    } catch (error) {
      problems.push(`${at}.mapping${lineOf(['exports', i, 'mapping'])}: ${(error as Error).message.replace(/\n/g, '\n    ')}`);
    }
    if (mapping) {
      entries.push({
        name,
        cron,
        output: path.resolve(dir, output),
        mapping,
        since: item.since as 'last' | undefined,
        keep: item.keep as number | undefined,
        format: item.format as 'xlsx' | 'csv' | undefined,
        details: item.details as boolean | undefined,
        allFields: item.allFields as boolean | undefined,
        state: item.state as string[] | undefined,
        delimiter: item.delimiter as string | undefined,
        bom: item.bom as boolean | undefined,
      });
    }
  }
  if (problems.length) fail();
  return { file: path.resolve(file), timezone, entries };
}
