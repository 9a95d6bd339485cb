import type { ImportPlan } from '../../import/actions.js';
import { rowsText } from '../../util/plural.js';
import type { FileCheck } from '../../import/check-file.js';
import type { IssueGroup } from '../../import/issue-groups.js';
import type { ImportSummary } from '../../import/run-import.js';
import { formatIssue } from '../../mapping/map-row.js';
import { shellQuote, shownName } from './names.js';

const SHOWN_ISSUES = 20;
const SHOWN_REJECTIONS = 3;
const s = (n: number) => (n === 1 ? '' : 's');

/** What the check found, as lines. */
export function describeCheck(check: FileCheck): string[] {
  const d = check.detected;
  const how = d.format === 'csv' ? `csv, ${d.encoding}${d.bom ? ' with BOM' : ''}, delimiter ${d.delimiter === '\t' ? 'tab' : `"${d.delimiter}"`}` : `${d.format}, sheet "${d.sheet}"`;
  const lines = [`Checked ${shownName(check.file)} (${how}): ${rowsText(check.rows)}, ${check.valid} valid, ${check.invalid} invalid.`];
  // The same problem of the same column on many rows is one line.
  let shown = 0;
  for (const group of check.issueGroups.slice(0, SHOWN_ISSUES)) {
    lines.push(`  ${groupText(group)}`);
    shown += group.count;
  }
  if (check.issueCount > shown) lines.push(`  … and ${check.issueCount - shown} more problems (all of them are in the errors file).`);
  lines.push(...describeWarnings(check));
  if (check.errorsFile) lines.push(`Invalid rows are in ${shownName(check.errorsFile)}, with the reason in the last column: fix them there and import that file.`);
  if (check.payloadsFile) lines.push(`What would be sent is in ${shownName(check.payloadsFile)} (one JSON line per row).`);
  return lines;
}

/** `row 17, column "Start": …`, or for many rows `rows 2, 3, 4 and 236 more (239 rows), column "Prioritet": …`. */
function groupText(group: IssueGroup): string {
  if (group.count === 1) return formatIssue({ row: group.rows[0] as number, column: group.column, field: group.field, message: group.message });
  const more = group.count - group.rows.length;
  const rows = `rows ${group.rows.join(', ')}${more ? ` and ${more} more (${group.count} rows)` : ''}`;
  return `${rows}${group.column ? `, column "${group.column}"` : group.field ? `, field ${group.field}` : ''}: ${group.message}`;
}

/** The signs that the file is probably not what was meant, one line each. */
export function describeWarnings(check: FileCheck): string[] {
  return check.findings.map((w) => `Warning: ${w.message}`);
}

/** Every warning of a check, for --json: the reader's (values it read past) and the file's. */
function warningsJson(check: FileCheck) {
  return [...check.warnings.map((message) => ({ kind: 'reader', message })), ...check.findings];
}

/** The check as JSON. */
export function checkJson(check: FileCheck) {
  return {
    file: check.file,
    detected: check.detected,
    rows: check.rows,
    valid: check.valid,
    invalid: check.invalid,
    issues: check.issues.map((issue) => ({ ...issue, text: formatIssue(issue) })),
    issueCount: check.issueCount,
    errorsFile: check.errorsFile ?? null,
    payloadsFile: check.payloadsFile ?? null,
    issueGroups: check.issueGroups,
    warnings: warningsJson(check),
  };
}

/** The plan as lines: what each row will do, then the first updates with what they change (every row: in `planFile`, when one was written). */
export function describePlan(plan: ImportPlan, planFile?: string): string[] {
  const c = plan.counts;
  const every = planFile ? `${shownName(planFile)} lists every row` : '--plan plan.csv lists every row';
  // Unkeyed rows are only ever created (or known as done): updates need a key.
  const parts = plan.account ? [`${c.create} to create`, `${c.update} to update`, `${c.unchanged} unchanged`] : [`${c.create} to create`];
  if (c.done) parts.push(`${c.done} already sent by earlier runs (skipped)`);
  if (c.settle) parts.push(`${c.settle} sent by an earlier run without an answer (looked up first)`);
  if (c.unknown) parts.push(`${c.unknown} unknown (an earlier run's answer was lost, and the server cannot say)`);
  if (c.rejected) parts.push(`${c.rejected} rejected`);
  if (c.held) parts.push(`${c.held} held back by --limit`);
  const against = plan.account ? ` against the account (${plan.account.jobs} jobs${plan.account.readings > 1 ? `, read ${plan.account.readings} times: ${plan.account.changedWhileRead ?? 'it changed while it was read'}` : ''})` : '';
  const lines = [`Plan${against}: ${parts.join(', ')}.`];
  for (const update of plan.updates) lines.push(`  update ${update}`);
  if (c.update > plan.updates.length) lines.push(`  … and ${c.update - plan.updates.length} more updates (${every}).`);
  const { lostZeros } = plan;
  if (lostZeros.rows) {
    lines.push(`${lostZeros.rows} key${s(lostZeros.rows)} of the file match a job of the account only with leading zeros (the file's 50000 is the account's 0050000): the file seems to have lost them, and nothing is sent for ${lostZeros.rows === 1 ? 'that row' : 'those rows'}. Give the key column pad: ${lostZeros.widths.join(' or ')} in the mapping to put the zeros back.`);
  }
  const shownRejections = plan.rejections.shown.slice(0, SHOWN_REJECTIONS);
  for (const rejection of shownRejections) lines.push(`  reject ${rejection}`);
  const otherRejections = plan.rejections.rows - shownRejections.length;
  if (otherRejections > 0) lines.push(`  … and ${otherRejections} more rejected rows (${every} with its reason).`);
  const { kept } = plan;
  if (kept.rows) {
    const columns = Object.entries(kept.byColumn).map(([column, n]) => `${column} ${n}`).join(', ');
    lines.push(`Empty cells keep the job's value on ${kept.rows} row${s(kept.rows)} (${columns}); empty: clear on a column clears it instead.`);
    for (const text of kept.shown) lines.push(`  kept ${text}`);
    if (kept.rows > kept.shown.length) lines.push(`  … and ${kept.rows - kept.shown.length} more rows (${every}).`);
  }
  if (plan.orphans) lines.push(`${plan.orphans} send${s(plan.orphans)} of earlier runs whose answer was lost are not in this file (an edited or removed row?): the import looks ${plan.orphans === 1 ? 'it' : 'them'} up first and says what it finds.`);
  return lines;
}

