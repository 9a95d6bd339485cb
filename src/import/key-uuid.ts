import { createHash } from 'node:crypto';

/** The fixed namespace of coredination-batch's derived job uuids (UUID v5). Never change it. */
export const KEY_NAMESPACE = '6f1c9a52-3b7e-5d48-9a0e-2c4b8d1f7e63';

const NAMESPACE_BYTES = Buffer.from(KEY_NAMESPACE.replace(/-/g, ''), 'hex');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** RFC 9562 UUID version 5: SHA-1 of namespace and name, with the version and variant bits set. */
function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE_BYTES).update(name, 'utf8').digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The job uuid for a key value: the value itself when it is a uuid (an exported job's own uuid),
 * else a UUID v5 of it, so that the same key always lands on the same job.
 */
export function uuidForKey(key: string): string {
  const value = key.trim();
  return UUID.test(value) ? value.toLowerCase() : uuidV5(value);
}
