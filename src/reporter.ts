/** How the core tells what it is doing; the CLI renders it (progress bar, lines, nothing). */
export interface Reporter {
  /** A line a user wants to see in a normal run. */
  info(message: string): void;
  /** A line for --verbose. */
  detail(message: string): void;
  /** A problem that does not stop the run. */
  warn(message: string): void;
  /** Progress of a long step. */
  progress?(update: { phase: string; done: number; total?: number; [extra: string]: unknown }): void;
}

/** A reporter that says nothing. */
export const silentReporter: Reporter = { info() {}, detail() {}, warn() {} };
