import { mapInOrder } from '../util/map-in-order.js';
import { sends, type ImportPlan, type PlannedRow } from './actions.js';
import { reasonText, type CheckedRow } from './check-file.js';
import { keptText } from './empty-cells.js';
import { describeChange, type ValueContext } from './job-diff.js';
import { payloadHash } from './journal.js';
import type { KeyedPlanner } from './keyed-planner.js';
import type { UnkeyedPlanner } from './unkeyed-planner.js';

const SHOWN_UPDATES = 20;

/** How rows are decided: by key against the account, or by payload against the journal. */
export interface PlanRules {
  keyed?: KeyedPlanner;
  unkeyed: UnkeyedPlanner;
  /** Send at most this many rows in this run (--limit): the rest are held. */
  limit?: number;
  /** Keyed rows decided at once, at most (a matched job may need reading whole first). */
  concurrency?: number;
}

/**
 * One pass of the planner over a file's checked rows: every row's action decided before anything
 * is sent, and decided alike on every pass over the same rows (a large file is read again for
 * sending, and planned again).
 */
export class PlanPass {
  /** How many rows of each unkeyed payload the pass has seen. */
  readonly counted = new Map<string, number>();
  private readonly unkeyed: ReturnType<UnkeyedPlanner['pass']>;
  private sending = 0;

  constructor(private readonly rules: PlanRules) {
    this.unkeyed = rules.unkeyed.pass();
  }

  /** A row's action; keyed rows may be decided several at once (`inOrder` then restores the order). */
  async decide({ row, mapped }: CheckedRow): Promise<PlannedRow> {
    if (mapped.issues.length) return { row, mapped, hash: '', key: mapped.key, action: { kind: 'rejected', reason: mapped.issues.map(reasonText).join('; ') } };
    const { keyed } = this.rules;
    if (keyed) {
      const key = keyed.keyOf(mapped);
      const action = await keyed.decide(mapped);
      return { row, mapped, hash: payloadHash(mapped.job), key, action };
    }
    const hash = payloadHash(mapped.job);
    this.counted.set(hash, (this.counted.get(hash) ?? 0) + 1);
    return { row, mapped, hash, action: this.unkeyed(mapped, hash) };
  }

  /** Takes the rows in file order: what --limit holds back is decided here. */
  inOrder(planned: PlannedRow): PlannedRow {
    if (sends(planned.action)) {
      if (this.rules.limit !== undefined && this.sending >= this.rules.limit) planned.action = { kind: 'held', reason: 'not sent: beyond --limit' };
      else this.sending++;
    }
    return planned;
  }

  /** Each row with its action, in file order. */
  async *rows(source: AsyncIterable<CheckedRow> | Iterable<CheckedRow>): AsyncGenerator<PlannedRow> {
    const width = this.rules.keyed ? (this.rules.concurrency ?? 4) * 2 : 1;
    for await (const planned of mapInOrder(source, (checked) => this.decide(checked), width)) yield this.inOrder(planned);
  }
}

/**
 * Adds a planned row to the plan's counts and, for the first updates and the first rows whose
 * empty cells keep a job's value, what they do in the file's words (the mapping's value maps,
 * names of lists, wall-clock times in its zone).
 */
export function tally(plan: ImportPlan, planned: PlannedRow, mapping?: ValueContext | string): void {
  const { action } = planned;
  plan.counts[action.kind]++;
  const context = typeof mapping === 'string' ? { timezone: mapping } : mapping;
  if (action.kind === 'update' && plan.updates.length < SHOWN_UPDATES) {
    plan.updates.push(`row ${planned.row.row} (${planned.key ?? ''}): ${action.changes.map((c) => describeChange(c, context)).join('; ')}`);
  }
  if (action.kind === 'rejected' && !planned.mapped.issues.length) {
    // The check's problems are told by the check; these only the plan knows.
    plan.rejections.rows++;
    if (plan.rejections.shown.length < SHOWN_UPDATES) plan.rejections.shown.push(`row ${planned.row.row}${planned.key ? ` (${planned.key})` : ''}: ${action.reason}`);
    if (action.lostZeros) {
      plan.lostZeros.rows++;
      for (const width of action.lostZeros) if (!plan.lostZeros.widths.includes(width)) plan.lostZeros.widths.push(width);
    }
  }
  if ((action.kind === 'update' || action.kind === 'unchanged') && action.kept) {
    const { kept } = plan;
    kept.rows++;
    kept.fields += action.kept.length;
    for (const field of action.kept) kept.byColumn[field.column] = (kept.byColumn[field.column] ?? 0) + 1;
    if (kept.shown.length < SHOWN_UPDATES) kept.shown.push(`row ${planned.row.row} (${planned.key ?? ''}): ${keptText(action.kept, context)}`);
  }
}
