/**
 * Every choice this project makes where Coredination's public documentation is silent, in one
 * place, each marked [assumed]. Where the tool acts on one, its comment says what the tool does
 * when an account answers otherwise, and the sandbox switch that gives that other answer, so that
 * the tool is tested both ways (and an account can be checked against each).
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

/**
 * [assumed for /job, documented for /customer] Query parameters of the paged list. Nothing else
 * about paging is taken on trust (src/api/list-jobs.ts): a page shorter than asked is not the end
 * (`--page-cap`), a server that ignores `offset` is an error (`--ignore-offset`), and each listing
 * ends with a `modified` query that tells whether the account changed meanwhile; a server that
 * ignores it (`--ignore-modified`) makes every listing count as changed.
 */
export const LIST_PARAMS = { limit: 'limit', offset: 'offset', modified: 'modified' } as const;

/** [assumed] `PUT /job/{uuid}` creates the job with that uuid when it does not exist yet. */
export const PUT_CREATES_BY_UUID = true;

/**
 * [assumed] `POST /job` keeps a `uuid` the client sends (the sandbox does; `--ignore-post-uuid`
 * gives the other answer). The import does not rely on it: it learns which from the first answer
 * to a POST (and keeps that in the journal for later runs). A POST whose answer was lost is settled
 * by `GET /job/{uuid}` only on a server known to keep uuids; elsewhere its row stays `unknown`.
 */
export const POST_KEEPS_CLIENT_UUID = true;

/** [assumed] `PUT` leaves attributes that are absent from the body unchanged (`--put-replaces` gives the other answer; import and undo then send the whole job). */
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
