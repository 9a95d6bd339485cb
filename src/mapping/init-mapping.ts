import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { cellText, type DateCell, type SheetRow } from '../readers/cell.js';
import { ADDRESS_PART_NAMES, HEADER_NAMES, looseHeader, PLACE_FALLBACK_NAMES } from './header-names.js';
import { flowList, proposeAddress, proposeDateAndTime } from './init-joined.js';
import type { ColumnSample, SheetSample, StarterColumn, StarterMatch } from './starter-types.js';
import type { ColumnSpec, Mapping } from './types.js';

const PLACE = 'destinations[0].location.placeName';

export type { ColumnSample, SheetSample, StarterColumn, StarterMatch } from './starter-types.js';

/** A column with at most this many distinct values is a set of choices (a priority, a state). */
const FEW_VALUES = 8;
const DATE_ONLY = /^(\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{4})$/;
const TIME_OF_DAY = /^\d{1,2}[:.]\d{2}([:.]\d{2})?$/;
const ORDER_NUMBER = /^(?=.*\d)[\p{L}\p{N}][\p{L}\p{N}\-/._]{0,29}$/u;

/** Reads up to `limit` rows and sums up each of `width` columns. */
export async function sampleRows(rows: AsyncIterable<SheetRow>, width: number, limit = 10000): Promise<SheetSample> {
  const seen = Array.from({ length: width }, () => new Set<string>());
  const columns: ColumnSample[] = Array.from({ length: width }, () => ({ filled: 0, unique: true, orderLike: true, values: [], dateOnly: true, timeOfDay: true }));
  let count = 0;
  for await (const row of rows) {
    if (++count > limit) {
      count = limit;
      break;
    }
    columns.forEach((column, i) => {
      const cell = row.cells[i] ?? null;
      const text = cellText(cell).trim();
      if (text === '') return;
      column.filled++;
      const set = seen[i] as Set<string>;
      if (set.has(text)) column.unique = false;
      else {
        set.add(text);
        if (column.values.length <= FEW_VALUES) column.values.push(text);
      }
      const isDate = typeof cell === 'object' && cell !== null && (cell.kind === 'date' || cell.kind === 'time');
      if (isDate || !ORDER_NUMBER.test(text)) column.orderLike = false;
      const kind = typeof cell === 'object' && cell !== null ? cell.kind : 'text';
      if (!(kind === 'date' ? (cell as DateCell).wall.endsWith('T00:00:00.000') : kind === 'text' && DATE_ONLY.test(text))) column.dateOnly = false;
      if (!(kind === 'time' || (kind === 'text' && TIME_OF_DAY.test(text)))) column.timeOfDay = false;
    });
  }
  return { rows: count, columns };
}

const HIGH = ['hög', 'high', 'høy', 'hoch', 'korkea', 'akut', 'brådskande', 'kiireellinen', 'dringend', 'urgent', 'ja', 'yes', 'kyllä', 'x'];
const MIDDLE = ['normal', 'medel', 'medium', 'mellan', 'middels', 'mellem', 'normaali', 'keskitaso', 'mittel'];
const LOW = ['låg', 'low', 'lav', 'niedrig', 'matala', 'nej', 'no', 'nei', 'ei', 'nein'];

/** Numbers for the words of a priority column: 1 for the most urgent when every word is known; else 1, 2, 3 … in the order they appear. */
function numberWords(values: string[]): Record<string, number> {
  const rank = (v: string) => [HIGH, MIDDLE, LOW].findIndex((words) => words.some((w) => looseHeader(w) === looseHeader(v)));
  const ranks = values.map(rank);
  const known = ranks.every((r) => r >= 0) && new Set(ranks).size === ranks.length;
  // In the order of their numbers: messages list the words so (expected one of Hög, Normal, Låg).
  return Object.fromEntries(values.map((v, i) => [v, known ? (ranks[i] as number) + 1 : i + 1] as const).sort((a, b) => a[1] - b[1]));
}

