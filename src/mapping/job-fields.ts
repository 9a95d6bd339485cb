import { editDistance } from '../util/edit-distance.js';
import type { FieldType } from './types.js';

/**
 * Job attributes a mapping may name, with their natural type. Paths with `[n]` take any index;
 * `customFields.*` takes any name. A field outside this list is refused unless its column says
 * `passthrough: true` (an attribute the API has and this list lacks).
 */
export const JOB_FIELDS: Record<string, FieldType> = {
  uuid: 'string',
  title: 'string',
  description: 'string',
  referenceNo: 'string',
  priority: 'integer',
  allDay: 'boolean',
  startTime: 'datetime',
  endTime: 'datetime',
  duration: 'integer',
  customerName: 'string',
  'destinations[n].location.placeName': 'string',
  'destinations[n].location.latitude': 'number',
  'destinations[n].location.longitude': 'number',
  'destinations[n].name': 'string',
  'resources[n].name': 'string',
  'resources[n].state': 'string',
  'customFields.*': 'string',
};

/**
 * Lists whose elements a field names: clearing that field (`empty: clear`) removes the element,
 * since a resource with no name is nobody. Clearing any other field of an element clears that
 * field alone (a stop keeps its coordinates when its placeName is cleared).
 */
export const ELEMENT_NAMED_BY: Readonly<Record<string, string>> = { resources: 'name' };

/** Fields the server sets: an import never sends them; an export may show them. */
export const SERVER_FIELDS: Record<string, FieldType> = { id: 'integer', state: 'string', reported: 'boolean', created: 'datetime', modified: 'datetime' };

/** The JOB_FIELDS entry a path falls under, if any. */
export function knownField(path: string): string | undefined {
  const generic = path.replace(/\[\d*\]/g, '[n]');
  if (Object.hasOwn(JOB_FIELDS, generic)) return generic;
  if (/^customFields\.[^.[\]]+$/.test(path)) return 'customFields.*';
  return undefined;
}

/** The natural type of a job field, or undefined for unknown fields. */
export function naturalType(path: string): FieldType | undefined {
  const known = knownField(path);
  return known ? JOB_FIELDS[known] : Object.hasOwn(SERVER_FIELDS, path) ? SERVER_FIELDS[path] : undefined;
}

/** The fields a mapping can name, as a user writes them (for messages). */
export function fieldNames(): string[] {
  return [...Object.keys(JOB_FIELDS), ...Object.keys(SERVER_FIELDS)].map((field) => field.replace(/\[n\]/g, '[0]').replace('.*', '.<name>'));
}

/**
 * The known field an unknown path most likely misspells (`custmerName` → `customerName`), with the
 * path's own indices kept; undefined when none is close. Case is ignored.
 */
export function closestField(path: string): string | undefined {
  const indices = path.match(/\[\d*\]/g) ?? [];
  const generic = path.replace(/\[\d*\]/g, '[n]').toLowerCase();
  const candidates = [...Object.keys(JOB_FIELDS).filter((field) => field !== 'customFields.*'), ...Object.keys(SERVER_FIELDS)];
  const dot = path.indexOf('.');
  // `customfields.avtal`, `costumFields.avtal`: the custom field's name stays as written.
  if (dot > 0) candidates.push(`customFields${path.slice(dot)}`);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(generic, candidate.toLowerCase());
    const limit = Math.max(1, Math.min(3, Math.floor(candidate.length / 4)));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  let next = 0;
  return best?.replace(/\[n\]/g, () => indices[next++] ?? '[0]');
}
