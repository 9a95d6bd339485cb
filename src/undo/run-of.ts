import { readdirSync } from 'node:fs';
import { CdbError } from '../errors.js';
import { RUN_ID, RunRecord, runFile, runsDir } from '../import/run-record.js';
import { cellText, type Cell } from '../readers/cell.js';
import { openSpreadsheet } from '../readers/spreadsheet.js';
import { readRun } from './plan-undo.js';
import { runItems, type RunItems } from './undo-items.js';

/** The run an undo takes back, and, when it is not the one the results file names, why. */
export interface UndoTarget {
  run: string;
  /**
   * Set when the results file's own run changed nothing (it sent nothing, so it keeps no record):
   * the one run that made or changed its rows' jobs, taken back instead, and those rows.
   */
  instead?: { named?: string; rows: number[] };
  /** Set when every job the run changed was taken back already (by the undo of `at`): nothing to undo. */
  takenBack?: { at?: number };
}

/** A results file's row, as far as undo needs it. */
interface ResultRow {
  row: number;
  outcome: string;
  uuid: string;
}

/** The Run column's runs and the rows (with their jobs' uuids) of a results file. */
async function readResults(file: string): Promise<{ runs: string[]; rows: ResultRow[] }> {
  const sheet = await openSpreadsheet(file);
  try {
    const column = (name: string) => sheet.header.indexOf(name);
    const [runColumn, rowColumn, outcomeColumn, uuidColumn] = ['Run', 'Row', 'Outcome', 'UUID'].map(column) as [number, number, number, number];
    if (runColumn === -1) {
      throw new CdbError('INPUT', 'This file has no Run column: it is not the results file of an import.', {
        context: { file },
        hint: 'Give the results file an import wrote (<file>.results.csv), or the run id its summary printed.',
      });
    }
    const runs = new Set<string>();
    const rows: ResultRow[] = [];
    const cell = (cells: readonly Cell[], at: number) => (at === -1 ? '' : cellText(cells[at]).trim());
    for await (const row of sheet.rows) {
      const run = cell(row.cells, runColumn);
      if (run) runs.add(run);
      rows.push({ row: Number(cell(row.cells, rowColumn)) || row.row, outcome: cell(row.cells, outcomeColumn), uuid: cell(row.cells, uuidColumn).toLowerCase() });
    }
    return { runs: [...runs], rows };
  } finally {
    await sheet.close();
  }
}

/** A run's items, or undefined when the state folder holds no record of it. Another account's, or an untrusted record, throws. */
function recordOf(stateDir: string, run: string, account: string | undefined): (RunItems & { at: number }) | undefined {
  if (!RunRecord.read(runFile(stateDir, run), stateDir).entries.length) return undefined;
  const { header, entries } = readRun(stateDir, run, account);
  return { ...runItems(entries), at: header.at };
}

/** The runs on record in the state folder (this account's, verified), newest first. */
function recordedRuns(stateDir: string, account: string | undefined, except: string | undefined): { run: string; items: RunItems; at: number }[] {
  let names: string[];
  try {
    names = readdirSync(runsDir(stateDir));
  } catch {
    return [];
  }
  const runs: { run: string; items: RunItems; at: number }[] = [];
  for (const name of names) {
    const run = name.endsWith('.jsonl') ? name.slice(0, -'.jsonl'.length) : '';
    if (!RUN_ID.test(run) || run === except) continue;
    try {
      const found = recordOf(stateDir, run, account);
      if (found) runs.push({ run, items: found, at: found.at });
    } catch {
      // another account's, or a record that does not verify: not one to take back from here
    }
  }
  return runs.sort((a, b) => b.at - a.at || (a.run < b.run ? 1 : -1));
}

const rowList = (rows: number[]) => {
  const sorted = [...new Set(rows)].sort((a, b) => a - b);
  return `row${sorted.length === 1 ? '' : 's'} ${sorted.slice(0, 10).join(', ')}${sorted.length > 10 ? ', …' : ''}`;
};