/** A dry run as lines. */
export function describeDryRun(summary: ImportSummary, note: string[] = []): string[] {
  const lines = [...describeCheck(summary.check)];
  if (summary.plan) lines.push(...describePlan(summary.plan, summary.planFile));
  if (summary.planFile) lines.push(`The plan is in ${shownName(summary.planFile)}, one row per input row.`);
  lines.push(...note, 'Dry run: nothing was sent.');
  return lines;
}

/** The end of a real import as lines. */
export function describeImport(summary: ImportSummary, options: { undoHint?: boolean } = {}): string[] {
  const c = summary.counts;
  const lines: string[] = [];
  lines.push(...describeWarnings(summary.check));
  const { check } = summary;
  if (check.invalid) {
    // --skip-invalid: what was wrong with the rows left out, as the dry run says it.
    lines.push(`${rowsText(check.invalid)} invalid, not sent (--skip-invalid):`);
    let shown = 0;
    for (const group of check.issueGroups.slice(0, SHOWN_REJECTIONS)) {
      lines.push(`  ${groupText(group)}`);
      shown += group.count;
    }
    if (check.issueCount > shown) lines.push(`  … and ${check.issueCount - shown} more problems (all of them are in the errors file).`);
  }
  const what = `${rowsText(summary.reported)}: ${c.created} created, ${c.updated} updated, ${c.unchanged ? `${c.unchanged} unchanged, ` : ''}${c.skipped} skipped, ${c['not-sent'] ? `${c['not-sent']} not sent, ` : ''}${c.rejected} rejected, ${c.failed} failed, ${c.unknown} unknown`;
  // The plan of a keyed import says what matched; an unkeyed one's is the counts below, and the
  // rows it rejected with why.
  if (summary.plan?.account || summary.plan?.rejections.rows) lines.push(...describePlan(summary.plan, summary.planFile));
  if (summary.status === 'done') lines.push(`Done in ${summary.seconds.toFixed(1)} s. ${what}.`);
  else if (summary.status === 'interrupted') lines.push(`Interrupted after ${summary.seconds.toFixed(1)} s. ${what}.`);
  else lines.push(`Stopped after ${summary.seconds.toFixed(1)} s. ${what}.`);
  if (summary.retries || summary.throttles) lines.push(`The server asked to slow down ${summary.throttles} times; ${summary.retries} requests were retried.`);
  if (summary.limited) lines.push('--limit: only the first rows were sent. Run again without --limit to send the rest; rows already sent are skipped.');
  if (summary.unknownRows.length) {
    const rows = summary.unknownRows.slice(0, 20).join(', ');
    lines.push(`${rowsText(summary.unknownRows.length)} may or may not have created a job: no answer came (rows ${rows}${summary.unknownRows.length > 20 ? ', …' : ''}).`);
    lines.push('Run the same command again: it looks each one up on the server by the uuid it sent and sends only those not there. Where the server cannot say, decide with --unknown send or --unknown skip.');
  }
  for (const job of summary.orphansFound.slice(0, 20)) lines.push(`Job ${job.id ?? job.uuid} was made by an earlier run whose answer was lost; no row of this file sends what it was sent with (an edited or removed row?): check it in Coredination.`);
  const changedSomething = c.created + c.updated + c.unknown > 0;
  const undoable = summary.run && changedSomething && options.undoHint !== false;
  if (summary.resultsFile) lines.push(`Results: ${shownName(summary.resultsFile)}${undoable ? ` (run ${summary.run}; "coredination-batch undo ${shellQuote(summary.resultsFile)}" takes it back)` : ''}`);
  // A run-wide failure is not the rows' fault: only the re-run advice applies then.
  if (summary.errorsFile && summary.status === 'done') lines.push(`Rejected and failed rows: ${shownName(summary.errorsFile)} (fix them there and import that file).`);
  if (summary.status === 'interrupted' || summary.status === 'aborted') lines.push('Run the same command again to resume: rows already done are skipped.');
  return lines;
}

/** A real import as one JSON document. */
export function importJson(summary: ImportSummary) {
  return {
    status: summary.status,
    file: summary.check.file,
    rows: summary.check.rows,
    counts: summary.counts,
    resultsFile: summary.resultsFile ?? null,
    errorsFile: summary.errorsFile ?? null,
    unknownRows: summary.unknownRows,
    warnings: warningsJson(summary.check),
    plan: summary.plan ?? null,
    run: summary.run ?? null,
    limited: summary.limited,
    retries: summary.retries,
    throttles: summary.throttles,
    seconds: summary.seconds,
    error: summary.error ? { code: summary.error.code, message: summary.error.message, hint: summary.error.hint ?? null } : null,
  };
}
