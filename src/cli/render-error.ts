import { ApiError, isCdbError, type CdbError, type ErrorCode, type OutcomeCode } from '../errors.js';

/** DESIGN.md's exit codes: 2 invalid usage or input (nothing sent), 1 aborted. */
const EXIT_CODES: Record<ErrorCode, number> = {
  USAGE: 2,
  INPUT: 2,
  MAPPING: 2,
  INSECURE_URL: 2,
  AUTH: 1,
  UNREACHABLE: 1,
  HTTP: 1,
  OUTPUT: 1,
  INTERRUPTED: 1,
  FAILURES: 1,
  LOCKED: 1,
};

/** Exit codes of a finished run. */
export const EXIT = { ok: 0, aborted: 1, invalid: 2, partial: 3 } as const;

/** The exit code of a run that ended with this outcome (a schedule's --once takes the worst). */
export function exitCodeOf(code: OutcomeCode): number {
  if (code === 'ROWS') return EXIT.partial;
  if (code === 'BUG') return EXIT.aborted;
  return EXIT_CODES[code];
}

function where(error: CdbError): string {
  const { file, sheet, row, column, path } = error.context;
  const parts = [
    file && `${file}`,
    sheet && `sheet "${sheet}"`,
    row !== undefined && `row ${row}`,
    column && `column "${column}"`,
    path && `${path}`,
  ].filter(Boolean);
  return parts.length ? `${parts.join(', ')}: ` : '';
}

/**
 * The one place that turns an error into text and an exit code. Our own errors print their
 * message and what to do; anything else is a bug and says so (with its stack only in verbose).
 */
export function renderError(error: unknown, verbose = false): { text: string; exitCode: number } {
  if (isCdbError(error)) {
    const lines = [`Error: ${where(error)}${error.message}`];
    if (error.hint) lines.push(error.hint);
    if (verbose && error instanceof ApiError && error.networkCode) lines.push(`(network: ${error.networkCode})`);
    return { text: lines.join('\n'), exitCode: EXIT_CODES[error.code] };
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`Unexpected error: ${message}`, 'This is a bug in coredination-batch; please report it with the output of --verbose.'];
  if (verbose && error instanceof Error && error.stack) lines.push(error.stack);
  return { text: lines.join('\n'), exitCode: 1 };
}

/**
 * A failure as the one JSON document `--json` promises: `{"status": "failed", "error": {code,
 * message, hint}}`, with where it happened. An error that is not ours is a bug and says so.
 */
export function errorJson(error: unknown): { status: 'failed'; error: { code: OutcomeCode; message: string; hint: string | null; file?: string; row?: number; column?: string } } {
  if (isCdbError(error)) {
    const { file, row, column } = error.context;
    return { status: 'failed', error: { code: error.code, message: error.message, hint: error.hint ?? null, ...(file ? { file } : {}), ...(row !== undefined ? { row } : {}), ...(column ? { column } : {}) } };
  }
  return { status: 'failed', error: { code: 'BUG', message: error instanceof Error ? error.message : String(error), hint: 'This is a bug in coredination-batch; please report it with the output of --verbose.' } };
}
