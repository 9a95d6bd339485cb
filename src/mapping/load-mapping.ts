import path from 'node:path';
import type { ErrorObject } from 'ajv';
import { IANAZone } from 'luxon';
import { isMap, isSeq } from 'yaml';
import { CdbError } from '../errors.js';
import { parseSettings, readSettingsFile, yamlData, yamlProblems } from '../util/yaml-data.js';
import { PACKAGE_ROOT } from '../tool-version.js';
import { lineOfPath, problemsText, schemaProblems, schemaValidator } from '../util/schema-validator.js';
import { parseFieldPath, unsafeSegment } from './field-path.js';
import { closestField, fieldNames, knownField, naturalType, SERVER_FIELDS } from './job-fields.js';
import { convertCell } from './convert-cell.js';
import { isKnownLocale, localeRules } from './locale.js';
import { templateColumns } from './template-text.js';
import type { ColumnSpec, EmptyChoice, FieldType, Mapping } from './types.js';

/** The default mapping, used when none is given. */
export const DEFAULT_MAPPING = path.join(PACKAGE_ROOT, 'templates', 'jobs.mapping.yaml');

/** The JSON schema of mapping files, as installed (for editors: `mapping init` points at it). */
export const MAPPING_SCHEMA = path.join(PACKAGE_ROOT, 'templates', 'mapping.schema.json');

/** A problem found in a mapping, with its path (`columns[3].type`) and line. */
export interface MappingProblem {
  path: string;
  message: string;
  line?: number;
}

/** What loading found: the mapping, and warnings that do not stop it. */
export interface LoadedMapping {
  mapping: Mapping;
  warnings: MappingProblem[];
}

/** The mapping schema's problems; a column's alternatives are worded for columns. */
function mappingSchemaProblems(errors: readonly ErrorObject[]): MappingProblem[] {
  const problems = schemaProblems(errors, (at) =>
    /^columns\[\d+\]$/.test(at)
      ? 'needs either "column" (a spreadsheet column, or two for a date and a time), "template" (text joined from columns) or "value" (a constant), and only one of them'
      : 'is not a sheet name or a number from 1',
  );
  // `column` is one header or a list of two: one message for whatever is wrong with it.
  const columnAt = /^columns\[\d+\]\.column(\[\d+\])?$/;
  const seen = new Set<string>();
  const worded = problems.flatMap((p) => {
    if (!columnAt.test(p.path)) return [p];
    const path = p.path.replace(/\[\d+\]$/, '');
    if (seen.has(path)) return [];
    seen.add(path);
    return [{ path, message: "expected a column's header, or a list of two headers: a date column and a time-of-day column ([Startdatum, Starttid])" }];
  });
  // A missing property inside a oneOf branch repeats the oneOf message: keep the clearest.
  return worded.filter((p, _i, all) => !(p.message.startsWith('needs "') && all.some((q) => q.path === p.path && q.message.startsWith('needs either'))));
}

function unknownFieldMessage(field: string): string {
  const closest = closestField(field);
  const passthrough = 'for an API attribute this tool does not list, add passthrough: true to the column';
  return closest
    ? `"${field}" is not a job field this tool knows: did you mean ${closest}? (${passthrough})`
    : `"${field}" is not a job field this tool knows (they are ${fieldNames().join(', ')}); ${passthrough}`;
}

/** `an integer`, `a date`. */
const withArticle = (type: FieldType) => `${type === 'integer' || type === 'enum' ? 'an' : 'a'} ${type}`;

/**
 * The columns a field is read from when it names several: two for a datetime (`column: [date,
 * time]`), a template's names; undefined for one column or a constant. Problems are pushed.
 */
function severalColumns(column: Record<string, unknown>, type: FieldType, at: string, problems: MappingProblem[]): string[] | undefined {
  const several = Array.isArray(column.column) || typeof column.template === 'string';
  if (several && Array.isArray(column.aliases) && column.aliases.length) {
    problems.push({ path: `${at}.aliases`, message: 'aliases name other headers of one column; a field read from several columns takes them by their exact names' });
  }
  if (Array.isArray(column.column)) {
    const names = (column.column as unknown[]).filter((n): n is string => typeof n === 'string');
    if (type !== 'datetime') {
      problems.push({ path: `${at}.column`, message: `two columns make one field only for a datetime (a date column and a time-of-day column), and ${String(column.field)} is ${withArticle(type)}${type === 'string' ? ': to join text, use template: "{A} {B}"' : ''}` });
    }
    if (names.length === 2 && names[0]?.trim().toLowerCase() === names[1]?.trim().toLowerCase()) problems.push({ path: `${at}.column`, message: `names "${names[0]}" twice: the date column first, then the time column` });
    return names;
  }
  if (typeof column.template === 'string') {
    if (type !== 'string') problems.push({ path: `${at}.template`, message: `a template makes text, and ${String(column.field)} is ${withArticle(type)}` });
    const parsed = templateColumns(column.template);
    if (typeof parsed === 'string') problems.push({ path: `${at}.template`, message: parsed });
    else return parsed;
  }
  return undefined;
}

