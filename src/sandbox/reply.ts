import type { Job } from '../api/types.js';

/** An answer the sandbox sends. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** A listing, streamed in slices (or drip-fed), as `GET /job` sends it: each job as `view` shows it. */
export class JobList {
  constructor(
    readonly items: (Job | null)[],
    readonly view: (job: Job) => Job,
  ) {}
}

/** A body sent as it is, with its content type. */
export class Raw {
  constructor(
    readonly text: string,
    readonly type: string,
  ) {}
}

/** The connection is destroyed with no answer. */
export const DROP = Symbol('drop');
export type Answer = Reply | typeof DROP;

export const text = (status: number, message: string): Reply => new Reply(status, message);

/** What a portal or proxy in front of an API answers: a web page, with all well. */
export const HTML_PAGE = '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form action="/login">Sign in to continue</form></body></html>';
