import type { UndoSummary } from '../../undo/apply-undo.js';
import type { UndoPlan } from '../../undo/plan-undo.js';
import type { UndoItem } from '../../undo/undo-items.js';
import { describeValue } from '../../import/job-diff.js';

const SHOWN = 20;
const s = (n: number) => (n === 1 ? '' : 's');
const job = (item: UndoItem) => `job ${item.id ?? item.uuid} (row ${item.row})`;

/** What a restore changes, in the file's words (`priority: Hög → Låg`), as the run recorded them. */
function putBack(item: UndoItem, plan: UndoPlan): string {
  const words = plan.header.words;
  return Object.keys(item.sent)
    .filter((key) => key !== 'uuid')
    .map((key) => `${key}: ${describeValue(key, item.after?.[key] ?? item.sent[key], words)} → ${describeValue(key, item.before?.[key], words)}`)
    .join('; ');
}

/** The plan as lines. */
export function describeUndo(plan: UndoPlan): string[] {
  const lines = [`Run ${plan.run}: ${plan.deletes.length} job${s(plan.deletes.length)} to delete (created by the run), ${plan.restores.length} to put back as they were (updated by the run).`];
  for (const item of plan.deletes.slice(0, SHOWN)) lines.push(`  delete ${job(item)}`);
  if (plan.deletes.length > SHOWN) lines.push(`  … and ${plan.deletes.length - SHOWN} more to delete`);
  for (const item of plan.restores.slice(0, SHOWN)) lines.push(`  put back ${job(item)}: ${putBack(item, plan)}`);
  if (plan.restores.length > SHOWN) lines.push(`  … and ${plan.restores.length - SHOWN} more to put back`);
  if (plan.changed.length) {
    lines.push(`${plan.changed.length} job${plan.changed.length === 1 ? ' was' : 's were'} changed since the run (or cannot be proven untouched) and will be left alone:`);
    for (const { item, fields, why } of plan.changed.slice(0, SHOWN)) lines.push(`  ${job(item)}: ${fields.length ? `${fields.join(', ')} differ${fields.length === 1 ? 's' : ''} from what the run left` : why}`);
  }
  if (plan.notMade.length) {
    const shown = plan.notMade.slice(0, 10).map((item) => `job ${item.id ?? item.uuid} (row ${item.row})`).join(', ');
    lines.push(`${plan.notMade.length} job${s(plan.notMade.length)} the run wrote to had just been made by another run or person: not the run's to delete, and what ${plan.notMade.length === 1 ? 'it' : 'they'} held before the run's write is not known, so ${plan.notMade.length === 1 ? 'it is' : 'they are'} left as ${plan.notMade.length === 1 ? 'it is' : 'they are'}: ${shown}${plan.notMade.length > 10 ? ', …' : ''}. Check ${plan.notMade.length === 1 ? 'it' : 'them'} in Coredination.`);
  }
  if (plan.gone.length) lines.push(`${plan.gone.length} job${plan.gone.length === 1 ? ' is' : 's are'} no longer on the server (deleted since): never made again.`);
  if (plan.alreadyUndone) lines.push(`${plan.alreadyUndone} job${plan.alreadyUndone === 1 ? ' was' : 's were'} taken back by an earlier undo.`);
  if (!plan.ended) lines.push("Warning: the run's record stops before the run's end (the run was killed, the record was cut short, or an earlier version wrote it): undo takes back what it holds; a job the run wrote after its last line is not known to undo. The run's results file, when it wrote one, lists every row it made.");
  return lines;
}

/** The end of an undo as lines. */
export function describeUndone(plan: UndoPlan, summary: UndoSummary, interrupted: boolean): string[] {
  const left = plan.changed.length + summary.changedSince.length;
  const lines = [`Undone: ${summary.deleted} deleted, ${summary.restored} put back, ${summary.failed.length} failed, ${left} left alone (changed since), ${plan.gone.length + summary.goneSince.length} no longer on the server.`];
  for (const item of summary.lostAnswer.slice(0, SHOWN)) lines.push(`  ${job(item)}: deleted; the answer was lost, the job is gone`);
  for (const { item, fields, why } of summary.changedSince.slice(0, SHOWN)) lines.push(`  ${job(item)}: ${fields.length ? `${fields.join(', ')} changed` : why} after the plan was shown: left alone`);
  for (const item of summary.goneSince.slice(0, SHOWN)) lines.push(`  ${job(item)}: deleted by someone after the plan was shown: not made again`);
  for (const { item, reason } of summary.failed.slice(0, SHOWN)) lines.push(`  ${job(item)}: ${reason}`);
  if (interrupted) lines.push('Interrupted: run the same command again to finish; what was taken back is not done twice.');
  else if (summary.failed.length) lines.push('Run the same command again to retry the failed ones.');
  return lines;
}

/** The plan as JSON. */
export function undoPlanJson(plan: UndoPlan) {
  return {
    run: plan.run,
    deletes: plan.deletes.length,
    restores: plan.restores.length,
    changed: plan.changed.map((c) => ({ uuid: c.item.uuid, id: c.item.id ?? null, row: c.item.row, fields: c.fields, why: c.why })),
    gone: plan.gone.length,
    notMade: plan.notMade.length,
    alreadyUndone: plan.alreadyUndone,
  };
}
