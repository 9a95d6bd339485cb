import { createRequire } from 'node:module';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
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
    throw new Error(`The ${name} schema's validator ${file} is missing: run "npm run build" first (${(error as Error).message.split('\n')[0]}).`);
  }
}
