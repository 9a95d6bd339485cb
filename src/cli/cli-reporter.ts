import type { Reporter } from '../reporter.js';
import type { Output } from './io.js';

/** The core's reporter, rendered as lines by the CLI's output. */
export function cliReporter(out: Output): Reporter {
  return {
    info: (message) => out.info(message),
    detail: (message) => out.detail(message),
    warn: (message) => out.warn(`Warning: ${message}`),
  };
}
