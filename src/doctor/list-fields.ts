import { LIST_OMITTED_FIELDS } from '../api/assumptions.js';
import type { Job } from '../api/types.js';
import { doesNotHold, holds, notChecked, tooFew } from './catalogue.js';
import type { Probe } from './probe.js';
import type { CheckResult } from './types.js';
import { hasValue, jobName } from './values.js';

const expected: readonly string[] = LIST_OMITTED_FIELDS;

/**
 * The listed job that carries the most attributes, read alone (`GET /job/{uuid}`, one request):
 * what the full representation has and the list left out must be among LIST_OMITTED_FIELDS.
 */
export async function checkListFields(probe: Probe, first: readonly Job[]): Promise<CheckResult> {
  if (!first.length) return notChecked('list-fields', tooFew(0, 1));
  const filled = (job: Job) => Object.values(job).filter(hasValue).length;
  const listed = first.reduce((best, job) => (filled(job) > filled(best) ? job : best));
  const name = jobName(listed);
  const full = await probe.job(String(listed.uuid));
  if (!full) return notChecked('list-fields', `job ${name} was listed, but GET /job/${String(listed.uuid)} answered 404 (deleted meanwhile?); run doctor again`);
  const left = Object.keys(full).filter((attribute) => hasValue(full[attribute]) && !hasValue(listed[attribute]));
  const unexpected = left.filter((attribute) => !expected.includes(attribute));
  if (unexpected.length) return doesNotHold('list-fields', `job ${name} as listed lacks ${unexpected.join(', ')}, which it has when read alone`);
  return holds('list-fields', `job ${name} as listed lacks ${left.length ? `only ${left.join(', ')}` : 'nothing'} of what it has when read alone`);
}
