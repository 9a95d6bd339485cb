import type { FieldType } from './types.js';

/**
 * Job attributes a mapping may name, with their natural type. Paths with `[n]` take any index;
 * `customFields.*` takes any name. A field outside this list is warned about, not refused.
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

/** Fields the server sets: an import never sends them; an export may show them. */
export const SERVER_FIELDS: Record<string, FieldType> = { id: 'integer', state: 'string', reported: 'boolean', created: 'datetime', modified: 'datetime' };

/** The JOB_FIELDS entry a path falls under, if any. */
export function knownField(path: string): string | undefined {
  const generic = path.replace(/\[\d*\]/g, '[n]');
  if (generic in JOB_FIELDS) return generic;
  if (/^customFields\.[^.[\]]+$/.test(path)) return 'customFields.*';
  return undefined;
}

/** The natural type of a job field, or undefined for unknown fields. */
export function naturalType(path: string): FieldType | undefined {
  const known = knownField(path);
  return known ? JOB_FIELDS[known] : SERVER_FIELDS[path];
}
