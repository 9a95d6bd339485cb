/** A value that says something: not absent, null, '', [] or {}. */
export function hasValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** How a job is named in a line: its id, else its uuid. */
export function jobName(job: { id?: unknown; uuid?: unknown }): string {
  return typeof job.id === 'number' || typeof job.id === 'string' ? String(job.id) : String(job.uuid);
}

/** A uuid in a line, shortened: "1ec183cb…". */
export function shortUuid(uuid: string): string {
  return `${uuid.slice(0, 8)}…`;
}
