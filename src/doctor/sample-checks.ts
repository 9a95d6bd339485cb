import { DATE_ONLY_PATTERN, DRAFT_STATE, JOB_STATES } from '../api/assumptions.js';
import type { Job } from '../api/types.js';
import { counted, doesNotHold, holds, notChecked, tooFew } from './catalogue.js';
import type { CheckResult } from './types.js';

const knownStates: readonly string[] = JOB_STATES;

/** What `--write` learned of states: the state of the draft it made (a job without resources). */
export interface DraftSeen {
  state: unknown;
  name: string;
}

/** The states of the jobs listed first, and of the scratch draft when `--write` made one. */
export function checkStates(first: readonly Job[], draft: DraftSeen | undefined): CheckResult {
  const counts = new Map<string, number>();
  for (const job of first) if (typeof job.state === 'string') counts.set(job.state, (counts.get(job.state) ?? 0) + 1);
  const seen = [...counts].map(([state, n]) => `${state} ${n}`).join(', ');
  const drafted = draft ? `; the scratch job, made without resources, is ${String(draft.state)}` : '';
  if (draft && draft.state !== DRAFT_STATE) return doesNotHold('states', `job ${draft.name}, made without resources, is in state ${JSON.stringify(draft.state)}, not ${DRAFT_STATE}`);
  const unknown = [...counts.keys()].filter((state) => !knownStates.includes(state));
  if (unknown.length) {
    const jobs = unknown.reduce((sum, state) => sum + (counts.get(state) ?? 0), 0);
    return doesNotHold('states', `${jobs} of the ${counted(first.length, 'job')} listed are in ${unknown.map((s) => JSON.stringify(s)).join(', ')}, a state the tool does not know`);
  }
  if (!counts.size && !draft) return notChecked('states', first.length ? `none of the ${counted(first.length, 'job')} listed carries a state` : tooFew(0, 1), 'doctor --write makes a draft and reads its state.');
  return holds('states', `${seen ? `states of the ${counted(first.length, 'job')} listed: ${seen}` : 'no job listed carries a state'}${drafted}`);
}

/** The dates of the all-day jobs listed first. */
export function checkAllDayDates(first: readonly Job[]): CheckResult {
  const allDay = first.filter((job) => job.allDay === true);
  if (!allDay.length) return notChecked('all-day-dates', first.length ? `none of the ${counted(first.length, 'job')} listed is all-day` : tooFew(0, 1));
  const wrong = (value: unknown) => value !== undefined && value !== null && !(typeof value === 'string' && DATE_ONLY_PATTERN.test(value));
  const bad = allDay.filter((job) => wrong(job.startTime) || wrong(job.endTime));
  if (bad.length) {
    const example = bad[0] as Job;
    const value = wrong(example.startTime) ? example.startTime : example.endTime;
    return doesNotHold('all-day-dates', `${bad.length} of the ${counted(allDay.length, 'all-day job')} listed have dates such as ${JSON.stringify(value)} (job ${String(example.id ?? example.uuid)}), not yyyy-MM-dd`);
  }
  return holds('all-day-dates', `the ${counted(allDay.length, 'all-day job')} listed have yyyy-MM-dd dates`);
}
