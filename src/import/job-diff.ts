import { naturalType } from '../mapping/job-fields.js';
import type { ColumnSpec } from '../mapping/types.js';
import { epochToWall, formatWall } from '../time/zone-time.js';
import type { Job } from '../api/types.js';

/** One field that an update changes: its path, and the values before and after. */
export interface FieldChange {
  path: string;
  from: unknown;
  to: unknown;
}

/** What an update of one job sends and what it changes. */
export interface JobDiff {
  changes: FieldChange[];
  /** The top-level attributes the update touches, each as it will be after the update. */
  body: Job;
  /** Those attributes as they were (null where absent): what `undo` puts back. */
  before: Record<string, unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Values are the same when they are the same typed value: `0050` is not `50`, 5 is not "5". */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!sameValue(a[key], b[key])) return false;
    return true;
  }
  return false;
}

/**
 * The leaves of a payload that differ from the job, as display paths
 * (`destinations[0].location.placeName`). A list is compared at the places the payload names
 * (`destinations[0]` says nothing of a second stop), unless it is a whole list (`resources[].name`).
 */
function collect(payload: unknown, current: unknown, path: string, out: FieldChange[], whole: boolean): void {
  if (Array.isArray(payload)) {
    const list = Array.isArray(current) ? current : [];
    if (whole) {
      if (!sameValue(payload, list.map((element, i) => pickLike(payload[i], element)))) out.push({ path, from: list.length ? list : null, to: payload });
      return;
    }
    payload.forEach((value, i) => {
      // A null element is one to remove (a resource whose name the file clears).
      if (value === null) {
        if (list[i] !== undefined && list[i] !== null) out.push({ path: `${path}[${i}]`, from: list[i], to: null });
      } else collect(value, list[i], `${path}[${i}]`, out, false);
    });
    return;
  }
  if (isObject(payload)) {
    const object = isObject(current) ? current : {};
    for (const [key, value] of Object.entries(payload)) collect(value, object[key], path ? `${path}.${key}` : key, out, whole);
    return;
  }
  if (!sameValue(payload, current)) out.push({ path, from: current ?? null, to: payload });
}

/** An element of the job reduced to the attributes the payload's element has (to compare whole lists). */
function pickLike(shape: unknown, element: unknown): unknown {
  if (!isObject(shape) || !isObject(element)) return element;
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) picked[key] = pickLike(shape[key], element[key]);
  return picked;
}

/** The payload's values laid over the job's: objects merged, a list kept beyond what the payload names. */
function overlay(payload: unknown, current: unknown): unknown {
  if (Array.isArray(payload)) {
    const list: unknown[] = Array.isArray(current) ? [...(current as unknown[])] : [];
    let removed: Set<number> | undefined;
    payload.forEach((value, i) => {
      if (value === null) (removed ??= new Set()).add(i);
      else list[i] = overlay(value, list[i]);
    });
    const gone = removed;
    return gone ? list.filter((_, i) => !gone.has(i)) : list;
  }
  if (isObject(payload)) {
    const merged: Record<string, unknown> = isObject(current) ? { ...current } : {};
    for (const [key, value] of Object.entries(payload)) merged[key] = overlay(value, merged[key]);
    return merged;
  }
  return payload;
}

/**
 * An all-day job's start and end are dates (map-row.ts sends them so): the file's date is the
 * job's when the job's own start or end falls on it in the mapping's zone, whatever time of day
 * the job holds (one set by another program, or by a mapping without the all-day column).
 */
function sameAllDayDate(attribute: string, value: unknown, payload: Job, current: Job, timezone: string): boolean {
  if (attribute !== 'startTime' && attribute !== 'endTime') return false;
  if ((payload.allDay ?? current.allDay) !== true) return false;
  const held = current[attribute];
  return typeof value === 'string' && typeof held === 'number' && formatWall(epochToWall(held, timezone), 'date') === value;
}

/**
 * Compares a row's payload with the job on the server: the fields the file would change, and
 * an update body that changes only those (whole top-level attributes, since that is what a
 * partial PUT replaces, each merged with what the job already holds there).
 */
export function diffJob(payload: Job, current: Job, wholeLists: ReadonlySet<string> = new Set(), timezone?: string): JobDiff {
  const changes: FieldChange[] = [];
  for (const [attribute, value] of Object.entries(payload)) {
    if (timezone && sameAllDayDate(attribute, value, payload, current, timezone)) continue;
    collect(value, current[attribute], attribute, changes, wholeLists.has(attribute));
  }
  const body: Job = {};
  const before: Record<string, unknown> = {};
  for (const change of changes) {
    const top = /^[^.[]+/.exec(change.path)?.[0] as string;
    if (top in body) continue;
    // A whole list is sent as the file has it: merging by position would give one person's
    // state to another.
    body[top] = wholeLists.has(top) ? payload[top] : overlay(payload[top], current[top]);
    before[top] = current[top] ?? null;
  }
  return { changes, body, before };
}

/** What describing a value needs of a mapping: its zone, and its columns (value maps, lists). */
export interface ValueContext {
  timezone: string;
  columns?: readonly ColumnSpec[];
}

/** A list element in words: a resource by its name, a stop by its place. */
function elementText(element: unknown): string {
  if (isObject(element)) {
    if (typeof element.name === 'string' && element.name !== '') return element.name;
    const place = isObject(element.location) ? element.location.placeName : undefined;
    if (typeof place === 'string' && place !== '') return place;
  }
  return typeof element === 'string' ? element : JSON.stringify(element);
}

/**
 * A field's value as the file says it: a mapped value by its word (`priority: 1` is `Hög`), a
 * list by its names (`Anna Berg; Bo Ek`), a timestamp of a date-time field as the wall clock in
 * the mapping's zone, free text quoted. `field` is a path as a change names it (`priority`,
 * `resources`, `resources[0]`, `destinations[0].location.placeName`) or a top-level attribute
 * as a before-image holds it.
 */
export function describeValue(field: string, value: unknown, mapping?: ValueContext): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return '(empty)';
  const columns = mapping?.columns ?? [];
  const spec = columns.find((c) => c.field === field);
  if (spec?.map && !Array.isArray(value)) {
    for (const [word, to] of Object.entries(spec.map)) if (sameValue(to, value)) return word;
  }
  if (Array.isArray(value)) {
    const list = columns.find((c) => c.field.startsWith(`${field}[]`));
    return value.map(elementText).join(list?.join ?? ', ');
  }
  if (isObject(value) && /\]$|^\w+\[\]/.test(field)) return elementText(value);
  const type = spec?.type ?? naturalType(field);
  if (type === 'datetime' && typeof value === 'number' && mapping?.timezone) return formatWall(epochToWall(value, mapping.timezone));
  return JSON.stringify(value);
}

/**
 * `title: "Byte av fönster" → "Byte av fönster, 2 st"`, `priority: Hög → Låg`, `resources: Anna
 * Berg → Bo Ek`, `startTime: 2026-12-02 07:30 → 2026-12-05 08:00` (see {@link describeValue}).
 * A bare time zone (the former signature) is taken as a mapping without columns.
 */
export function describeChange(change: FieldChange, mapping?: ValueContext | string): string {
  const context = typeof mapping === 'string' ? { timezone: mapping } : mapping;
  return `${change.path}: ${describeValue(change.path, change.from, context)} → ${describeValue(change.path, change.to, context)}`;
}

/** A job as the server has it, less what the server sets: the body of a PUT that replaces it. */
export function withoutServerFields(job: Job): Job {
  const { id: _id, state: _state, reported: _reported, created: _created, modified: _modified, ...rest } = job;
  return rest;
}
