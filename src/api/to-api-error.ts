import { HTTPError, RequestError, TimeoutError } from 'got';
import { ApiError } from '../errors.js';
import { DEFAULT_BASE_URL } from './assumptions.js';
import { isCertificateCode, NOT_SENT_NETWORK_CODES, parseRetryAfter } from './retry-policy.js';

const BODY_LIMIT = 200;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

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

/**
 * Turns whatever got threw into an ApiError that holds method, path, status and a trimmed body,
 * and nothing else of the request: got's own errors carry the options, headers and so the key,
 * and must never be printed.
 */
export function toApiError(error: unknown, method: string, path: string, secrets: readonly (string | undefined)[]): ApiError {
  if (error instanceof ApiError) return error;
  // Our own refusal, thrown in a hook (a refused redirect), comes back wrapped by got.
  if (error instanceof RequestError && error.cause instanceof ApiError) return error.cause;
  const where = `${method} /${path}`;
  if (error instanceof HTTPError) {
    const status = error.response.statusCode;
    const body = trimBody(error.response.body);
    const safeBody = body === undefined ? undefined : redact(body, secrets);
    if (status === 401) {
      return new ApiError('AUTH', `The server refused the API key (401${safeBody ? ` ${safeBody}` : ''}).`, {
        method, path, status, body: safeBody,
        hint: 'Check the key in COREDINATION_API_KEY or --api-key, and that it is authorized for your group.',
      });
    }
    if (status === 403) {
      return new ApiError('AUTH', `The API key has no permission for ${where} (403${safeBody ? ` ${safeBody}` : ''}).`, {
        method, path, status, body: safeBody,
        hint: 'Ask your Coredination administrator to grant the key access to jobs.',
      });
    }
    return new ApiError('HTTP', `${where} answered ${status}${safeBody ? `: ${safeBody}` : ''}`, {
      method, path, status, body: safeBody, retryAfterMs: parseRetryAfter(error.response.headers['retry-after']),
      // Every Coredination API answers /version: a 404 there means the base URL is not the API's.
      hint: status === 404 && path === 'version' ? `Check the base URL: it ends in /api/1, as in ${DEFAULT_BASE_URL}.` : undefined,
    });
  }
  const code = error instanceof RequestError ? error.code : (error as NodeJS.ErrnoException | undefined)?.code;
  const sent = !(code && NOT_SENT_NETWORK_CODES.has(code));
  const outcomeUnknown = sent && WRITE_METHODS.has(method);
  if (error instanceof TimeoutError) {
    return new ApiError('UNREACHABLE', `No answer to ${where} in time (${error.event} timeout).`, {
      method, path, networkCode: 'ETIMEDOUT', outcomeUnknown,
      hint: 'The server may be slow or down; try again later.',
    });
  }
  if (isCertificateCode(code)) {
    // The handshake failed, so the request itself never left.
    return new ApiError('UNREACHABLE', `The server's TLS certificate was not accepted for ${where} (${code}).`, {
      method, path, networkCode: code, outcomeUnknown: false,
      hint: 'Check the base URL. If your network inspects HTTPS with its own certificate authority, set NODE_EXTRA_CA_CERTS to that authority\'s certificate (a .pem file).',
    });
  }
  const reason = code ?? (error instanceof Error ? redact(error.message, secrets) : 'unknown error');
  const message = sent
    ? `The connection was lost before ${where} was answered (${reason}).`
    : `Could not reach the server for ${where} (${reason}).`;
  return new ApiError('UNREACHABLE', message, {
    method, path, networkCode: code, outcomeUnknown,
    hint: 'Check the base URL and your network; the server may be down.',
  });
}
