import { createRequire } from 'node:module';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import type { Document, LineCounter } from 'yaml';
import { PACKAGE_ROOT } from '../tool-version.js';

/** A JSON Schema validation function, with ajv's errors after a failed call. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const require = createRequire(import.meta.url);

/**
 * The validator of templates/<name>.schema.json, compiled to code by the build
 * (scripts/compile-schemas.mjs, run by `npm run build`), so no schema is compiled at run time.
 */
export function schemaValidator(name: 'mapping' | 'schedule'): SchemaValidator {
  const file = path.join(PACKAGE_ROOT, 'dist', 'src', 'schemas', `${name}.validate.cjs`);
  try {
    return require(file) as SchemaValidator;
  } catch (error) {
    throw new Error(`The ${name} schema's validator ${file} is missing: run "npm run build" first (${(error as Error).message.split('\n')[0]}).`, { cause: error });
  }
}

/** "The mapping x.yaml has 2 problems:" and the problems, one per indented line. */
export function problemsText(subject: string, problems: readonly string[]): string {
  return `${subject} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.map((p) => `  ${p}`).join('\n')}`;
}

/** A problem the schema found: where (a path like `columns[3].type`) and what, in plain words. */
export interface SchemaProblem {
  path: string;
  message: string;
}

/** A JSON pointer (`/columns/3/type`) as a path (`columns[3].type`). */
function toPath(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/**
 * Ajv's errors as one problem each: an unknown setting is named in its path, allowed values are
 * listed. `explain` words the schema's own alternatives (oneOf, not); a path's alternatives are
 * reported once.
 */
export function schemaProblems(errors: readonly ErrorObject[], explain: (path: string) => string = () => 'is not one of the allowed forms'): SchemaProblem[] {
  const out = new Map<string, SchemaProblem>();
  for (const error of errors) {
    const at = toPath(error.instancePath) || '(top)';
    let message: string;
    switch (error.keyword) {
      case 'additionalProperties': {
        const name = (error.params as { additionalProperty: string }).additionalProperty;
        const path = at === '(top)' ? name : `${at}.${name}`;
        out.set(`${path}:unknown`, { path, message: 'is not a known setting' });
        continue;
      }
      case 'enum':
        message = `expected one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      case 'required':
        message = `needs "${(error.params as { missingProperty: string }).missingProperty}"`;
        break;
      case 'const':
        message = `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
        break;
      case 'oneOf':
      case 'not':
        message = explain(at);
        break;
      case 'minItems': {
        const least = (error.params as { limit: number }).limit;
        message = least === 1 ? 'is empty: list at least one' : `lists too few: at least ${least}`;
        break;
      }
      default:
        message = error.message ?? 'is not valid';
    }
    const key = `${at}:${error.keyword === 'not' ? 'oneOf' : error.keyword}:${error.keyword === 'required' ? message : ''}`;
    if (!out.has(key)) out.set(key, { path: at, message });
  }
  return [...out.values()];
}

/** The line of a YAML document where the value at these keys starts. */
export function lineOfKeys(doc: Document, lines: LineCounter, keys: readonly (string | number)[]): number | undefined {
  const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
  const offset = node?.range?.[0];
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/** The line of a YAML document where the value at a path (`exports[1].cron`) starts. */
export function lineOfPath(doc: Document, lines: LineCounter, path: string): number | undefined {
  return lineOfKeys(doc, lines, (path.match(/[^.[\]]+/g) ?? []).map((k) => (/^\d+$/.test(k) ? Number(k) : k)));
}
