import { v5 as uuidv5, validate } from 'uuid';

/** The fixed namespace of coredination-batch's derived job uuids (UUID v5). Never change it. */
export const KEY_NAMESPACE = '6f1c9a52-3b7e-5d48-9a0e-2c4b8d1f7e63';

/**
 * The job uuid for a key value: the value itself when it is a uuid (an exported job's own uuid),
 * else a UUID v5 of it, so that the same key always lands on the same job.
 */
export function uuidForKey(key: string): string {
  const value = key.trim();
  if (validate(value)) return value.toLowerCase();
  return uuidv5(value, KEY_NAMESPACE);
}
