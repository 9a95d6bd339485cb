import type { Job } from '../api/types.js';
import type { SheetRow } from '../readers/cell.js';
import type { MappedRow } from '../mapping/map-row.js';
import type { FieldChange } from './job-diff.js';

/**
 * What one row will do to the account, decided before anything is sent. Only `create`, `update`
 * and `settle` send anything; the applier re-checks an update against the job as it is right
 * before the write, and checks every answer.
 */
export type RowAction =
  /** A new job: POSTed under a uuid of its own (unkeyed), or PUT to the uuid its key names (keyed). */
  | { kind: 'create'; uuid: string; method: 'POST' | 'PUT'; body: Job }
  /** A job of the account whose mapped fields differ: only those are sent. */
  | { kind: 'update'; uuid: string; id?: number; payload: Job; changes: FieldChange[] }
  /** A job of the account that already holds the row's values: nothing is sent. */
  | { kind: 'unchanged'; uuid: string; id?: number }
  /** Made by an earlier run of this account and mapping (the journal knows its payload): nothing is sent. */
  | { kind: 'done'; uuid: string; id?: number; reason: string }
  /** An earlier run sent it and the answer was lost: looked up by its uuid, and sent again only if absent. */
  | { kind: 'settle'; uuid: string; body: Job }
  /** An earlier run sent it without an answer, and the server cannot say whether it made the job. */
  | { kind: 'unknown'; uuid: string; reason: string }
  /** Nothing is sent, and the row is at fault (invalid, or a key the account cannot match safely). */
  | { kind: 'rejected'; reason: string; id?: number; uuid?: string }
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
}

/** An empty plan. */
export function emptyPlan(): ImportPlan {
  return { counts: { create: 0, update: 0, unchanged: 0, done: 0, settle: 0, unknown: 0, rejected: 0, held: 0 }, updates: [], orphans: 0 };
}