/** Fails with every problem at once, each with its path and line. */
function fail(source: string, problems: MappingProblem[]): never {
  const lines = problems.map((p) => `${p.path}${p.line ? ` (line ${p.line})` : ''}: ${p.message}`);
  throw new CdbError('MAPPING', problemsText(`The mapping ${source}`, lines), {
    hint: `Fix the mapping and run "coredination-batch mapping check ${source}". The format is described by templates/mapping.schema.json.`,
  });
}

/** Checks a parsed mapping object and normalises it (defaults filled in). */
export async function checkMapping(raw: unknown, source: string, locate: (path: string) => number | undefined = () => undefined): Promise<LoadedMapping> {
  const validate = schemaValidator('mapping');
  // Every problem of the file in one run: the schema's, then the rules' on whatever is well formed.
  const schemaProblems = validate(raw) ? [] : mappingSchemaProblems(validate.errors ?? []);
  const object = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  const data = (object(raw) ? raw : {}) as Record<string, unknown> & { columns: Record<string, unknown>[] };
  if (!Array.isArray(data.columns)) data.columns = [];
  data.columns = data.columns.map((column) => (object(column) && typeof column.field === 'string' ? column : { field: '' }));
  const problems: MappingProblem[] = [];
  const warnings: MappingProblem[] = [];

  const locale = typeof data.locale === 'string' ? data.locale : 'en-GB';
  if (!isKnownLocale(locale)) problems.push({ path: 'locale', message: `"${locale}" is not a locale this machine knows (try sv-SE, en-GB, de-DE)` });
  const timezone = typeof data.timezone === 'string' ? data.timezone : Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!IANAZone.isValidZone(timezone)) problems.push({ path: 'timezone', message: `"${timezone}" is not an IANA time zone (e.g. Europe/Stockholm)` });

  const fields = new Map<string, number>();
  const headers = new Map<string, number>();
  const ctx = { locale: localeRules(isKnownLocale(locale) ? locale : 'en-GB'), timezone: IANAZone.isValidZone(timezone) ? timezone : 'UTC' };
  // A field named by the file is looked up among the tool's own, never on the prototype chain (toString).
  const serverField = (field: string) => Object.hasOwn(SERVER_FIELDS, field);
  /** A constant or a map's value as its field's type would send it, or why it cannot be. */
  const typed = (value: unknown, type: FieldType, at: string, column: Record<string, unknown>): unknown => {
    if (value === null || typeof value === 'object') return value;
    const spec = { field: String(column.field), aliases: [], type, required: false, trim: true, readOnly: false, values: column.values as string[] | undefined, format: column.format as string | undefined };
    const converted = convertCell(typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value), spec, ctx);
    if ('problem' in converted) {
      problems.push({ path: at, message: `${JSON.stringify(value)} is not a ${type}: ${converted.problem}` });
      return value;
    }
    return converted.value;
  };
  const columns: ColumnSpec[] = data.columns.map((column, i) => {
    const at = `columns[${i}]`;
    const field = column.field as string;
    if (field === '') return { column: undefined, aliases: [], field, type: 'string', required: false, trim: true, readOnly: false } satisfies ColumnSpec; // malformed: the schema said why
    const parts = parseFieldPath(field);
    const unsafe = parts && unsafeSegment(parts);
    if (!parts) problems.push({ path: `${at}.field`, message: `"${field}" is not a field path like title or destinations[0].location.placeName` });
    else if (unsafe) problems.push({ path: `${at}.field`, message: `"${field}" contains "${unsafe}", which is refused in field paths (__proto__, prototype and constructor reach JavaScript internals, not job fields)` });
    else if (serverField(field) && column.value !== undefined) problems.push({ path: `${at}.field`, message: `${field} is set by the server and cannot be sent` });
    else if (!knownField(field) && !serverField(field) && column.passthrough !== true) problems.push({ path: `${at}.field`, message: unknownFieldMessage(field) });
    const earlier = fields.get(field);
    if (earlier !== undefined) problems.push({ path: `${at}.field`, message: `${field} is already mapped by columns[${earlier}]` });
    else fields.set(field, i);
    const type = (column.type as FieldType | undefined) ?? naturalType(field) ?? 'string';
    if (type === 'enum' && !column.values && !column.map) problems.push({ path: `${at}.values`, message: 'an enum needs its allowed values (values: [...]) or a map' });
    // A constant and a map's values are sent as they are: checked (and typed) here, not by the server.
    if (column.value !== undefined) column = { ...column, value: typed(column.value, type, `${at}.value`, column) };
    if (column.map && typeof column.map === 'object' && !Array.isArray(column.map)) {
      const map = column.map as Record<string, unknown>;
      column = { ...column, map: Object.fromEntries(Object.entries(map).map(([from, to]) => [from, typed(to, type, `${at}.map.${from}`, column)])) };
    }
    if (column.format && type !== 'date' && type !== 'datetime') warnings.push({ path: `${at}.format`, message: `format only applies to date and datetime columns, not ${type}` });
    const from = severalColumns(column, type, at, problems);
    for (const name of typeof column.column === 'string' ? [column.column] : Array.isArray(column.column) ? (column.column as unknown[]).filter((n): n is string => typeof n === 'string') : []) {
      const other = headers.get(name.trim().toLowerCase());
      if (other !== undefined) problems.push({ path: `${at}.column`, message: `"${name}" is already used by columns[${other}]` });
      else headers.set(name.trim().toLowerCase(), i);
    }
    if (column.empty !== undefined && column.value !== undefined) problems.push({ path: `${at}.empty`, message: 'a constant has no cell to be empty: leave out empty:' });
    else if (column.empty === 'clear' && column.required === true) problems.push({ path: `${at}.empty`, message: "a required column's empty cell is a problem on its row, so there is nothing to clear: leave out empty: or required:" });
    if (column.pad !== undefined && (type !== 'string' || typeof column.column !== 'string')) problems.push({ path: `${at}.pad`, message: `pad gives text of digits its leading zeros: it applies to one column of type string, not ${typeof column.column === 'string' ? withArticle(type) : 'this one'}` });
    const empty = (column.empty ?? (column.value === undefined ? data.empty : undefined)) as EmptyChoice | undefined;
    return {
      column: typeof column.column === 'string' ? column.column : undefined,
      ...(from ? { from } : {}),
      ...(typeof column.template === 'string' ? { template: column.template } : {}),
      ...(empty === 'clear' ? { empty } : {}),
      ...(typeof column.pad === 'number' ? { pad: column.pad } : {}),
      aliases: (column.aliases as string[] | undefined) ?? [],
      field,
      type,
      format: column.format as string | undefined,
      required: (column.required as boolean | undefined) ?? false,
      trim: (column.trim as boolean | undefined) ?? true,
      value: column.value,
      map: column.map as Record<string, unknown> | undefined,
      values: column.values as string[] | undefined,
      join: column.join as string | undefined,
      readOnly: serverField(field),
      ...(column.passthrough === true ? { passthrough: true } : {}),
    };
  });
  if (typeof data.key === 'string') {
    const key = data.key.trim().toLowerCase();
    const named = columns.some((c) => [c.column, ...c.aliases].some((h) => typeof h === 'string' && h.trim().toLowerCase() === key));
    if (!named) problems.push({ path: 'key', message: `"${data.key}" is not a column of this mapping: the key must be one of the columns, mapped to the field that holds it (e.g. referenceNo)` });
  }
  // A rule problem at a path the schema already faulted says the same thing twice: left out.
  const faulted = new Set(schemaProblems.map((p) => p.path));
  const all = [...schemaProblems, ...problems.filter((p) => !faulted.has(p.path))];
  if (all.length) fail(source, all.map((p) => ({ ...p, line: locate(p.path) })));
  return {
    mapping: {
      resource: 'job',
      sheet: data.sheet as string | number | undefined,
      headerRow: (data.headerRow as number | undefined) ?? 1,
      locale,
      timezone,
      key: data.key as string | undefined,
      ...(data.empty === 'clear' ? { empty: 'clear' as const } : {}),
      namespace: data.namespace as string | undefined,
      delimiter: data.delimiter as string | undefined,
      encoding: data.encoding as string | undefined,
      concurrency: data.concurrency as number | undefined,
      rate: data.rate as number | undefined,
      columns,
      source,
    },
    warnings: warnings.map((w) => ({ ...w, line: locate(w.path) })),
  };
}