/**
 * Matches each header to the default mapping's columns by their names and aliases and by the
 * names ERP exports use in six languages ({@link HEADER_NAMES}), ignoring case, accents and
 * punctuation. With a sample of the rows, a text column of few values mapped to an integer field
 * gets a `map` to fill in, and a column of unique order numbers no header names becomes the reference.
 */
export function matchHeaders(header: string[], defaults: Mapping, sample?: SheetSample): StarterMatch {
  const specs = defaults.columns.filter((c) => c.column !== undefined);
  const names = new Map(specs.map((spec) => [spec, new Set([spec.column as string, ...spec.aliases, ...(HEADER_NAMES[spec.field] ?? [])].map(looseHeader))]));
  const filledBy = new Map<ColumnSpec, string>();
  const columns: StarterColumn[] = header.flatMap((h, index) => (h.trim() === '' ? [] : [{ header: h, index }]));
  for (const column of columns) {
    const key = looseHeader(column.header);
    const spec = specs.find((s) => !filledBy.has(s) && names.get(s)?.has(key));
    if (spec) {
      column.spec = spec;
      filledBy.set(spec, column.header);
      continue;
    }
    const other = specs.find((s) => names.get(s)?.has(key));
    if (other) column.note = `names ${other.field} too, which is read from "${filledBy.get(other)}"; one column per field`;
  }
  const place = specs.find((s) => s.field === PLACE);
  const fallbacks = new Set(PLACE_FALLBACK_NAMES.map(looseHeader));
  const parts = new Set(ADDRESS_PART_NAMES.map(looseHeader));
  for (const column of columns) {
    if (column.spec || column.note) continue;
    const key = looseHeader(column.header);
    if (place && !filledBy.has(place) && fallbacks.has(key)) {
      column.spec = place;
      filledBy.set(place, column.header);
    } else if (parts.has(key)) {
      column.note = filledBy.has(place as ColumnSpec)
        ? `part of the address, which is read from "${filledBy.get(place as ColumnSpec)}"; join the parts in the file to send them too`
        : 'part of an address: no job field takes it alone';
    }
  }
  proposeAddress(columns, place);
  proposeDateAndTime(columns, specs, names, sample);
  let key: StarterColumn | undefined;
  if (sample) {
    for (const column of columns) {
      const values = sample.columns[column.index];
      if (!column.spec || !values || column.spec.type !== 'integer' || column.spec.field === 'duration') continue;
      if (values.values.length > FEW_VALUES || values.values.every((v) => /^[-+]?\d+$/.test(v))) continue;
      column.map = numberWords(values.values);
    }
    const reference = specs.find((s) => s.field === 'referenceNo');
    key = keyColumn(columns, sample);
    if (key && !key.spec && reference && !filledBy.has(reference)) {
      key.spec = reference;
      key.note = undefined;
      filledBy.set(reference, key.header);
    }
  }
  return { columns, key: key?.header };
}

/** The column to suggest as key: unique order numbers on every row, the reference column first. */
function keyColumn(columns: StarterColumn[], sample: SheetSample): StarterColumn | undefined {
  if (sample.rows < 2) return undefined;
  const fits = columns.filter((c) => {
    const values = sample.columns[c.index];
    return values && values.filled === sample.rows && values.unique && values.orderLike && !c.joinedInto && (!c.spec || c.spec.field === 'referenceNo');
  });
  return fits.find((c) => c.spec?.field === 'referenceNo') ?? fits[0];
}

const PLAIN_KEY = /^\p{L}[\p{L}\p{N} ]*$/u;
const YAML_WORDS = /^(y|n|yes|no|on|off|true|false|null)$/i;

