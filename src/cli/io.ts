/** Where the CLI reads and writes, and the environment it reads: injected so that tests can run it in-process. */
export interface CliIo {
  /** Where a question is answered (undo's confirmation), and whether a person is there to answer it. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** Global flags every command has. */
export interface GlobalArgs {
  config?: string;
  baseUrl?: string;
  apiKey?: string;
  insecure?: boolean;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** Human lines go to stderr (stdout stays clean for --json and data); `--quiet` keeps only warnings. */
export class Output {
  constructor(
    private readonly io: CliIo,
    private readonly args: GlobalArgs,
  ) {}

  /** A line of the human report. */
  info(line: string): void {
    if (!this.args.quiet && !this.args.json) this.io.stderr.write(`${line}\n`);
  }

  /** Only with --verbose. */
  detail(line: string): void {
    if (this.args.verbose && !this.args.json) this.io.stderr.write(`${line}\n`);
  }

  warn(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  /** The result of a command: plain text on stdout, or one JSON document with --json. */
  result(human: string, json: unknown): void {
    if (this.args.json) this.io.stdout.write(`${JSON.stringify(json)}\n`);
    else this.io.stdout.write(`${human}\n`);
  }
}
