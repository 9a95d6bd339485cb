import { randomUUID } from 'node:crypto';
import { putCreated } from '../api/assumptions.js';
import type { Job } from '../api/types.js';
import { doesNotHold, holds, notChecked } from './catalogue.js';
import { mayNotWrite, refusal, type Probe } from './probe.js';
import type { DraftSeen } from './sample-checks.js';
import { SCRATCH_TITLE, type Scratch } from './scratch.js';
import type { CheckId, CheckResult } from './types.js';
import { hasValue, jobName, shortUuid } from './values.js';

/** The checks `--write` makes, in their order. */
export const WRITE_CHECKS = ['post-uuid', 'put-creates', 'put-partial', 'put-answer', 'delete'] as const satisfies readonly CheckId[];

/** What the writes found, and the state of the draft they made. */
export interface WriteFindings {
  checks: CheckResult[];
  draft?: DraftSeen;
}

const READ_ONLY_ACTION = 'Run doctor --write with a key that may write: an import needs one.';

/** How a PUT's answer stamps a job: "created = modified", "modified 3 ms after created", "no created". */
function stamps(job: Job): string {
  if (job.created === undefined) return 'no created';
  if (job.modified === undefined) return 'no modified';
  if (job.created === job.modified) return 'created = modified';
  return typeof job.created === 'number' && typeof job.modified === 'number' ? `modified ${job.modified - job.created} ms after created` : 'modified ≠ created';
}

/**
 * Makes two scratch draft jobs and asks of them what the tool assumes of writes, in at most eight
 * requests: POST with a client uuid; PUT to a new uuid; PUT with a title only to the first (then
 * GET: is its description left?); DELETE of each (then GET: 404?). `scratch` knows every job made
 * before its write's answer is in, so that whatever ends this early can remove them.
 */
