import type { Job } from '../api/types.js';
import type { JobStore } from './job-store.js';

/**
 * Answers no good server gives, for tests and rehearsals: each is something the tool must refuse
 * to believe, with one clear message.
 */
/** The key a sandbox accepts when it is given none. */
export const SANDBOX_KEY = 'sandbox-key';

export const QUIRKS = {
  /** A `null` in the listing, in the middle of the account. */
  'null-in-list': 'a null in the job list',
  /** A job in the middle of the account listed without its uuid. */
  'job-without-uuid': 'a job listed without its uuid',
  /** A job in the middle of the account listed twice in a row. */
  'job-listed-twice': 'a job listed twice',
  /** Every answer under /job is an HTML page with status 200 (a proxy's, a portal's). */
  html: 'HTML with status 200 for every /job request',
  /** Writes are answered 303 to a login page, which answers 200 JSON; nothing is stored. */
  'redirect-writes': 'writes redirected (303) to a login page answering 200 JSON',
  /** `GET /job/:id` answers `200 {}`. */
  'empty-lookup': 'a lookup of one job answered 200 {}',
} as const;

export type Quirk = keyof typeof QUIRKS;

/** What the sandbox does and which faults it injects. */
export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Keys accepted; default ['sandbox-key']. */
  apiKeys?: string[];
  /** Keys that may read but get 403 on writes. */
  readOnlyKeys?: string[];
  /**
   * Response time in milliseconds: each answer leaves this long after its request arrived, the
   * sandbox's own work being done meanwhile, like a remote server with that response time.
   */
  latency?: number;
  /** Share (0..1) of requests answered 500, 503 or 429 at random. */
  failRate?: number;
  /** Share (0..1) of writes stored, then the connection destroyed with no answer. */
  dropAfterCommit?: number;
  /** Share (0..1) of writes whose connection is destroyed before anything is stored. */
  dropBeforeCommit?: number;
  /** Requests per second beyond which it answers 429. */
  rateLimit?: number;
  /** The `Retry-After` it sends with 429 and 503, in seconds (default 1). */
  retryAfter?: number;
  /** Seed of the fault and data generators (default 1). */
  seed?: number;
  /** PUT replaces the whole job (attributes absent from the body are cleared), the other answer to PUT_IS_PARTIAL. */
  putReplaces?: boolean;
  /** POST makes its own uuid whatever the body says, the other answer to POST_KEEPS_CLIENT_UUID. */
  ignorePostUuid?: boolean;
  /** PUT to a uuid no job has answers 404 instead of creating the job, the other answer to PUT_CREATES_BY_UUID. */
  putNoCreate?: boolean;
  /** DELETE answers 204 and deletes nothing (the job stays), the other answer to DELETE_REMOVES. */
  ignoreDelete?: boolean;
  /** Attributes `GET /job` leaves out besides LIST_OMITTED_FIELDS (`GET /job/:id` still has them). */
  listOmits?: string[];
  /** Jobs are answered without `created`, so that a PUT's answer cannot tell a create from an update (putCreated). */
  hideCreated?: boolean;
  /** The state a job without resources is answered in, instead of DRAFT (DRAFT_STATE). */
  draftState?: string;
  /** Share (0..1) of writes stored, then answered 500 (a server that fails after committing). */
  errorAfterCommit?: number;
  /** `GET /job` answers at most this many jobs, whatever `limit` asks (and without one). */
  pageCap?: number;
  /** `GET /job` ignores `limit`: a page runs to the end of the list (a server that does not page). */
  ignoreLimit?: boolean;
  /** `GET /job` ignores `offset`: every page starts at the first job. */
  ignoreOffset?: boolean;
  /** `GET /job` ignores `modified`: every job is listed. */
  ignoreModified?: boolean;
  /**
   * Another user at work while a list is read: between the first page of each listing (a
   * `GET /job` without an offset) and the next, this many of the oldest jobs are deleted and as
   * many new ones created.
   */
  churn?: number;
  /** A listing is sent one byte every this many milliseconds (a drip that never goes quiet). */
  trickle?: number;
  /** Answers no good server gives (QUIRKS). */
  quirks?: Quirk[];
  /** Start with this many realistic jobs. */
  generate?: number;
  /** A JSON file loaded at start and rewritten atomically before each write is answered. */
  data?: string;
  /** Keep a log of every request (default true); the tests read it. */
  recordRequests?: boolean;
}

/** The options that may change while the sandbox runs. */
export type Faults = Pick<SandboxOptions, 'latency' | 'failRate' | 'dropAfterCommit' | 'dropBeforeCommit' | 'rateLimit' | 'retryAfter' | 'pageCap' | 'ignoreLimit' | 'ignoreOffset' | 'ignoreModified' | 'churn' | 'trickle' | 'quirks' | 'ignorePostUuid' | 'putReplaces' | 'putNoCreate' | 'ignoreDelete' | 'listOmits' | 'hideCreated' | 'draftState' | 'errorAfterCommit'>;

/** One request as the sandbox saw it. */
export interface RequestRecord {
  method: string;
  path: string;
  /** The query string, without the `?`. */
  query: string;
  start: number;
  end: number;
  status: number | 'dropped';
}

/** A running sandbox. */
export interface Sandbox {
  /** The base URL, e.g. http://127.0.0.1:41234/api/1 */
  url: string;
  port: number;
  apiKeys: string[];
  store: JobStore;
  /** Every job, full representation. */
  jobs(): Job[];
  /** The request log (when recorded) and the most requests it ever had in flight at once. */
  requests: RequestRecord[];
  maxInFlight(): number;
  /** Changes fault options while running. */
  setFaults(faults: Faults): void;
  close(): Promise<void>;
}
