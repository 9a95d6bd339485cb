import { DRAFT_STATE } from '../api/assumptions.js';
import type { Job } from '../api/types.js';
import { listView } from './job-store.js';
import type { Faults } from './options.js';

/** A job as the sandbox answers it alone (`GET /job/:id`, the answer to a write), as the switches bend it. */
export function answeredJob(job: Job, faults: Faults): Job {
  if (!faults.hideCreated && !faults.draftState) return job;
  const shown: Job = { ...job };
  if (faults.hideCreated) delete shown.created;
  if (faults.draftState && shown.state === DRAFT_STATE) shown.state = faults.draftState;
  return shown;
}

/** A job as `GET /job` lists it: the list representation, less what `listOmits` leaves out too. */
export function listedJob(job: Job, faults: Faults): Job {
  const shown = listView(answeredJob(job, faults));
  for (const attribute of faults.listOmits ?? []) delete shown[attribute];
  return shown;
}