/**
 * A results file whose own run changed nothing: the run that made its rows' jobs. A `skipped` row
 * (done by an earlier run) names a job an earlier run created; an `unchanged` row (keyed) one an
 * earlier run created or updated. Only a run whose record shows it did that to these very jobs is
 * taken; when several did, undo names them and takes none (each is undone by its id).
 */
function earlierRun(file: string, rows: readonly ResultRow[], stateDir: string, account: string | undefined, named: string | undefined, recorded: boolean): UndoTarget {
  const who = !named
    ? 'The import that wrote this results file sent nothing'
    : recorded
      ? `Run ${named} (named by the results file) changed nothing`
      : `Run ${named} (named by the results file) has no record in ${stateDir}, as a run that sends nothing keeps none`;
  const what = `${who} (its rows were unchanged or done before)`;
  const wanted = new Map<string, { row: number; created: boolean }>();
  for (const r of rows) if (r.uuid && (r.outcome === 'skipped' || r.outcome === 'unchanged')) wanted.set(r.uuid, { row: r.row, created: r.outcome === 'skipped' });
  const made: { run: string; rows: number[] }[] = [];
  const taken: { run: string; at?: number }[] = [];
  const matches = (item: { uuid: string; kind: string }) => {
    const want = wanted.get(item.uuid);
    return want !== undefined && (!want.created || item.kind === 'delete');
  };
  if (wanted.size) {
    for (const { run, items } of recordedRuns(stateDir, account, named)) {
      const rowsMade = items.items.filter(matches).map((item) => wanted.get(item.uuid)?.row ?? item.row);
      if (rowsMade.length) made.push({ run, rows: rowsMade });
      else if (items.taken.some(matches)) taken.push({ run, at: items.undoneAt });
    }
  }
  const [only] = made;
  if (only && made.length === 1) return { run: only.run, instead: { ...(named ? { named } : {}), rows: only.rows } };
  if (made.length > 1) {
    throw new CdbError('INPUT', `${what}; their jobs were made by ${made.length} runs: ${made.map((m) => `${m.run} (${rowList(m.rows)})`).join(', ')}. Undo takes back one run at a time, so it takes none of them from this file.`, {
      context: { file },
      hint: `Undo them one by one by their ids, newest first: coredination-batch undo ${made[0]?.run ?? ''}`,
    });
  }
  const [last] = taken;
  if (last) return { run: last.run, instead: { ...(named ? { named } : {}), rows: [] }, takenBack: last.at === undefined ? {} : { at: last.at } };
  throw new CdbError('INPUT', `${what}, and no run on record in ${stateDir} made or changed its rows' jobs (the ${wanted.size} job${wanted.size === 1 ? '' : 's'} of its UUID column${wanted.size ? ", as the rows say: created for a skipped row" : ''}): there is nothing to undo from this file.`, {
    context: { file },
    hint: 'Undo works on this machine, with the same COREDINATION_STATE_DIR and the same account (URL and key) as the import used. To take back a particular run, give its id: coredination-batch undo <run id>.',
  });
}

/**
 * The run a results file (its `Run` column) or a run id names. A run whose every change was taken
 * back already is said to be so (nothing to undo): undo never walks back to older runs from there.
 * A results file whose own run changed nothing (it sent nothing, so it keeps no record) takes back
 * the one run that made its rows' jobs, said as such.
 */
export async function runOf(target: string, stateDir: string, account?: string): Promise<UndoTarget> {
  if (RUN_ID.test(target)) {
    const own = recordOf(stateDir, target, account);
    if (own && !own.items.length && own.alreadyUndone) return { run: target, takenBack: own.undoneAt === undefined ? {} : { at: own.undoneAt } };
    return { run: target };
  }
  const { runs, rows } = await readResults(target);
  const named = runs.at(-1);
  const own = named ? recordOf(stateDir, named, account) : undefined;
  // A run whose only writes landed on jobs others had just made: its plan lists them, left alone.
  if (named && (own?.items.length || own?.notMade.length)) return { run: named };
  if (named && own?.alreadyUndone) return { run: named, takenBack: own.undoneAt === undefined ? {} : { at: own.undoneAt } };
  return earlierRun(target, rows, stateDir, account, named, own !== undefined);
}
