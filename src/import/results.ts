import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CdbError } from '../errors.js';
import type { RowIssue } from '../mapping/types.js';
import type { SheetRow } from '../readers/cell.js';
import type { Detected } from '../readers/types.js';
import { ErrorRows, inputCells } from '../writers/error-rows.js';
import { openRowsWriter, outputFormat, type RowsWriter } from '../writers/rows-writer.js';
import type { PlannedRow } from './actions.js';
import { keptText } from './empty-cells.js';
import type { ValueContext } from './job-diff.js';
import type { Outcome } from './journal.js';

/** Where an import writes: results, errors, and (when asked) the plan and the payloads. */
export interface ImportOutputs {
  results: string;
  errors: string;
  /** True when the errors file is the default one beside the input (a stale one is removed). */
  errorsIsDefault: boolean;
  plan?: string;
  payloads?: string;
}

/** `jobs.xlsx` → `jobs.<suffix>.xlsx`, beside the input. */
export function besideInput(file: string, suffix: string, ext: string): string {
  const base = path.basename(file, path.extname(file));
  return path.join(path.dirname(file), `${base}.${suffix}${ext}`);
}

/** A workbook's errors file is a workbook (cells keep their types); anything else gets csv. */
function errorsExtension(file: string): string {
  return ['.xlsx', '.xlsm', '.ods'].includes(path.extname(file).toLowerCase()) ? '.xlsx' : '.csv';
}

/**
 * The permissions an import's outputs get at most: the input's (read and write bits), so that
 * results, errors and plan files, which hold the input's rows, are never more readable than it.
 */
export async function outputMode(file: string): Promise<number> {
  return stat(file).then((info) => info.mode & 0o666, () => 0o600);
}

/** The one place that names an import's files, for the dry run and the import alike. */
export function importOutputs(file: string, named: { results?: string; errors?: string; plan?: string; payloads?: string }): ImportOutputs {
  return {
    results: named.results ?? besideInput(file, 'results', '.csv'),
    errors: named.errors ?? besideInput(file, 'errors', errorsExtension(file)),
    errorsIsDefault: named.errors === undefined,
    plan: named.plan,
    payloads: named.payloads,
  };
}

/**
 * Refuses an output that is the input itself (by path, or the same file under another name), so
 * that no flag can make a run, even a dry run, write over the file it reads.
 */
export async function refuseInputAsOutput(file: string, outputs: ImportOutputs): Promise<void> {
  const input = await stat(file).catch(() => undefined);
  const named: [string, string | undefined][] = [['--results', outputs.results], ['--errors', outputs.errors], ['--plan', outputs.plan], ['--payloads', outputs.payloads]];
  for (const [flag, output] of named) {
    if (!output) continue;
    const ext = path.extname(output).toLowerCase();
    const folder = await stat(output).then((o) => o.isDirectory(), () => false); // said by the check of what can be written
    if (flag !== '--payloads' && ext !== '.csv' && ext !== '.xlsx' && !folder) {
      throw new CdbError('USAGE', `${flag} ${output}: these files are written as csv or xlsx, and the name says ${ext ? `"${ext}"` : 'neither'}. Nothing was read or sent.`, {
        hint: `Name it .csv or .xlsx (e.g. ${flag} ${path.basename(output, path.extname(output))}.csv).`,
      });
    }
    const same = path.resolve(output) === path.resolve(file) || (input !== undefined && (await stat(output).then((o) => o.dev === input.dev && o.ino === input.ino, () => false)));
    if (same) {
      throw new CdbError('USAGE', `${flag} names the file being imported: writing there would replace it. Nothing was read or sent.`, {
        context: { file: output },
        hint: `Give ${flag} another file name.`,
      });
    }
  }
}

/** What was thrown, as an Error (writers throw Errors; anything else is named). */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(`not an Error: ${JSON.stringify(thrown)}`);
}

/** How one row ended, as the results file says it. */
export interface RowResult {
  outcome: Outcome;
  /** An invalid row's problems: the errors file marks the cells they name. */
  issues?: readonly RowIssue[];
  id?: number;
  uuid?: string;
  changed?: string;
  reason?: string;
}

