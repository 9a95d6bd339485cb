/**
 * Every choice this project makes where Coredination's public documentation is silent, in one
 * place, each marked [assumed]. Where the tool acts on one, its comment says what the tool does
 * when an account answers otherwise, the sandbox switch that gives that other answer (so that the
 * tool is tested both ways), and the `doctor` check that tells which answer an account gives
 * (`coredination-batch doctor`, src/doctor/; checks marked --write make and remove scratch jobs).
 */

/** The documented base URL of the live service. Doctor: the first line (`GET /version` at the base URL used). */
export const DEFAULT_BASE_URL = 'https://app.coredination.net/api/1';

/**
 * [assumed spelling] The state of a job created without resources. Doctor: `states` (--write: the
 * scratch draft's state); sandbox `--draft-state <name>` gives another. `export --state` takes
 * only the names in JOB_STATES.
 */
export const DRAFT_STATE = 'DRAFT';

/** The state of a job with resources that have not finished. */
export const SCHEDULED_STATE = 'SCHEDULED';

/**
 * Every state a job can be in (`state` is derived from its resources, read-only). Doctor: `states`
 * (the states of the jobs listed first).
 */
export const JOB_STATES = [DRAFT_STATE, SCHEDULED_STATE, 'FINISHED'] as const;

/**
 * Attributes that `GET /job` (the list representation) leaves out; `GET /job/:id` has them. A
 * keyed import fetches each matched job when the mapping names one of them, and refuses a key
 * among them; export fetches them with `--details`. Doctor: `list-fields` (one listed job read
 * alone: does the list leave out anything else?); sandbox `--list-omits <attribute>`.
 */
export const LIST_OMITTED_FIELDS = ['events', 'signature', 'documents', 'items', 'customFields'] as const;

/**
 * [assumed for /job, documented for /customer] Query parameters of the paged list. Nothing else
 * about paging is taken on trust (src/api/list-jobs.ts): a page shorter than asked is not the end
 * (sandbox `--page-cap`), a server that ignores `offset` stops a listing of more than one page
 * with a message (`--ignore-offset`), and each listing ends with a `modified` query that tells
 * whether the account changed meanwhile; a server that ignores it (`--ignore-modified`) makes
 * every listing count as changed. Doctor: `limit`, `offset` and `modified`.
 */
export const LIST_PARAMS = { limit: 'limit', offset: 'offset', modified: 'modified' } as const;

/**
 * [assumed] `PUT /job/{uuid}` creates the job with that uuid when it does not exist yet. A keyed
 * import creates its new jobs so (under a uuid made from the key), and an update whose job was
 * deleted meanwhile makes it again; on a server that answers 404 instead (sandbox
 * `--put-no-create`) those rows fail. Doctor: `put-creates` (--write).
 */
export const PUT_CREATES_BY_UUID = true;

/**
 * [assumed] `POST /job` keeps a `uuid` the client sends (sandbox `--ignore-post-uuid` gives the
 * other answer). The import does not rely on it: it learns which from the first answer to a POST
 * (and keeps that in the journal for later runs). A POST whose answer was lost is settled by
 * `GET /job/{uuid}` only on a server known to keep uuids; elsewhere its row stays `unknown`
 * (`--unknown send|skip`). Doctor: `post-uuid` (--write).
 */
export const POST_KEEPS_CLIENT_UUID = true;

/**
 * [assumed] `PUT` leaves attributes that are absent from the body unchanged. Where it replaces the
 * whole job (sandbox `--put-replaces`), `import --put-replaces` sends the whole job with its
 * changes, and undo does as its import did (the run record says which). Doctor: `put-partial` (--write).
 */
export const PUT_IS_PARTIAL = true;

/**
 * [assumed, documented only as "204"] `DELETE /job/:id` removes the job: `GET` answers 404 after.
 * Undo deletes the jobs a run created so; where a job stays (sandbox `--ignore-delete`) undo's
 * deletes leave it. Doctor: `delete` (--write).
 */
export const DELETE_REMOVES = true;

/**
 * [assumed] Date-only values (allDay jobs) are `yyyy-MM-dd` strings: export writes them as dates,
 * import sends them so. Doctor: `all-day-dates` (the all-day jobs listed first); the sandbox gives
 * other values from a `--data` file.
 */
export const DATE_ONLY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Attributes a client may not set; the sandbox answers 406 naming them. The tool never sends
 * them, so how a server treats them does not matter to it: no doctor check.
 */
export const READ_ONLY_FIELDS = ['id', 'state', 'reported'] as const;

/** The header that carries the API key (the tool never sends the key in the URL). Doctor: `key`. */
export const API_KEY_HEADER = 'API-Key';

/** The header that carries an optional user token. The tool never needs one: no doctor check. */
export const API_TOKEN_HEADER = 'API-Token';

/**
 * [assumed] A PUT answer tells an update from a create by its timestamps: a job just created has
 * `modified` equal to `created` (or no timestamps). The import and undo count a PUT's outcome so;
 * where a server's answers do not tell (sandbox `--hide-created`: no `created`, so that every PUT
 * looks like a create), an import's updates would be counted as creates. Doctor: `put-answer` (--write).
 */
export function putCreated(job: { created?: unknown; modified?: unknown }): boolean {
  return job.created === undefined || job.modified === undefined || job.created === job.modified;
}
