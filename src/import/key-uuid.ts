import { createHash } from 'node:crypto';
import { isUuid } from '../util/uuid.js';

/**
 * The namespace of the first scheme, in which a key named the same job in every account and
 * every mapping. Kept as the root from which each account's and mapping's own namespace is made.
 */
export const KEY_NAMESPACE = '6f1c9a52-3b7e-5d48-9a0e-2c4b8d1f7e63';


/** RFC 9562 UUID version 5: SHA-1 of namespace and name, with the version and variant bits set. */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The namespace of a keyed import's new jobs: the mapping's own (`namespace:`, written by
 * `mapping init`), else one made from the account and the key field. Two accounts, or two
 * mappings keyed on different fields, never name the same job with the same key value.
 */
export function keyNamespace(account: string, keyField: string, mappingNamespace?: string): string {
  if (mappingNamespace) return mappingNamespace.toLowerCase();
  return uuidV5(`${account}\0${keyField}`, KEY_NAMESPACE);
}

/**
 * The job uuid for a key value: the value itself when it is a uuid (an exported job's own uuid),
 * else a UUID v5 of it in the namespace, so that the same key always lands on the same job.
 */
export function uuidForKey(key: string, namespace = KEY_NAMESPACE): string {
  const value = key.trim();
  return isUuid(value) ? value.toLowerCase() : uuidV5(value, namespace);
}
