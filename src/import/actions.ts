import type { Job } from '../api/types.js';
import type { SheetRow } from '../readers/cell.js';
import type { MappedRow } from '../mapping/map-row.js';
import type { KeptField } from './empty-cells.js';
import type { FieldChange } from './job-diff.js';

/**
 * What one row will do to the account, decided before anything is sent. Only `create`, `update`
 * and `settle` send anything; the applier re-checks an update against the job as it is right
 * before the write, and checks every answer.
 */
export type RowAction =
  /** A new job: POSTed under a uuid of its own (unkeyed), or PUT to the uuid its key names (keyed). */
  | { kind: 'create'; uuid: string; method: 'POST' | 'PUT'; body: Job }
  /** A job of the account whose mapped fields differ: only those are sent. `kept`: values its empty cells leave. */
  | { kind: 'update'; uuid: string; id?: number; payload: Job; changes: FieldChange[]; kept?: KeptField[] }
  /** A job of the account that already holds the row's values: nothing is sent. */
  | { kind: 'unchanged'; uuid: string; id?: number; kept?: KeptField[] }
  /** Made by an earlier run of this account and mapping (the journal knows its payload): nothing is sent. */
  | { kind: 'done'; uuid: string; id?: number; reason: string }
  /** An earlier run sent it and the answer was lost: looked up by its uuid, and sent again only if absent. */
  | { kind: 'settle'; uuid: string; body: Job }
  /** An earlier run sent it without an answer, and the server cannot say whether it made the job. */
  | { kind: 'unknown'; uuid: string; reason: string }
  /**
   * Nothing is sent, and the row is at fault (invalid, or a key the account cannot match safely).
   * `lostZeros`: the key matches jobs only with leading zeros, to these widths.
   */
  | { kind: 'rejected'; reason: string; id?: number; uuid?: string; lostZeros?: number[] }
  /** Not sent in this run (beyond --limit). */
  | { kind: 'held'; reason: string };

export type ActionKind = RowAction['kind'];

/** A row with its action. `hash` is its payload's fingerprint: what an unkeyed row is known by. */
export interface PlannedRow {
  row: SheetRow;
  mapped: MappedRow;
  hash: string;
  /** The key as matched (keyed rows). */
  key?: string;
  action: RowAction;
}

/** The actions that send a request. */
export type SendingAction = Extract<RowAction, { kind: 'create' | 'update' | 'settle' }>;

/** Whether an action sends a request. */
export function sends(action: RowAction): action is SendingAction {
  return action.kind === 'create' || action.kind === 'update' || action.kind === 'settle';
}

/** How many rows of each kind, and the first updates in words: what the plan tells the user. */
export interface ImportPlan {
  counts: Record<ActionKind, number>;
  /** The first updates, each as `row 7 (0010037): title: "A" → "B"; …`. */
  updates: string[];
  /** Keyed imports: the account as read. */
  account?: { jobs: number; readings: number; changedWhileRead?: string };
  /** Sends of earlier runs whose answer was lost and that no row of this file sends again. */
  orphans: number;
  /**
   * Keyed: rows whose empty cells leave a value the job holds (`empty: keep`), how many such
   * fields, how many of them per column, and the first rows in words (`row 5 (0050004): Tekniker
   * empty in the file: kept "Anna Berg"`).
   */
  kept: { rows: number; fields: number; byColumn: Record<string, number>; shown: string[] };
  /** Rows the plan rejects although the check found them valid (a key held by several jobs…), and the first in words. */
  rejections: { rows: number; shown: string[] };
  /** Keys that match jobs only with leading zeros (50000 for 0050000): how many, and the widths that would match. */
  lostZeros: { rows: number; widths: number[] };
}

/** An empty plan. (`byColumn` is keyed by the file's headers: no prototype, so that `__proto__` is a header like any.) */
export function emptyPlan(): ImportPlan {
  return { counts: { create: 0, update: 0, unchanged: 0, done: 0, settle: 0, unknown: 0, rejected: 0, held: 0 }, updates: [], orphans: 0, kept: { rows: 0, fields: 0, byColumn: Object.create(null) as Record<string, number>, shown: [] }, rejections: { rows: 0, shown: [] }, lostZeros: { rows: 0, widths: [] } };
}
