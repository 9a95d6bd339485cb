import type { Job } from '../api/types.js';
import { EACH, getPath, setPath } from '../mapping/field-path.js';
import { ELEMENT_NAMED_BY } from '../mapping/job-fields.js';
import type { EmptyField } from '../mapping/map-row.js';
import { describeValue, type ValueContext } from './job-diff.js';

/** A field a keyed update leaves as the job has it because the file's cell was empty (`empty: keep`). */
export interface KeptField {
  /** The column as the file spells it. */
  column: string;
  field: string;
  /** What the job holds there. */
  value: unknown;
}

/**
 * The payload a keyed update compares and sends: the row's values, and the fields its `empty:
 * clear` columns clear. A scalar is cleared to null; the name of a resource (`resources[0].name`)
 * removes that resource, since a resource with no name is nobody; a whole list (`resources[].name`)
 * becomes empty. A create has nothing to clear: it sends the row's values alone.
 */
export function withClears(job: Job, empty: readonly EmptyField[] | undefined): Job {
  const clears = empty?.filter((e) => e.clear);
  if (!clears?.length) return job;
  const payload = structuredClone(job);
  for (const { parts } of clears) {
    const each = parts.indexOf(EACH);
    if (each !== -1) setPath(payload, parts.slice(0, each), []);
    else if (parts.length === 3 && typeof parts[1] === 'number' && Object.hasOwn(ELEMENT_NAMED_BY, String(parts[0])) && parts[2] === ELEMENT_NAMED_BY[String(parts[0])]) setPath(payload, parts.slice(0, 2), null);
    else setPath(payload, parts, null);
  }
  return payload;
}

const holds = (value: unknown) => value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);

/** The fields a row leaves as the job has them because its cells are empty (`empty: keep`), where the job has a value. */
export function keptFields(empty: readonly EmptyField[] | undefined, current: Job): KeptField[] | undefined {
  let kept: KeptField[] | undefined;
  for (const e of empty ?? []) {
    if (e.clear) continue;
    const value = getPath(current, e.parts);
    if (holds(value)) (kept ??= []).push({ column: e.column, field: e.field, value });
  }
  return kept;
}

/** `Tekniker empty in the file: kept "Anna Berg"`, for each kept field. */
export function keptText(kept: readonly KeptField[], mapping?: ValueContext): string {
  return kept
    .map(({ column, field, value }) => {
      const spec = mapping?.columns?.find((c) => c.field === field);
      const shown = Array.isArray(value) ? JSON.stringify(value.map(String).join(spec?.join ?? '; ')) : describeValue(field, value, mapping);
      return `${column} empty in the file: kept ${/^["0-9-]/.test(shown) ? shown : JSON.stringify(shown)}`;
    })
    .join('; ');
}