export const RESULT_COLUMNS = ['Row', 'Outcome', 'Job id', 'UUID', 'Changed', 'Reason', 'Run'];
export const PLAN_COLUMNS = ['Row', 'Action', 'Key', 'Job id', 'UUID', 'Changes'];

/** Opens the results file (csv or xlsx, by its name) for a file with this header. */
export async function openResults(file: string, header: readonly string[], detected: Detected, mode?: number): Promise<RowsWriter> {
  return openRowsWriter(file, { header: [...RESULT_COLUMNS, ...header], format: outputFormat(file), delimiter: detected.delimiter ?? ';', bom: true, sheet: 'Results', mode });
}

/** The plan file: one row per input row, with its action. */
export class PlanFile {
  private constructor(
    private readonly writer: RowsWriter,
    private readonly header: readonly string[],
    private readonly mapping?: ValueContext,
  ) {}

  static async open(file: string, header: readonly string[], detected: Detected, mode?: number, mapping?: ValueContext): Promise<PlanFile> {
    const writer = await openRowsWriter(file, { header: [...PLAN_COLUMNS, ...header], format: outputFormat(file), delimiter: detected.delimiter ?? ';', bom: true, sheet: 'Plan', mode });
    return new PlanFile(writer, header, mapping);
  }

  async write({ row, key, action }: PlannedRow): Promise<void> {
    const id = 'id' in action ? action.id : undefined;
    const uuid = 'uuid' in action ? action.uuid : undefined;
    const kept = (action.kind === 'update' || action.kind === 'unchanged') && action.kept ? keptText(action.kept, this.mapping) : '';
    const detail = action.kind === 'update' ? [action.changes.map((c) => c.path).join(', '), kept].filter(Boolean).join('; ') : 'reason' in action ? action.reason : kept;
    await this.writer.write([row.row, action.kind, key ?? '', id ?? '', uuid ?? '', detail, ...inputCells(this.header, row)]);
  }

  close(): Promise<void> {
    return this.writer.close();
  }

  abort(): Promise<void> {
    return this.writer.abort?.() ?? Promise.resolve();
  }
}

/**
 * Writes results (and the rejected and failed rows to the errors file) in input order, although
 * rows finish in any order. Rows are written once per turn of the event loop, after the answers
 * that came in together have started their rows' next requests.
 */
export class ResultsInOrder {
  private readonly waiting = new Map<number, { row: SheetRow; result: RowResult }>();
  private next = 0;
  private chain: Promise<void> = Promise.resolve();
  private flushing = false;
  /** The first write that failed: the run stops, and `done()` throws it. */
  private failure: unknown;

  constructor(
    private readonly results: RowsWriter,
    private readonly errors: ErrorRows,
    private readonly header: readonly string[],
    private readonly run: string,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  private schedule(): void {
    this.chain = this.chain
      .then(() => this.flush())
      .catch((error: unknown) => {
        if (this.failure === undefined) this.onFailure(error);
        this.failure ??= error;
      });
  }

  /** Records the result of the `seq`-th row of the file. */
  put(seq: number, row: SheetRow, result: RowResult): void {
    this.waiting.set(seq, { row, result });
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      this.schedule();
    });
  }

  private async flush(): Promise<void> {
    if (this.failure !== undefined) return;
    for (let w = this.waiting.get(this.next); w; w = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.next++;
      const { row, result: r } = w;
      await this.results.write([row.row, r.outcome, r.id ?? '', r.uuid ?? '', r.changed ?? '', r.reason ?? '', this.run, ...inputCells(this.header, row)]);
      if (r.outcome === 'rejected' || r.outcome === 'failed') await this.errors.add(row, r.reason ?? r.outcome, r.issues);
    }
  }

  /** Writes what is still waiting, then closes both files; throws the first write that failed. */
  async close(): Promise<void> {
    this.schedule();
    await this.chain;
    if (this.failure !== undefined) throw asError(this.failure);
    await this.results.close();
    await this.errors.close();
  }

  /** Drops the results file's temporary (a run whose results could not be written). */
  async abort(): Promise<void> {
    await this.results.abort?.().catch(() => undefined);
  }

  get errorsUsed(): boolean {
    return this.errors.used;
  }
}

export { ErrorRows };
