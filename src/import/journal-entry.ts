/** How a row ended. */
export type Outcome = 'created' | 'updated' | 'unchanged' | 'skipped' | 'not-sent' | 'rejected' | 'failed' | 'unknown';

/**
 * A journal line: a run's start, a payload about to be sent (under the uuid it carries), how a
 * send ended, what the server was seen to do with client uuids, or an undo taking a row's job
 * back: `undo` right before its DELETE leaves, `undone` once the job is known to be gone (or put
 * back), or `kept` once it is known that the job is still there.
 */
export type JournalEntry =
  | { t: 'run'; at: number; run: string; file: string; baseUrl: string }
  | { t: 'send'; at: number; hash: string; uuid: string; method: 'POST' | 'PUT' }
  | { t: 'done'; at: number; hash: string; uuid: string; outcome: Outcome; id?: number }
  | { t: 'server'; at: number; uuidKept: boolean }
  | { t: 'undo'; at: number; uuid: string }
  | { t: 'undone'; at: number; uuid: string; outcome: 'deleted' | 'restored' | 'kept' };
