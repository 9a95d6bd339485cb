import { HTTPError, RequestError, TimeoutError } from 'got';
import { ApiError } from '../errors.js';
import { DEFAULT_BASE_URL } from './assumptions.js';
import { isCertificateCode, NOT_SENT_NETWORK_CODES, parseRetryAfter, WRITE_METHODS } from './retry-policy.js';

const BODY_LIMIT = 200;
const START_LIMIT = 40;

/** Who was asked what: every message names the request and the API it went to (never the key). */
export interface Asked {
  method: string;
  /** Relative to the base URL, without the query string. */
  path: string;
  /** The base URL as checked (scheme, host, port and path: no query, no credentials). */
  baseUrl: string;
  secrets: readonly (string | undefined)[];
}

/** Words for the network codes a user may meet. */
const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed, for now',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'timed out',
  ERR_STREAM_PREMATURE_CLOSE: 'the answer was cut off',
};

/** Removes every occurrence of a secret from a text. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out;
}

function trimBody(body: unknown): string | undefined {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : undefined;
  if (text === undefined || text.trim() === '') return undefined;
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > BODY_LIMIT ? `${oneLine.slice(0, BODY_LIMIT)}…` : oneLine;
}

/** How an answer starts, quoted for a message: `'<!DOCTYPE html>'`, or "an empty answer". */
export function answerStart(text: string, secrets: readonly (string | undefined)[]): string {
  const oneLine = redact(text, secrets).replace(/\s+/g, ' ').trim();
  if (oneLine === '') return 'it is empty';
  return `it starts with '${oneLine.length > START_LIMIT ? `${oneLine.slice(0, START_LIMIT)}…` : oneLine}'`;
}

/**
 * An answer that came, with a status that says all is well, but is not what was asked for (HTML, a
 * login page, `{}`, another job). For a write, the server may have acted: its outcome is unknown.
 */
export function unexpectedAnswer(asked: Asked, what: string, details: { status?: number; body?: string } = {}): ApiError {
  const write = WRITE_METHODS.has(asked.method);
  const where = `${asked.method} /${asked.path}`;
  return new ApiError('HTTP', `The server answered ${where} with ${what}${write ? `: ${asked.method === 'POST' ? 'the job may or may not have been created' : 'it may or may not have been applied'}` : ''}.`, {
    method: asked.method,
    path: asked.path,
    status: details.status,
    body: details.body === undefined ? undefined : trimBody(redact(details.body, asked.secrets)),
    outcomeUnknown: write,
    hint: `Check the base URL (${asked.baseUrl}): it should name the Coredination API, which answers with jobs as JSON. A proxy or a login page in between answers otherwise.`,
  });
}

/**
 * An answer whose status says the request was refused or failed (4xx, 5xx), as an ApiError that
 * names the request, holds the trimmed body (secrets removed) and the server's Retry-After.
 */
export function statusError(asked: Asked, answer: { status: number; body: unknown; headers: Record<string, string | string[] | undefined> }): ApiError {
  const { method, path, baseUrl, secrets } = asked;
  const where = `${method} /${path}`;
  const status = answer.status;
  const body = trimBody(answer.body);
  const safeBody = body === undefined ? undefined : redact(body, secrets);
  if (status === 401) {
    return new ApiError('AUTH', `The API at ${baseUrl} refused the API key (401${safeBody ? ` ${safeBody}` : ''}).`, {
      method, path, status, body: safeBody,
      hint: 'Check the key in COREDINATION_API_KEY or --api-key, and that it is authorized for your group.',
    });
  }
  if (status === 403) {
    return new ApiError('AUTH', `The API key has no permission for ${where} at ${baseUrl} (403${safeBody ? ` ${safeBody}` : ''}).`, {
      method, path, status, body: safeBody,
      hint: 'Ask your Coredination administrator to grant the key access to jobs.',
    });
  }
  // A server error names the server; a refusal of this request (404, 406) is about the request.
  const prefix = status >= 500 ? `The API at ${baseUrl} failed: ` : '';
  return new ApiError('HTTP', `${prefix}${where} answered ${status}${safeBody ? `: ${safeBody}` : ''}`, {
    method, path, status, body: safeBody, retryAfterMs: parseRetryAfter(answer.headers['retry-after']),
    // Every Coredination API answers /version: a 404 there means the base URL is not the API's.
    hint: status === 404 && path === 'version' ? `Check the base URL: it ends in /api/1, as in ${DEFAULT_BASE_URL}.` : status >= 500 ? 'The server may be overloaded or down; try again later.' : undefined,
  });
}

/**
 * Turns whatever got threw into an ApiError that holds method, path, status and a trimmed body,
 * and nothing else of the request: got's own errors carry the options, headers and so the key,
 * and must never be printed. Messages about a server that cannot be reached or fails name it.
 */
export function toApiError(error: unknown, asked: Asked): ApiError {
  if (error instanceof ApiError) return error;
  // Our own refusal, thrown in a hook (a refused redirect), comes back wrapped by got.
  if (error instanceof RequestError && error.cause instanceof ApiError) return error.cause;
  const { method, path, baseUrl, secrets } = asked;
  const where = `${method} /${path}`;
  if (error instanceof HTTPError) return statusError(asked, { status: error.response.statusCode, body: error.response.body, headers: error.response.headers });
  const code = error instanceof RequestError ? error.code : (error as NodeJS.ErrnoException | undefined)?.code;
  const sent = !(code && NOT_SENT_NETWORK_CODES.has(code));
  const outcomeUnknown = sent && WRITE_METHODS.has(method);
  if (error instanceof TimeoutError) {
    return new ApiError('UNREACHABLE', `The API at ${baseUrl} did not answer ${where} in time (${error.event} timeout).`, {
      method, path, networkCode: 'ETIMEDOUT', outcomeUnknown,
      hint: 'The server may be slow or down; try again later.',
    });
  }
  if (isCertificateCode(code)) {
    // The handshake failed, so the request itself never left.
    return new ApiError('UNREACHABLE', `The server's TLS certificate was not accepted for ${where} at ${baseUrl} (${code}).`, {
      method, path, networkCode: code, outcomeUnknown: false,
      hint: 'Check the base URL. If your network inspects HTTPS with its own certificate authority, set NODE_EXTRA_CA_CERTS to that authority\'s certificate (a .pem file).',
    });
  }
  const reason = code ? NETWORK_WORDS[code] ?? code : error instanceof Error ? redact(error.message, secrets) : 'unknown error';
  const message = sent
    ? `The connection to the API at ${baseUrl} was lost before ${where} was answered (${reason}).`
    : `Could not reach the API at ${baseUrl} (${reason}) for ${where}.`;
  return new ApiError('UNREACHABLE', message, {
    method, path, networkCode: code, outcomeUnknown,
    hint: 'Check the base URL and your network; the server may be down.',
  });
}
