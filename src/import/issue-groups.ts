import type { RowIssue } from '../mapping/types.js';

/** Problems that say the same thing of the same column, on however many rows. */
export interface IssueGroup {
  column?: string;
  field?: string;
  message: string;
  count: number;
  /** The first rows it is on. */
  rows: number[];
}

const MAX_GROUPS = 500;
const ROWS_KEPT = 3;

/**
 * Groups a check's problems by column and message, so that a word outside a value map on 239
 * rows is one line of the summary, not 239 (the errors file has every row). Problems beyond the
 * first {@link MAX_GROUPS} different ones are only counted.
 */
export class IssueGroups {
  private readonly groups = new Map<string, IssueGroup>();

  add(issue: RowIssue): void {
    const id = `${issue.column ?? ''}\u0000${issue.field ?? ''}\u0000${issue.message}`;
    const group = this.groups.get(id);
    if (group) {
      group.count++;
      if (group.rows.length < ROWS_KEPT) group.rows.push(issue.row);
    } else if (this.groups.size < MAX_GROUPS) {
      this.groups.set(id, { column: issue.column, field: issue.field, message: issue.message, count: 1, rows: [issue.row] });
    }
  }

  list(): IssueGroup[] {
    return [...this.groups.values()];
  }
}
