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

/** The answer of `GET /version`. */
export interface VersionInfo {
  id: string;
  builduser: string;
  version: string;
  [key: string]: unknown;
}

/** Filters and paging of `GET /job`. */
export interface ListJobsOptions {
  /** Jobs per page; the client keeps asking until a page comes back short. */
  limit?: number;
  /** Where to start. */
  offset?: number;
  /** Only jobs modified since this time (epoch ms or an ISO date). */
  modified?: number | string;
}
