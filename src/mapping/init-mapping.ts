import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { findColumn } from './bind-header.js';
import type { ColumnSpec, Mapping } from './types.js';

/** One column of the starter mapping: matched to a field, or left for the user. */
export interface StarterColumn {
  header: string;
  spec?: ColumnSpec;
}

/** Matches each header to the default mapping's columns by name and aliases (English and Swedish). */
export function matchHeaders(header: string[], defaults: Mapping): StarterColumn[] {
  const taken = new Set<ColumnSpec>();
  return header
    .filter((h) => h.trim() !== '')
    .map((h) => {
      const spec = defaults.columns.find((c) => c.column && !taken.has(c) && findColumn([h], [c.column, ...c.aliases]) === 0);
      if (spec) taken.add(spec);
      return { header: h, spec };
    });
}

function specYaml(header: string, spec: ColumnSpec): string {
  const entry: Record<string, unknown> = { column: header, field: spec.field };
  if (spec.type !== 'string' || spec.field === 'referenceNo') entry.type = spec.type;
  if (spec.format) entry.format = spec.format;
  if (spec.required) entry.required = true;
  if (spec.map) entry.map = spec.map;
  if (spec.values) entry.values = spec.values;
  return stringify([entry]).trimEnd();
}

/**
 * A starter mapping for a spreadsheet, as commented YAML: matched columns ready to use,
 * unmatched ones commented out for the user to complete. `schema` is where an editor finds
 * mapping.schema.json: a path relative to the mapping file.
 */
export function starterMapping(header: string[], defaults: Mapping, source: string, schema: string): string {
  const columns = matchHeaders(header, defaults);
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
    `# key: ${columns.find((c) => c.spec?.field === 'referenceNo')?.header ?? 'Reference no'}   # the column that identifies a row (an order number): matched against the account by its field`,
    `namespace: ${randomUUID()}   # this mapping's own: the uuids of jobs a keyed import creates; keep it`,
    '',
    'columns:',
  ];
  for (const { header: h, spec } of columns) {
    if (spec) lines.push(specYaml(h, spec).replace(/^/gm, '  '));
    else lines.push(`  # - column: ${JSON.stringify(h)}`, '  #   field: ?              # no job field matched this header');
  }
  if (!columns.some((c) => c.spec)) lines.push('  []  # nothing matched: map at least one column');
  return `${lines.join('\n')}\n`;
}