/** Loads a YAML (or JSON) mapping file: parse, schema, rules, defaults. Every problem is reported at once. */
export async function loadMapping(file: string = DEFAULT_MAPPING): Promise<LoadedMapping> {
  let text: string;
  try {
    text = await readSettingsFile(file, 'mapping');
  } catch (error) {
    if (error instanceof CdbError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CdbError('MAPPING', `Cannot open the mapping file (${code === 'ENOENT' ? 'no such file' : (error as Error).message}).`, {
      context: { file },
      hint: 'Give an existing mapping with --mapping, or write one with "coredination-batch mapping init <spreadsheet>".',
    });
  }
  const { doc, lines } = parseSettings(text);
  const yaml = yamlProblems(doc, lines, true);
  if (yaml.errors.length) fail(file, yaml.errors.map((error) => ({ path: '(yaml)', ...error })));
  const raw = yamlData(doc, 'mapping', file);
  if (!isMap(doc.contents)) fail(file, [{ path: '(top)', message: 'expected a mapping with resource, columns, …' }]);
  const columns = doc.get('columns', true);
  if (columns !== undefined && !isSeq(columns)) fail(file, [{ path: 'columns', message: 'expected a list of columns (each starting with "- ")', line: lineOfPath(doc, lines, 'columns') }]);
  const loaded = await checkMapping(raw, file, (p) => lineOfPath(doc, lines, p));
  return { ...loaded, warnings: [...yaml.warnings.map((warning) => ({ path: '(yaml)', ...warning })), ...loaded.warnings] };
}
