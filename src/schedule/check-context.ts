/** What the schedule file's checks share: where problems go, and how a path gets its line. */
export interface CheckContext {
  /** The schedule file's folder: relative paths are resolved against it. */
  dir: string;
  /** The schedule's zone when valid, else UTC (so that cron expressions can still be checked). */
  zone: string;
  /** Paths the schema already faulted: the rules say nothing more about them. */
  faulted: Set<string>;
  warnings: string[];
  /** Every problem so far, each with its path and line. */
  problems: string[];
  /** Records a problem at these keys, with its line. */
  report(keys: readonly (string | number)[], message: string): void;
}

/** `exports[1].cron` for ['exports', 1, 'cron']. */
export function pathOf(keys: readonly (string | number)[]): string {
  return keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}
