import type { Document } from 'yaml';
import { CdbError } from '../errors.js';

/**
 * A parsed YAML document as plain data. The yaml package refuses aliases that expand too far (a
 * "billion laughs" file, whose few lines would become gigabytes): that is a problem of the file,
 * reported as such, not a crash.
 */
export function yamlData(doc: Document, what: 'mapping' | 'schedule', file: string): unknown {
  try {
    return doc.toJS();
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new CdbError('MAPPING', `The ${what} file uses YAML aliases (*name) that expand too far: it would grow without bound, so it is not read.`, {
        context: { file },
        hint: `Write the ${what} out without nested aliases (each alias may be used a few times), then run it again.`,
      });
    }
    throw error;
  }
}
