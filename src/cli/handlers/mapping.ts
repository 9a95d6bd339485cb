import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CdbError } from '../../errors.js';
import { openForMapping } from '../../import/check-file.js';
import { bindHeader } from '../../mapping/bind-header.js';
import { matchHeaders, sampleRows, starterMapping } from '../../mapping/init-mapping.js';
import { DEFAULT_MAPPING, loadMapping, MAPPING_SCHEMA } from '../../mapping/load-mapping.js';
import type { CheckArgs, InitArgs } from '../command-args.js';
import { Output, type CliIo } from '../io.js';
import { mappingFrom, readOptionsFrom } from '../mapping-args.js';

/** `mapping init`: a starter mapping from a spreadsheet's header and first rows. */
export async function mappingInit(args: InitArgs, io: CliIo): Promise<number> {
  const out = new Output(io, args);
  const defaults = (await loadMapping(DEFAULT_MAPPING)).mapping;
  const sheet = await openForMapping(args.file, { ...defaults, sheet: undefined }, readOptionsFrom(args));
  const sample = await sampleRows(sheet.rows, sheet.header.length).finally(() => sheet.close());
  const target = args.out ?? path.join(path.dirname(args.file), `${path.basename(args.file, path.extname(args.file))}.mapping.yaml`);
  if (!args.force && (await access(target).then(() => true, () => false))) {
    throw new CdbError('USAGE', `${target} exists already.`, { hint: 'Pass --force to overwrite it, or --out to write elsewhere.' });
  }
  // The installed schema, relative to the mapping, so that an editor can load it offline.
  const schema = path.relative(path.dirname(path.resolve(target)), MAPPING_SCHEMA).split(path.sep).join('/');
  await writeFile(target, starterMapping(sheet.header, defaults, path.basename(args.file), schema.startsWith('.') ? schema : `./${schema}`, sample));
  const { columns: matches, key } = matchHeaders(sheet.header, defaults, sample);
  const matched = matches.filter((m) => m.spec);
  const joined = (m: (typeof matches)[number]) => matches.filter((p) => p.joinedInto === m.header).map((p) => p.header);
  const lines = matches.flatMap((m) => {
    if (m.joinedInto) return [];
    if (!m.spec) return [`  ? "${m.header}" (not matched${m.note ? `: ${m.note}` : ''}; completed by you, or left out)`];
    const from = [m.header, ...joined(m)].map((h) => `"${h}"`).join(' + ');
    const how = m.with ? ' (a date and a time of day, one instant)' : m.template ? ` (joined: ${m.template})` : m.map ? ' (check the map: the cells are words)' : '';
    return [`  ✓ ${from} → ${m.spec.field}${how}${m.header === key ? ' (the key)' : ''}`];
  });
  if (!matched.some((m) => m.spec?.field === 'title')) lines.push('  ! no column names a title: jobs would get none; the mapping says how to give them one (a column, or a template of several)');
  const used = matched.length + matches.filter((m) => m.joinedInto).length;
  out.result(
    `Wrote ${target}: ${used} of ${matches.length} columns matched.\n${lines.join('\n')}\nNext: check it with "coredination-batch mapping check ${target} ${args.file}".`,
    {
      file: target,
      key: key ?? null,
      matched: matched.map((m) => ({ column: m.header, field: m.spec?.field, ...(m.with ? { columns: [m.header, m.with] } : {}), ...(m.template ? { template: m.template, columns: [m.header, ...joined(m)] } : {}), ...(m.map ? { map: m.map } : {}) })),
      unmatched: matches.filter((m) => !m.spec && !m.joinedInto).map((m) => m.header),
    },
  );
  return 0;
}

/** `mapping check`: a mapping's problems, all at once, and how it fits a spreadsheet's header. */
export async function mappingCheck(args: CheckArgs, io: CliIo): Promise<number> {
  const out = new Output(io, args);
  const mapping = await mappingFrom({ mapping: args.mappingFile }, out);
  const lines = [`${mapping.source}: valid, ${mapping.columns.length} columns (locale ${mapping.locale}, time zone ${mapping.timezone}${mapping.key ? `, key "${mapping.key}"` : ''}).`];
  let fit: unknown;
  if (args.file) {
    const sheet = await openForMapping(args.file, mapping, readOptionsFrom(args));
    await sheet.close();
    const bound = bindHeader(mapping, sheet.header, { file: args.file, sheet: sheet.detected.sheet, row: sheet.headerRow });
    lines.push(`${args.file}: the header fits.`);
    for (const column of bound.columns) {
      const { spec } = column;
      const how = [spec.type, spec.required ? 'required' : '', spec.empty === 'clear' ? 'empty: clear' : '', spec.pad ? `pad ${spec.pad}` : '', spec.map ? `the words ${Object.keys(spec.map).join(', ')}` : ''].filter(Boolean).join(', ');
      if (spec.value !== undefined) lines.push(`  = ${spec.field} ← constant ${JSON.stringify(spec.value)}`);
      else if (column.several && spec.template !== undefined) lines.push(`  ✓ ${spec.field} ← template ${JSON.stringify(spec.template)} (${column.several.map((c) => `"${c.header}"`).join(', ')}${spec.empty === 'clear' ? '; empty: clear' : ''})`);
      else if (column.several) lines.push(`  ✓ ${spec.field} ← "${column.several[0]?.header}" + "${column.several[1]?.header}" (a date and a time of day, in ${mapping.timezone}${spec.required ? ', required' : ''}${spec.empty === 'clear' ? ', empty: clear' : ''})`);
      else if (column.index !== undefined) lines.push(`  ✓ ${spec.field} ← "${column.header}" (${how})`);
      else lines.push(`  - ${spec.field} ← ${spec.from ? spec.from.map((h) => `"${h}"`).join(' + ') : `"${spec.column}"`} not in the file (optional, left out)`);
    }
    if (bound.unmapped.length) lines.push(`  Columns the mapping does not use: ${bound.unmapped.map((h) => `"${h}"`).join(', ')}`);
    fit = {
      columns: bound.columns.map((c) => ({ field: c.spec.field, header: c.header ?? null, ...(c.several ? { headers: c.several.map((h) => h.header) } : {}) })),
      unmapped: bound.unmapped,
      missing: bound.missing,
    };
  }
  const templates = mapping.columns.filter((c) => c.template !== undefined).map((c) => c.field);
  if (templates.length) lines.push(`Note: ${templates.join(', ')} ${templates.length === 1 ? 'is' : 'are'} joined from columns by a template on import; an export leaves ${templates.length === 1 ? 'it' : 'them'} out, since joined text cannot be split back into its columns.`);
  out.result(lines.join('\n'), { valid: true, mapping: mapping.source, columns: mapping.columns.length, fit });
  return 0;
}