function specYaml(column: StarterColumn & { spec: ColumnSpec }, timezone: string): string {
  const { header, spec } = column;
  const entry: Record<string, unknown> = column.template ? { field: spec.field, template: column.template } : { column: header, field: spec.field };
  if (column.with) {
    // The date and the time of day: the column as a flow list, as a person writes it.
    const rest = stringify([{ field: spec.field, ...(spec.required ? { required: true } : {}) }]).trimEnd().replace(/^- /, '  ');
    return `- column: ${flowList([header, column.with])}   # the date from "${header}" and the time of day from "${column.with}" make one instant in ${timezone}
${rest}`;
  }
  if (column.template) {
    return `${stringify([entry]).trimEnd()}   # CHECK: the address joined from its columns; a blank part is left out with its separator`;
  }
  if (spec.type !== 'string' || spec.field === 'referenceNo') entry.type = spec.type;
  if (spec.format) entry.format = spec.format;
  if (spec.required) entry.required = true;
  if (spec.map && !column.map) entry.map = spec.map;
  if (spec.values) entry.values = spec.values;
  if (spec.join) entry.join = spec.join;
  let yaml = stringify([entry]).trimEnd();
  if (column.map) {
    const pairs = Object.entries(column.map).map(([text, n]) => `${PLAIN_KEY.test(text) && !YAML_WORDS.test(text) ? text : JSON.stringify(text)}: ${n}`);
    yaml += `\n  map: { ${pairs.join(', ')} }   # CHECK: the file has these words, not numbers; give each its priority (1 = most urgent)`;
  }
  return yaml;
}

/**
 * A starter mapping for a spreadsheet, as commented YAML: matched columns ready to use,
 * unmatched ones commented out for the user to complete. `schema` is where an editor finds
 * mapping.schema.json: a path relative to the mapping file. With a sample of the rows, it
 * suggests a key and writes `map:` skeletons.
 */
export function starterMapping(header: string[], defaults: Mapping, source: string, schema: string, sample?: SheetSample): string {
  const { columns, key } = matchHeaders(header, defaults, sample);
  const reference = columns.find((c) => c.spec?.field === 'referenceNo')?.header ?? 'Reference no';
  const lines = [
    `# yaml-language-server: $schema=${schema}`,
    `# Starter mapping written by "coredination-batch mapping init" from ${source}.`,
    '# Check the matches, complete the commented columns (or delete them), then run',
    '# "coredination-batch mapping check <this file> <spreadsheet>".',
    '',
    'resource: job',
    `locale: ${defaults.locale}`,
    `timezone: ${defaults.timezone}`,
    'headerRow: 1',
    key
      ? `key: ${stringify(key).trimEnd()}   # unique on each of the ${sample?.rows} rows, like order numbers: a re-run updates these jobs instead of duplicating them`
      : `# key: ${reference}   # the column that identifies a row (an order number): matched against the account by its field`,
    `namespace: ${randomUUID()}   # this mapping's own: the uuids of jobs a keyed import creates; keep it`,
    '',
    'columns:',
  ];
  if (!columns.some((c) => c.spec?.field === 'title')) {
    const from = columns.find((c) => c.spec?.field === 'description') ?? columns.find((c) => c.spec?.field === 'customerName');
    lines.push(
      '  # No column names a title, and a job without one shows none in Coredination: map one,',
      '  # or join columns into it (a blank part is left out), e.g.:',
      '  # - field: title',
      `  #   template: ${JSON.stringify(`{${from?.header ?? 'Column'}}`)}`,
    );
  }
  for (const column of columns) {
    if (column.joinedInto) continue; // written with the column it is joined into
    if (column.spec) lines.push(specYaml(column as StarterColumn & { spec: ColumnSpec }, defaults.timezone).replace(/^/gm, '  '));
    else lines.push(`  # - column: ${JSON.stringify(column.header)}`, `  #   field: ?              # ${column.note ?? 'no job field matched this header'}`);
  }
  if (!columns.some((c) => c.spec)) lines.push('  []  # nothing matched: map at least one column');
  return `${lines.join('\n')}\n`;
}
