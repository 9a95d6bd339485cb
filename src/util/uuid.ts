/** A UUID in its canonical text form (8-4-4-4-12 hex digits, any version), as the API and exports write them. */
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID such as an exported job's `UUID` column holds (surrounding spaces allowed). */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value.trim());
}
