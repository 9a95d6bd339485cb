/**
 * The project's few error classes. Each carries a stable string `code`, the context that locates
 * the problem and, where there is one, the original `cause`. Only the CLI edge turns them into
 * text and exit codes (src/cli/render-error.ts).
 */

/** Stable error codes; the CLI maps each to an exit code. */
export type ErrorCode =
  | 'USAGE' // bad flags or arguments
  | 'INPUT' // an unreadable or invalid input file
  | 'MAPPING' // an invalid mapping or schedule file
  | 'INSECURE_URL' // plain http to a non-loopback host without --insecure
  | 'AUTH' // 401/403: the key was refused
  | 'UNREACHABLE' // the server could not be reached, even after retries
  | 'HTTP' // any other unexpected answer from the server
  | 'OUTPUT' // an output file could not be written (disk full, ...)
  | 'INTERRUPTED' // SIGINT/SIGTERM
  | 'FAILURES' // more rows failed than --max-errors allows: the run stopped
  | 'LOCKED'; // another run holds the same work

/**
 * How a run that did not end well ended, as a schedule's run record keeps it: one of the error
 * codes, `ROWS` (it finished, some rows rejected or failed) or `BUG` (an error that is not one of
 * ours). `--json` failure documents use the same words.
 */
export type OutcomeCode = ErrorCode | 'ROWS' | 'BUG';

/** Where a problem is, as far as it is known. */
export interface ErrorContext {
  file?: string;
  sheet?: string;
  row?: number;
  column?: string;
  path?: string;
}

/** Base class of every error the tool raises on purpose. */
export class CdbError extends Error {
  override name = 'CdbError';
  readonly code: ErrorCode;
  readonly context: ErrorContext;
  /** What the user can do next; rendered after the message. */
  readonly hint: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; context?: ErrorContext; hint?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.context = options.context ?? {};
    this.hint = options.hint;
  }
}

/** An answer from the API that was not what the call expected, or no answer at all. */
export class ApiError extends CdbError {
  override name = 'ApiError';
  readonly method: string;
  /** The request path, relative to the base URL, without the query string. */
  readonly path: string;
  /** HTTP status, or undefined when no answer came. */
  readonly status: number | undefined;
  /** The start of the answer's body (plain text), trimmed. */
  readonly body: string | undefined;
  /** A low-level network error code such as ECONNRESET, when no answer came. */
  readonly networkCode: string | undefined;
  /**
   * True when the request may have reached the server and changed something there while the
   * client never heard the answer (a dropped connection or a timeout after sending).
   */
  readonly outcomeUnknown: boolean;
  /** The answer's Retry-After, in milliseconds, when it had one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details: {
      method: string;
      path: string;
      status?: number;
      body?: string;
      networkCode?: string;
      outcomeUnknown?: boolean;
      retryAfterMs?: number;
      cause?: unknown;
      hint?: string;
    },
  ) {
    super(code, message, { cause: details.cause, hint: details.hint });
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.body = details.body;
    this.networkCode = details.networkCode;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** True for errors raised on purpose by this project (as opposed to bugs). */
export function isCdbError(error: unknown): error is CdbError {
  return error instanceof CdbError;
}