export async function checkWrites(probe: Probe, scratch: Scratch, now: number): Promise<WriteFindings> {
  const found = new Map<CheckId, CheckResult>();
  let draft: DraftSeen | undefined;
  const rest = (why: string, action?: string): WriteFindings => {
    for (const id of WRITE_CHECKS) if (!found.has(id)) found.set(id, notChecked(id, why, action));
    return { checks: WRITE_CHECKS.map((id) => found.get(id) as CheckResult), draft };
  };
  const description = `Made by coredination-batch doctor --write on ${new Date(now).toISOString()} to see how the API answers writes; doctor removes it when done. Safe to delete.`;

  /** One write: its answer, or what the server answered instead when it refused it ('refused'); a 403 ends the writes. */
  const write = async <T>(request: () => Promise<T>, uuid: string | undefined): Promise<T | { refused: string } | { readOnly: string }> => {
    try {
      return await request();
    } catch (error) {
      const refused = refusal(error);
      if (!mayNotWrite(error) && refused === undefined) throw error;
      if (uuid) scratch.notMade(uuid);
      return mayNotWrite(error) ? { readOnly: 'the key may not write' } : { refused: refused as string };
    }
  };
  const isJob = (value: unknown): value is Job => typeof value === 'object' && value !== null && !('refused' in value) && !('readOnly' in value);

  const sent = randomUUID();
  scratch.maybe(sent);
  const post = await write(() => probe.create({ uuid: sent, title: SCRATCH_TITLE, description }), sent);
  if ('readOnly' in post) return rest('the key may not write (POST /job answered 403)', READ_ONLY_ACTION);
  let posted: Job | undefined;
  if (isJob(post)) {
    posted = post;
    scratch.made(posted, sent);
    const uuid = String(posted.uuid).toLowerCase();
    found.set('post-uuid', uuid === sent ? holds('post-uuid', `POST /job with a uuid (${shortUuid(sent)}) made job ${jobName(posted)} under it`) : doesNotHold('post-uuid', `POST /job with a uuid (${shortUuid(sent)}) made job ${jobName(posted)} under another (${shortUuid(uuid)})`));
    draft = { state: posted.state, name: jobName(posted) };
  } else {
    found.set('post-uuid', doesNotHold('post-uuid', `POST /job with a uuid ${post.refused}`, 'Every import sends its new jobs with a uuid: here they would be refused. Ask Coredination support.'));
  }

  const fresh = randomUUID();
  scratch.maybe(fresh);
  const put = await write(() => probe.put(fresh, { title: SCRATCH_TITLE, description }), fresh);
  if ('readOnly' in put) return rest('the key may not write (PUT answered 403)', READ_ONLY_ACTION);
  let putMade: Job | undefined;
  if (isJob(put)) {
    putMade = put;
    scratch.made(putMade, fresh);
    found.set('put-creates', holds('put-creates', `PUT /job/${shortUuid(fresh)}, a uuid no job had, made job ${jobName(putMade)}`));
  } else {
    found.set('put-creates', doesNotHold('put-creates', `PUT /job/${shortUuid(fresh)}, a uuid no job has, ${put.refused}`));
  }

  const target = posted ?? putMade;
  if (!target) return rest('no scratch job could be made');
  const uuid = String(target.uuid).toLowerCase();
  const name = jobName(target);
  const changed = `${SCRATCH_TITLE} (changed)`;
  const update = await write(() => probe.put(uuid, { title: changed }), undefined);
  if ('readOnly' in update) return rest('the key may not change jobs (PUT answered 403)', READ_ONLY_ACTION);
  if (!isJob(update)) {
    found.set('put-partial', doesNotHold('put-partial', `PUT to job ${name} with only a title ${update.refused}`, 'An import updates jobs so: its updates would be refused here. Ask Coredination support.'));
    found.set('put-answer', notChecked('put-answer', 'the PUT that updates a scratch job was refused'));
  } else {
    const read = await probe.job(uuid);
    if (!read) found.set('put-partial', notChecked('put-partial', `job ${name} was gone after the PUT; run doctor again`));
    else if (read.title !== changed) found.set('put-partial', notChecked('put-partial', `PUT to job ${name} with only a title was answered, but the job kept its old title`));
    else if (read.description === description) found.set('put-partial', holds('put-partial', `PUT to job ${name} with only a title left its description as it was`));
    else found.set('put-partial', doesNotHold('put-partial', `PUT to job ${name} with only a title ${hasValue(read.description) ? 'changed' : 'cleared'} its description`));

    if (putMade && !putCreated(putMade)) {
      found.set('put-answer', doesNotHold('put-answer', `the PUT that made job ${jobName(putMade)} answered ${stamps(putMade)}: a create looks like an update`));
    } else if (putCreated(update)) {
      found.set('put-answer', doesNotHold('put-answer', `the PUT that updated job ${name} answered ${stamps(update)}: an update looks like a create`));
    } else {
      const made = putMade ? `the PUT that made job ${jobName(putMade)} answered ${stamps(putMade)}, ` : '';
      found.set('put-answer', holds('put-answer', `${made}the PUT that updated job ${name} answered ${stamps(update)}`));
    }
  }

  const removed: string[] = [];
  for (const job of [posted, putMade]) {
    if (!job) continue;
    const jobUuid = String(job.uuid).toLowerCase();
    const deleted = await write(() => probe.remove(jobUuid), undefined);
    if (typeof deleted === 'object') {
      const what = 'readOnly' in deleted ? 'answered 403 (the key may not delete)' : deleted.refused;
      found.set('delete', doesNotHold('delete', `DELETE of job ${jobName(job)} ${what}`));
      break;
    }
    if ((await probe.job(jobUuid)) !== null) {
      found.set('delete', doesNotHold('delete', `DELETE of job ${jobName(job)} was answered ${deleted ? 'as done' : '404'}, but GET still has the job`));
      break;
    }
    scratch.gone(jobUuid);
    removed.push(jobName(job));
  }
  if (!found.has('delete')) found.set('delete', holds('delete', `DELETE removed job${removed.length === 1 ? '' : 's'} ${removed.join(' and ')} (GET then answered 404)`));
  return rest('the writes before it did not get this far');
}
