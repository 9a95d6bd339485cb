import { readdirSync } from 'node:fs';
import { CdbError } from '../errors.js';
import { RUN_ID, runsDir } from '../import/run-record.js';
import { cellText } from '../readers/cell.js';
import { openSpreadsheet } from '../readers/spreadsheet.js';
import { readRun } from './plan-undo.js';
import { runItems } from './undo-items.js';

/** The run an undo takes back, and, when it is not the one the results file names, why. */
export interface UndoTarget {
  run: string;
  /** Set when the results file's own run changed nothing: the run that last changed its rows. */
  instead?: { named: string };
}

/** The Run column's runs and the UUID column's jobs of a results file. */
async function readResults(file: string): Promise<{ runs: string[]; uuids: Set<string> }> {
  const sheet = await openSpreadsheet(file);
  try {
    const runColumn = sheet.header.indexOf('Run');
    const uuidColumn = sheet.header.indexOf('UUID');
    if (runColumn === -1) {
      throw new CdbError('INPUT', 'This file has no Run column: it is not the results file of an import.', {
        context: { file },
        hint: 'Give the results file an import wrote (<file>.results.csv), or the run id its summary printed.',
      });
    }
    const runs = new Set<string>();
    const uuids = new Set<string>();
    for await (const row of sheet.rows) {
      const run = cellText(row.cells[runColumn]).trim();
      if (run) runs.add(run);
      const uuid = uuidColumn === -1 ? '' : cellText(row.cells[uuidColumn]).trim().toLowerCase();
      if (uuid) uuids.add(uuid);
    }
    return { runs: [...runs], uuids };
  } finally {
    await sheet.close();
  }
}

/** Whether a run's record holds anything to take back (and, with `uuids`, of those jobs). */
function changes(stateDir: string, run: string, account: string | undefined, uuids?: ReadonlySet<string>): boolean {
  try {
    const { items } = runItems(readRun(stateDir, run, account).entries);
    return items.some((item) => !uuids || uuids.has(item.uuid));
  } catch {
    return false; // another account's, or a record that does not verify: not this one
  }
}

/**
 * The run a results file (its `Run` column) or a run id names. A results file rewritten by a run
 * that changed nothing (everything unchanged or done before) still takes back what its rows had
 * done: the newest run of this account that changed any of its jobs, said as such.
 */
export async function runOf(target: string, stateDir: string, account?: string): Promise<UndoTarget> {
  if (RUN_ID.test(target)) return { run: target };
  const { runs, uuids } = await readResults(target);
  const named = runs.at(-1);
  if (!named) throw new CdbError('INPUT', 'The results file names no run (its Run column is empty).', { context: { file: target } });
  if (changes(stateDir, named, account) || !uuids.size) return { run: named };
  let names: string[];
  try {
    names = readdirSync(runsDir(stateDir));
  } catch {
    return { run: named };
  }
  const newestFirst = names.filter((n) => n.endsWith('.jsonl')).map((n) => n.slice(0, -'.jsonl'.length)).filter((r) => RUN_ID.test(r) && r !== named).sort().reverse();
  for (const run of newestFirst) if (changes(stateDir, run, account, uuids)) return { run, instead: { named } };
  return { run: named };
}
