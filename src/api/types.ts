/** A place a job's resources go to. */
export interface Destination {
  location?: { placeName?: string; latitude?: number; longitude?: number; [key: string]: unknown };
  [key: string]: unknown;
}

/** A user doing the work on a job. */
export interface Resource {
  state?: string;
  reported?: boolean;
  [key: string]: unknown;
}

/**
 * A Coredination job. Every attribute is optional on create; `id`, `state` and `reported` are
 * set by the server. Unknown attributes are kept as they are.
 */
export interface Job {
  id?: number;
  uuid?: string;
  title?: string;
  description?: string;
  referenceNo?: string;
  priority?: number;
  allDay?: boolean;
  /** Epoch milliseconds, or `yyyy-MM-dd` when `allDay`. */
  startTime?: number | string | null;
  /** Epoch milliseconds, or `yyyy-MM-dd` when `allDay`; may be null. */
  endTime?: number | string | null;
  /** Planned work in minutes. */
  duration?: number | null;
  state?: string;
  reported?: boolean;
  customerName?: string;
  resources?: Resource[];
  destinations?: Destination[];
  items?: unknown[];
  customFields?: Record<string, unknown> | unknown[];
  events?: unknown[];
  documents?: unknown[];
  signature?: unknown;
  created?: number;
  modified?: number;
  [key: string]: unknown;
}

/** Every attribute of a job this tool knows (those of the Job interface), in the API documentation's order. */
export const KNOWN_JOB_ATTRIBUTES = [
  'id', 'uuid', 'title', 'description', 'referenceNo', 'priority', 'allDay', 'startTime', 'endTime', 'duration',
  'state', 'reported', 'customerName', 'resources', 'destinations', 'items', 'customFields', 'events', 'documents',
  'signature', 'created', 'modified',
] as const satisfies readonly (keyof Job)[];

/** The named attributes of Job, without its index signature. */
type NamedKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
/** Fails to compile when the Job interface gains an attribute the list above lacks. */
const everyAttributeListed: Exclude<NamedKeys<Job>, (typeof KNOWN_JOB_ATTRIBUTES)[number]> extends never ? true : never = true;
void everyAttributeListed;

/** The answer of `GET /version`. */
export interface VersionInfo {
  id: string;
  builduser: string;
  version: string;
  [key: string]: unknown;
}

/** Filters and paging of `GET /job`. */
export interface ListJobsOptions {
  /** Jobs asked for per page (default 500); the server may give fewer, and the listing reads on. */
  limit?: number;
  /** Where to start. */
  offset?: number;
  /** Only jobs modified since this time (epoch ms or an ISO date). */
  modified?: number | string;
  /** Stops the listing at once (Ctrl+C, SIGTERM): the iteration throws an INTERRUPTED error. */
  signal?: AbortSignal;
  /** The most distinct jobs a listing may bring (default MAX_LISTED_JOBS) before it is refused. */
  maxJobs?: number;
}

/** One page of `GET /job`, asked for as it is (`CoredinationClient.listPage`). */
export interface PageQuery {
  limit?: number;
  offset?: number;
  /** Only jobs modified since this time (epoch ms or an ISO date). */
  modified?: number | string;
}

/** What a listing found out about the account and the server while it was read. */
export interface ListingReport {
  /** Distinct jobs yielded (a job listed twice is one). */
  jobs: number;
  /** Pages read, the closing check included (a page asked for ahead and not needed is not counted). */
  pages: number;
  /** The most jobs one page held: the page size the server really gives. */
  pageSize: number;
  /**
   * True when the account may have changed while it was read (the list shifted between pages, or
   * a job was added or changed meanwhile, or the server ignores `modified` so that it cannot tell):
   * the jobs yielded may then miss some, and a caller that needs them all reads again.
   */
  changed: boolean;
  /** Why `changed` is true, in words. */
  why?: string;
}

/** `GET /job` read to the end, page after page; `report` is complete once the iteration ends. */
export interface JobListing extends AsyncIterable<Job> {
  readonly report: ListingReport;
}
