import type { CoredinationClient } from '../api/client.js';
import { CdbError } from '../errors.js';
import { readJob } from '../api/read-job.js';
import { RunRecord, runFile, type RunEntry } from '../import/run-record.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { mapInOrder } from '../util/map-in-order.js';
import { judge } from './judge.js';
import { runItems, type UndoItem } from './undo-items.js';

/** The run's own header: where it wrote, and how the server behaved. */
export type RunHeader = Extract<RunEntry, { t: 'run' }>;

/** What `undo` will do, and what it leaves alone, with why. */
export interface UndoPlan {
  run: string;
  file: string;
  header: RunHeader;
  deletes: UndoItem[];
  restores: UndoItem[];
  /** Changed since the run (or not provably untouched): left alone, with the fields that differ. */
  changed: { item: UndoItem; fields: string[]; why: string }[];
  /** No longer on the server: never made again. */
  gone: UndoItem[];
  /** Jobs the run wrote to that someone made a moment before: the run did not create them. */
  notMade: UndoItem[];
  /** Taken back by an earlier undo of the same run. */
  alreadyUndone: number;
  /** The record's last signature, to append what is taken back. */
  lastMac: string;
  /** False when the record has no end: the run was killed, or the record was cut short. */
  ended: boolean;
}

/** A run's verified record, or a message saying why undo cannot use it. */
export function readRun(stateDir: string, run: string, account?: string): { file: string; header: RunHeader; entries: RunEntry[]; lastMac: string } {
  const file = runFile(stateDir, run);
  const { entries, lastMac } = RunRecord.read(file, stateDir);
  const header = entries[0];
  if (!header || header.t !== 'run') {
    throw new CdbError('INPUT', `There is no record of run ${run} in ${stateDir}.`, {
      hint: 'A run that sent nothing keeps no record (it changed nothing). Otherwise: undo works on this machine, with the same COREDINATION_STATE_DIR as the import used.',
    });
  }
  if (account !== undefined && header.account !== account) {
    throw new CdbError('USAGE', `Run ${run} was made against ${header.baseUrl} with another key or address than this command uses: undo would change another account's jobs.`, {
      hint: 'Point --base-url and the API key at the account the import was made against.',
    });
  }
  return { file, header, entries, lastMac };
}

/**
 * Plans taking a run back: each job the run created or updated is read and judged against what
 * the run left (see judge). Nothing is changed; the apply reads every job again before it acts.
 */
export async function planUndo(client: CoredinationClient, stateDir: string, run: string, options: { account?: string; reporter?: Reporter; signal?: AbortSignal } = {}): Promise<UndoPlan> {
  const reporter = options.reporter ?? silentReporter;
  const { file, header, entries, lastMac } = readRun(stateDir, run, options.account);
  const { items, notMade, alreadyUndone } = runItems(entries);
  reporter.info(`Checking ${items.length} job${items.length === 1 ? '' : 's'} run ${run} created or updated…`);
  const plan: UndoPlan = { run, file, header, deletes: [], restores: [], changed: [], gone: [], notMade, alreadyUndone, lastMac, ended: entries.some((e) => e.t === 'end') };
  const judged = mapInOrder(items, async (item) => ({ item, job: await readJob(client, item.uuid, { signal: options.signal }) }), 8);
  for await (const { item, job } of judged) {
    item.id ??= job?.id;
    const verdict = judge(item, job);
    if (verdict.act === 'leave') plan.changed.push({ item, fields: verdict.fields, why: verdict.why });
    else if (verdict.act === 'gone') plan.gone.push(item);
    else if (verdict.act === 'already') plan.alreadyUndone++;
    else (verdict.act === 'delete' ? plan.deletes : plan.restores).push(item);
  }
  return plan;
}
