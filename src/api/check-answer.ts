import { answerStart, unexpectedAnswer, type Asked } from './to-api-error.js';
import type { Job, VersionInfo } from './types.js';

/** A body that is not JSON, kept for the message. */
export class NotJson {
  constructor(readonly text: string) {}
}

/** What a body was, in a few words: "it starts with '<!DOCTYPE html>'", "it is {}". */
function described(asked: Asked, value: unknown): string {
  if (value instanceof NotJson) return answerStart(value.text, asked.secrets);
  if (value === undefined) return 'it is empty';
  const json = JSON.stringify(value);
  return `it is ${json.length > 40 ? `${json.slice(0, 40)}…` : json}`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof NotJson);

const bodyOf = (value: unknown): string | undefined => (value instanceof NotJson ? value.text : value === undefined ? undefined : JSON.stringify(value));

/** `GET /version` answers a JSON object. */
export function checkedVersion(asked: Asked, status: number, value: unknown): VersionInfo {
  if (!isObject(value)) throw unexpectedAnswer(asked, `something that is not the API's version (${described(asked, value)})`, { status, body: bodyOf(value) });
  return value as VersionInfo;
}

/** What the job in an answer must be. */
export interface JobExpected {
  /** Asked for by this id or uuid (a lookup): the answer must be that job. */
  id?: number | string;
  /** Sent with this uuid: the answer must carry it (a POST may get one of the server's own instead). */
  uuid?: string;
  /** A create by POST: a server that makes its own uuids answers with another one, and an id. */
  created?: boolean;
}

/**
 * The job in an answer, when it is a job and the one sent or asked for; anything else (`{}`,
 * HTML, a login page's JSON, another job) is an ApiError naming the request, with the outcome of
 * a write unknown. A POST answered with another uuid and an id counts as created: the server
 * makes its own uuids (its caller learns that from the uuid).
 */
export function checkedJob(asked: Asked, status: number, value: unknown, expected: JobExpected): Job {
  const fail = (what: string) => unexpectedAnswer(asked, what, { status, body: bodyOf(value) });
  if (!isObject(value)) throw fail(`something that is not a job (${described(asked, value)})`);
  const job = value as Job;
  const uuid = typeof job.uuid === 'string' ? job.uuid.toLowerCase() : undefined;
  const hasId = typeof job.id === 'number' || (typeof job.id === 'string' && job.id !== '');
  if (uuid === undefined && !hasId) throw fail(`something that is not a job (${described(asked, value)})`);
  if (expected.id !== undefined) {
    const numeric = typeof expected.id === 'number' || /^\d+$/.test(expected.id);
    const same = numeric ? hasId && String(job.id) === String(expected.id) : uuid === String(expected.id).toLowerCase();
    if (!same) throw fail(`another job (${numeric ? `id ${String(job.id)}` : `uuid ${uuid ?? 'none'}`}, not the ${String(expected.id)} asked for)`);
  }
  if (expected.uuid !== undefined && uuid !== expected.uuid.toLowerCase()) {
    // A server that ignores the uuids clients send: a job it made, known by its id.
    if (!(expected.created && hasId && uuid !== undefined)) throw fail(`another job (uuid ${uuid ?? 'none'}, not the ${expected.uuid} sent)`);
  }
  return job;
}
