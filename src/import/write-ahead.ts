import type { Journal, JournalEntry } from './journal.js';
import { asError } from './results.js';
import type { RunEntry, RunRecord } from './run-record.js';

/**
 * Writes what undo and the journal need before a batch of requests leaves: every entry queued in
 * one turn of the event loop goes out in one checked write per file, the run record first.
 */
export class WriteAhead {
  private journalLines: JournalEntry[] = [];
  private recordLines: RunEntry[] = [];
  private flush: Promise<void> | undefined;

  constructor(
    private readonly journal: Journal,
    private readonly record: RunRecord,
  ) {}

  /** Resolves once these entries are with the operating system; rejects when the disk refused them. */
  write(journal: JournalEntry, record?: RunEntry): Promise<void> {
    this.journalLines.push(journal);
    if (record) this.recordLines.push(record);
    return this.scheduled();
  }

  /**
   * An entry that need not be on disk before any request (an answer's after-image): written with
   * the next batch. A write the disk refuses is handed to `failed` (the run stops).
   */
  after(record: RunEntry, failed: (error: unknown) => void): void {
    this.recordLines.push(record);
    this.scheduled().catch(failed);
  }

  /** Waits for the entries queued so far to be written (or refused). */
  async settled(): Promise<void> {
    await this.flush?.catch(() => undefined);
  }

  private scheduled(): Promise<void> {
    this.flush ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        this.flush = undefined;
        const journalLines = this.journalLines.splice(0);
        const recordLines = this.recordLines.splice(0);
        try {
          if (recordLines.length) this.record.append(...recordLines);
          if (journalLines.length) this.journal.append(...journalLines);
          resolve();
        } catch (error) {
          reject(asError(error));
        }
      }),
    );
    return this.flush;
  }
}

