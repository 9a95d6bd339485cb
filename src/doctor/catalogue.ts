import { DRAFT_STATE, JOB_STATES } from '../api/assumptions.js';
import type { CheckId, CheckResult } from './types.js';

/** Each check's assumption, in words, and what the tool does when it does not hold. */
const CATALOGUE: Record<CheckId, { assumption: string; title: string; action: string }> = {
  key: {
    assumption: 'API_KEY_HEADER',
    title: 'The API key is accepted',
    action: 'Check the key in COREDINATION_API_KEY or --api-key.',
  },
  limit: {
    assumption: 'LIST_PARAMS.limit',
    title: 'GET /job gives as many jobs as limit asks',
    action: 'The tool reads on past a page shorter than asked until a page brings nothing new: nothing to do.',
  },
  offset: {
    assumption: 'LIST_PARAMS.offset',
    title: 'GET /job starts at offset',
    action: 'The tool cannot read this account past its first page (a listing stops with "The server ignores offset"): do not export, import with --key or undo here; ask Coredination support.',
  },
  modified: {
    assumption: 'LIST_PARAMS.modified',
    title: 'GET /job lists only jobs modified since modified',
    action: 'Every listing counts as changed while it was read: a keyed import reads the account twice, an export warns, and export --since cannot leave out what did not change.',
  },
  'list-fields': {
    assumption: 'LIST_OMITTED_FIELDS',
    title: 'GET /job leaves out only events, signature, documents, items and customFields',
    action: 'The tool takes every other attribute from the list: an export leaves these empty unless --details, and a keyed import cannot match or compare on them; key on another attribute.',
  },
  states: {
    assumption: 'JOB_STATES, DRAFT_STATE',
    title: `Jobs are in state ${JOB_STATES.slice(0, -1).join(', ')} or ${JOB_STATES.at(-1) as string}, a job without resources ${DRAFT_STATE}`,
    action: `export --state takes only ${JOB_STATES.join(', ')}: export jobs in other states without --state.`,
  },
  'all-day-dates': {
    assumption: 'DATE_ONLY_PATTERN',
    title: 'All-day jobs have yyyy-MM-dd dates',
    action: 'An export writes such dates as they come, not as dates; an import sends all-day dates as yyyy-MM-dd: check one job after import --limit 1.',
  },
  'post-uuid': {
    assumption: 'POST_KEEPS_CLIENT_UUID',
    title: 'POST /job keeps the uuid the client sends',
    action: 'The import learns this by itself from its first POST (and keeps it in its journal): nothing to do. A row whose answer is lost then stays unknown, settled by import --unknown send or skip.',
  },
  'put-creates': {
    assumption: 'PUT_CREATES_BY_UUID',
    title: 'PUT /job/{uuid} creates a job that does not exist yet',
    action: "A keyed import makes its new jobs so (under a uuid made from the key): its new rows would fail here. Import new jobs without --key (POST), or ask Coredination support.",
  },
  'put-partial': {
    assumption: 'PUT_IS_PARTIAL',
    title: 'PUT leaves the attributes its body does not name as they are',
    action: 'Give import --put-replaces: updates then send the whole job with the changes (undo does as its import did).',
  },
  'put-answer': {
    assumption: 'putCreated',
    title: "A PUT's answer tells a create (modified = created) from an update",
    action: "An import counts a PUT's outcome by these timestamps: here its results would call some updates creates, or creates updates, and undo would act on that. Do not import with --key on this account until this holds.",
  },
  delete: {
    assumption: 'DELETE_REMOVES',
    title: 'DELETE /job/{id} removes the job, GET answers 404 after',
    action: 'Undo deletes the jobs a run made so: here they would stay. Remove such jobs in Coredination.',
  },
};

/** The assumption holds: `evidence` says what was asked and seen. */
export function holds(id: CheckId, evidence: string): CheckResult {
  return { id, assumption: CATALOGUE[id].assumption, title: CATALOGUE[id].title, verdict: 'holds', evidence };
}

/** It does not: `evidence` says what was seen instead; `action` what the tool does (by default the catalogue's). */
export function doesNotHold(id: CheckId, evidence: string, action = CATALOGUE[id].action): CheckResult {
  return { id, assumption: CATALOGUE[id].assumption, title: CATALOGUE[id].title, verdict: 'does-not-hold', evidence, action };
}

/** It could not be told: `why`, and how it could be (`action`). */
export function notChecked(id: CheckId, why: string, action?: string): CheckResult {
  return { id, assumption: CATALOGUE[id].assumption, title: CATALOGUE[id].title, verdict: 'not-checked', evidence: why, ...(action ? { action } : {}) };
}

/** Why a check that needs jobs could not be made: "the account has too few jobs to tell (2; it takes 3)". */
export function tooFew(listed: number, needed: number): string {
  return listed === 0 ? 'the account has no jobs' : `the account has too few jobs to tell (${listed}; it takes ${needed})`;
}

/** "1 job", "1,200 jobs". */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
