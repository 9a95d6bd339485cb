import { CdbError, type ErrorContext } from '../errors.js';
import { parseFieldPath } from './field-path.js';
import type { ColumnSpec, Mapping } from './types.js';

/** A mapping column tied to its position in the sheet's header. */
export interface BoundColumn {
  spec: ColumnSpec;
  /** Where the column is in the row; undefined for a constant or a column the file lacks. */
  index?: number;
  /** The header as the file spells it. */
  header?: string;
  parts: (string | number)[];
  /** A field read from several columns (`spec.from`): each of them in the file, in that order. */
  several?: { index: number; header: string }[];
}

/** A mapping applied to one file's header. */
export interface BoundMapping {
  mapping: Mapping;
  columns: BoundColumn[];
  /** Where the key column is, when the mapping has a key. */
  keyIndex?: number;
  header: string[];
  /** Headers no column uses. */
  unmapped: string[];
  /** Optional columns the file lacks. */
  missing: string[];
  /**
   * The file's columns that hold a field Coredination sets (state, id, modified, …), as the file
   * spells them: read, never sent. An exported file imported again has them; {@link readOnlyWarning}
   * says so once.
   */
  readOnlyColumns: string[];
}

/** The one warning for the columns of `readOnlyColumns`, or undefined when there are none. */
export function readOnlyWarning(columns: readonly string[]): string | undefined {
  if (!columns.length) return undefined;
  const one = columns.length === 1;
  return `${columns.join(', ')} ${one ? 'is' : 'are'} set by Coredination and ${one ? 'is' : 'are'} not sent: a change there does not reach the job.`;
}

/** Header text compared ignoring case and surrounding or repeated spaces. */
export function normaliseHeader(text: string): string {
  return text.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');
}

/** The same, ignoring accents too (Plats ~ Plåts): used only where it is unambiguous. */
export function foldHeader(text: string): string {
  return normaliseHeader(text).normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * Finds a column's position by its name and aliases: an exact (case- and space-insensitive) match
 * first, else a match ignoring accents when exactly one header fits. Returns the index, 'ambiguous'
 * or undefined.
 */
export function findColumn(header: readonly string[], names: readonly string[]): number | 'ambiguous' | undefined {
  const normal = header.map(normaliseHeader);
  for (const name of names) {
    const hits = normal.flatMap((h, i) => (h === normaliseHeader(name) ? [i] : []));
    if (hits.length > 1) return 'ambiguous';
    if (hits.length === 1) return hits[0];
  }
  const folded = header.map(foldHeader);
  const hits = new Set(names.flatMap((name) => folded.flatMap((h, i) => (h === foldHeader(name) ? [i] : []))));
  if (hits.size === 1) return [...hits][0];
  return hits.size > 1 ? 'ambiguous' : undefined;
}

/**
 * Finds each of the columns a field is read from. All of them missing is an optional field's
 * absence ('missing'); some of them missing, a required one missing or a name that fits several
 * headers is a problem (pushed), since the field cannot be made from the rest.
 */
function bindSeveral(spec: ColumnSpec, names: readonly string[], header: readonly string[], problems: string[]): { index: number; header: string }[] | 'missing' | 'problem' {
  const found = names.map((name) => findColumn(header, [name]));
  const role = spec.template !== undefined ? 'in its template' : 'a date column and a time column';
  const absent = names.filter((_, i) => found[i] === undefined);
  for (const [i, name] of names.entries()) {
    if (found[i] === 'ambiguous') problems.push(`column "${name}" (for ${spec.field}, ${role}) matches more than one header; rename the duplicate headers`);
  }
  if (absent.length === names.length && !spec.required) return 'missing';
  if (absent.length) {
    problems.push(`${absent.length === 1 ? 'column' : 'columns'} ${absent.map((n) => `"${n}"`).join(', ')} (for ${spec.field}, ${role}: ${names.map((n) => `"${n}"`).join(' + ')}) ${absent.length === 1 ? 'is' : 'are'} missing`);
    return 'problem';
  }
  if (found.includes('ambiguous')) return 'problem';
  return found.map((index) => ({ index: index as number, header: header[index as number] as string }));
}

/**
 * Ties a mapping to a header. Every header problem (a required column missing, a header used
 * twice, an ambiguous match, the key column missing) is reported at once, before any row is read.
 */
export function bindHeader(mapping: Mapping, header: string[], where: ErrorContext): BoundMapping {
  const problems: string[] = [];
  const missing: string[] = [];
  const used = new Set<number>();
  const columns: BoundColumn[] = mapping.columns.map((spec) => {
    const parts = parseFieldPath(spec.field) ?? [spec.field];
    if (spec.from) {
      const several = bindSeveral(spec, spec.from, header, problems);
      if (several === 'missing') missing.push(spec.from.join(' + '));
      if (typeof several !== 'object') return { spec, parts };
      for (const { index } of several) used.add(index);
      return { spec, parts, several };
    }
    if (spec.column === undefined) return { spec, parts };
    const names = [spec.column, ...spec.aliases];
    const found = findColumn(header, names);
    if (found === 'ambiguous') {
      problems.push(`column "${spec.column}" (for ${spec.field}) matches more than one header; rename the duplicate headers or list the exact one`);
      return { spec, parts };
    }
    if (found === undefined) {
      if (spec.required) problems.push(`required column "${spec.column}" (for ${spec.field}) is missing${spec.aliases.length ? ` (also looked for ${spec.aliases.map((a) => `"${a}"`).join(', ')})` : ''}`);
      else missing.push(spec.column);
      return { spec, parts };
    }
    used.add(found);
    return { spec, parts, index: found, header: header[found] };
  });

  let keyIndex: number | undefined;
  if (mapping.key) {
    const keySpec = mapping.columns.find((c) => c.column && normaliseHeader(c.column) === normaliseHeader(mapping.key as string));
    const found = findColumn(header, [mapping.key, ...(keySpec?.aliases ?? [])]);
    if (found === undefined) problems.push(`key column "${mapping.key}" is missing`);
    else if (found === 'ambiguous') problems.push(`key column "${mapping.key}" matches more than one header`);
    else keyIndex = found;
  }
  if (problems.length) {
    const found = header.filter(Boolean).map((h) => `"${h}"`).join(', ');
    throw new CdbError('INPUT', `The header does not fit the mapping ${mapping.source}:\n${problems.map((p) => `  ${p}`).join('\n')}\nThe header row has: ${found || 'nothing'}.`, {
      context: where,
      hint: 'Rename the columns in the file, or add the file\'s names as aliases in the mapping ("coredination-batch mapping check <mapping> <file>" shows the match).',
    });
  }
  const unmapped = header.filter((h, i) => h !== '' && !used.has(i) && i !== keyIndex);
  // The key column is read to match rows, whatever its field: not named as left unsent.
  const readOnlyColumns = columns.flatMap((c) => (c.spec.readOnly && c.index !== undefined && c.index !== keyIndex && c.header ? [c.header] : []));
  return { mapping, columns, keyIndex, header, unmapped, missing, readOnlyColumns };
}
