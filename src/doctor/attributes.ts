import { KNOWN_JOB_ATTRIBUTES, type Job } from '../api/types.js';
import type { AttributeSample } from './types.js';
import { hasValue } from './values.js';

const known: ReadonlySet<string> = new Set(KNOWN_JOB_ATTRIBUTES);

/** Each attribute the jobs have, with how many carry a value in it, the most carried first. */
export function countAttributes(jobs: readonly Job[]): AttributeSample {
  const counts = new Map<string, number>();
  for (const job of jobs) {
    for (const [name, value] of Object.entries(job)) counts.set(name, (counts.get(name) ?? 0) + (hasValue(value) ? 1 : 0));
  }
  const order = (name: string) => KNOWN_JOB_ATTRIBUTES.indexOf(name as (typeof KNOWN_JOB_ATTRIBUTES)[number]);
  const attributes = [...counts]
    .map(([name, n]) => ({ name, jobs: n, known: known.has(name) }))
    // The most carried first; among equals, the known in the documentation's order, then the others by name.
    .sort((a, b) => b.jobs - a.jobs || Number(b.known) - Number(a.known) || (a.known ? order(a.name) - order(b.name) : a.name.localeCompare(b.name)));
  return { jobs: jobs.length, attributes, unseen: KNOWN_JOB_ATTRIBUTES.filter((name) => !counts.has(name)) };
}
