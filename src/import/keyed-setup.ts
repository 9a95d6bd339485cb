import { LIST_OMITTED_FIELDS } from '../api/assumptions.js';
import type { CoredinationClient } from '../api/client.js';
import { CdbError } from '../errors.js';
import type { BoundMapping } from '../mapping/bind-header.js';
import { EACH } from '../mapping/field-path.js';
import type { Mapping } from '../mapping/types.js';
import type { Reporter } from '../reporter.js';
import { AccountIndex } from './account-index.js';
import { keyNamespace } from './key-uuid.js';
import { KeyedPlanner, type OnlyChoice } from './keyed-planner.js';

/**
 * A keyed import's planner: the key column's field checked (it must be one the account's job list
 * holds), then the account read, only the key and the attributes the mapping sends kept.
 */
export async function keyedPlanner(options: {
  client: CoredinationClient;
  mapping: Mapping;
  bound: BoundMapping;
  account: string;
  only?: OnlyChoice;
  reporter: Reporter;
  signal?: AbortSignal;
}): Promise<KeyedPlanner> {
  const { mapping, bound, client } = options;
  const keyColumn = bound.keyIndex === undefined ? undefined : bound.columns.find((c) => c.index === bound.keyIndex && !c.spec.readOnly);
  const keyField = keyColumn?.spec.field;
  if (!keyColumn || !keyField) {
    throw new CdbError('MAPPING', `The key column "${mapping.key}" is not mapped to a job field, so rows cannot be matched against the account.`, {
      hint: `Add it to columns with the field that holds it in Coredination (e.g. - column: ${mapping.key}, field: referenceNo).`,
    });
  }
  if ((LIST_OMITTED_FIELDS as readonly string[]).includes(String(keyColumn.parts[0]))) {
    throw new CdbError('MAPPING', `The key column "${mapping.key}" is mapped to ${keyField}, which the API's job list leaves out, so rows cannot be matched against the account by it.`, {
      hint: 'Key on a field the list has, such as referenceNo (or the exported UUID column).',
    });
  }
  const sent = bound.columns.filter((c) => !c.spec.readOnly);
  const attributes = [...new Set(sent.map((c) => String(c.parts[0])))];
  options.reporter.info(`Reading the account's jobs, to match rows by ${keyField}…`);
  const index = await AccountIndex.load(client, keyField, attributes, options.reporter, { signal: options.signal });
  return new KeyedPlanner({
    client,
    index,
    keyField,
    keyParts: keyColumn.parts,
    namespace: keyNamespace(options.account, keyField, mapping.namespace),
    // Lists a column fills whole (resources[].name): the file's list is the list.
    wholeLists: new Set(sent.filter((c) => c.parts.includes(EACH)).map((c) => String(c.parts[0]))),
    timezone: mapping.timezone,
    only: options.only,
    signal: options.signal,
  });
}
