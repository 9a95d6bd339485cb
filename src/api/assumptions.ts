/**
 * Every choice this project makes where Coredination's public documentation is silent, in one
 * place (see ../shared/coredination-api.md, the choices marked [assumed]). The client and the
 * sandbox both read them from here, so that a correction is one edit.
 */

/** The documented base URL of the live service. */
export const DEFAULT_BASE_URL = 'https://app.coredination.net/api/1';

/** [assumed spelling] The state of a job created without resources. */
export const DRAFT_STATE = 'DRAFT';

/** The state of a job with resources that have not finished. */
export const SCHEDULED_STATE = 'SCHEDULED';

/** Every state a job can be in (`state` is derived from its resources, read-only). */
export const JOB_STATES = [DRAFT_STATE, SCHEDULED_STATE, 'FINISHED'] as const;

/** Attributes that `GET /job` (the list representation) leaves out; `GET /job/:id` has them. */
export const LIST_OMITTED_FIELDS = ['events', 'signature', 'documents', 'items', 'customFields'] as const;

/** [assumed for /job, documented for /customer] Query parameters of the paged list. */
export const LIST_PARAMS = { limit: 'limit', offset: 'offset', modified: 'modified' } as const;

/** [assumed] `PUT /job/{uuid}` creates the job with that uuid when it does not exist yet. */
export const PUT_CREATES_BY_UUID = true;

/**
 * [assumed] `POST /job` keeps a `uuid` the client sends (the sandbox does; `--ignore-post-uuid`
 * tries the other answer). A POST whose answer was lost is then settled by `GET /job/{uuid}`;
 * when an answer shows otherwise, such rows are reported `unknown` for the user to decide.
 */
export const POST_KEEPS_CLIENT_UUID = true;

/** [assumed] `PUT` leaves attributes that are absent from the body unchanged. */
export const PUT_IS_PARTIAL = true;

/** [assumed] Date-only values (allDay jobs) are `yyyy-MM-dd` strings. */
export const DATE_ONLY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Attributes a client may not set; the sandbox answers 406 naming them. */
export const READ_ONLY_FIELDS = ['id', 'state', 'reported'] as const;

/** The header that carries the API key (the tool never sends the key in the URL). */
export const API_KEY_HEADER = 'API-Key';

/** The header that carries an optional user token. */
export const API_TOKEN_HEADER = 'API-Token';

/**
 * [assumed] A PUT answer tells an update from a create by its timestamps: a job just created has
 * `modified` equal to `created`.
 */
export function putCreated(job: { created?: unknown; modified?: unknown }): boolean {
  return job.created === undefined || job.modified === undefined || job.created === job.modified;
}
