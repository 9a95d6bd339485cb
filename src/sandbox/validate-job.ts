import { DATE_ONLY_PATTERN, READ_ONLY_FIELDS } from '../api/assumptions.js';

const STRING_FIELDS = ['title', 'description', 'referenceNo', 'customerName'];
const ARRAY_FIELDS = ['resources', 'destinations', 'items', 'events', 'documents'];
import { isUuid } from '../util/uuid.js';

function isTime(value: unknown): boolean {
  return (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && DATE_ONLY_PATTERN.test(value));
}

/**
 * [assumed] The sandbox's validation of a job body, as a 406 message naming the attribute, or
 * undefined when the body is acceptable.
 */
export function validateJobBody(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'Body must be a JSON object';
  const job = body as Record<string, unknown>;
  for (const field of READ_ONLY_FIELDS) {
    if (field in job) return `Attribute ${field} is set by the server and cannot be sent`;
  }
  for (const field of STRING_FIELDS) {
    if (job[field] !== undefined && job[field] !== null && typeof job[field] !== 'string') return `Attribute ${field} must be a string`;
  }
  for (const field of ARRAY_FIELDS) {
    if (job[field] !== undefined && job[field] !== null && !Array.isArray(job[field])) return `Attribute ${field} must be an array`;
  }
  if (job.uuid !== undefined && (typeof job.uuid !== 'string' || !isUuid(job.uuid))) return 'Attribute uuid must be a UUID';
  if (job.allDay !== undefined && typeof job.allDay !== 'boolean') return 'Attribute allDay must be a boolean';
  if (job.startTime !== undefined && job.startTime !== null && !isTime(job.startTime)) {
    return 'Attribute startTime must be a timestamp in milliseconds or a yyyy-MM-dd date';
  }
  if (job.endTime !== undefined && job.endTime !== null && !isTime(job.endTime)) {
    return 'Attribute endTime must be a timestamp in milliseconds or a yyyy-MM-dd date';
  }
  if (job.duration !== undefined && job.duration !== null && (typeof job.duration !== 'number' || !(job.duration >= 0))) {
    return 'Attribute duration must be a number of minutes, zero or more';
  }
  if (job.priority !== undefined && job.priority !== null && (typeof job.priority !== 'number' || !Number.isFinite(job.priority))) {
    return 'Attribute priority must be a number';
  }
  const custom = job.customFields;
  if (custom !== undefined && custom !== null && typeof custom !== 'object') return 'Attribute customFields must be an object or an array';
  return undefined;
}
