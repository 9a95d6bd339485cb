import pLimit from 'p-limit';
import { PUT_IS_PARTIAL } from '../api/assumptions.js';
import type { CoredinationClient } from '../api/client.js';
import type { Job } from '../api/types.js';
import { ApiError, CdbError } from '../errors.js';
import { openSpreadsheet } from '../readers/spreadsheet.js';
import { cellText } from '../readers/cell.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { sameValue, withoutServerFields } from '../import/job-diff.js';
import { readJob } from '../import/read-job.js';
import { RunRecord, runFile, type RunEntry } from '../import/run-record.js';

/** One job a run changed, and what undoing it means. */
export interface UndoItem {
  uuid: string;
  id?: number;
  row: number;
  /** delete: the run created it; restore: the run updated it. */
  kind: 'delete' | 'restore';
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  /** The job's `modified` as the run left it. */
  modified?: number;
}

/** What `undo` will do: and what it leaves alone, with why. */
export interface UndoPlan {
  run: string;
  file: string;
  deletes: UndoItem[];
  restores: UndoItem[];
  /** Changed by someone since the run: left alone, with the fields that differ. */
  changed: { item: UndoItem; fields: string[] }[];
  /** No longer on the server. */
  gone: UndoItem[];
  /** Taken back by an earlier undo of the same run. */
  alreadyUndone: number;
}

/** How an undo ended. */
export interface UndoSummary {
  deleted: number;
  restored: number;
  failed: { item: UndoItem; reason: string }[];
}

const RUN_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[0-9a-f]{4}$/;

/** The run a results file (its `Run` column) or a run id names. */
export async function runOf(target: string): Promise<string> {
  if (RUN_ID.test(target)) return target;
  const sheet = await openSpreadsheet(target);
  try {
    const column = sheet.header.indexOf('Run');
    if (column === -1) {
      throw new CdbError('INPUT', 'This file has no Run column: it is not the results file of an import.', {
        context: { file: target },
        hint: 'Give the results file an import wrote (<file>.results.csv), or the run id its summary printed.',
      });
    }
    for await (const row of sheet.rows) {
      const run = cellText(row.cells[column]).trim();
      if (run) return run;
    }
  } finally {
    await sheet.close();
  }
  throw new CdbError('INPUT', 'The results file names no run (its Run column is empty).', { context: { file: target } });
}

/** The jobs a run created and updated, from its record, less what an earlier undo took back. */
function itemsOf(entries: RunEntry[]): { items: UndoItem[]; alreadyUndone: number } {
  const byUuid = new Map<string, UndoItem>();
  const outcomes = new Map<string, string>();
  const undone = new Set<string>();
  for (const entry of entries) {
    if (entry.t === 'create') byUuid.set(entry.uuid, { uuid: entry.uuid, row: entry.row, kind: 'delete', after: entry.after });
    else if (entry.t === 'update') byUuid.set(entry.uuid, { uuid: entry.uuid, id: entry.id, row: entry.row, kind: 'restore', before: entry.before, after: entry.after });
    else if (entry.t === 'done') {
      outcomes.set(entry.uuid, entry.outcome);
      let item = byUuid.get(entry.uuid);
      // An unkeyed row's job is known by its uuid only once the answer came.
      if (!item && entry.outcome === 'created') byUuid.set(entry.uuid, (item = { uuid: entry.uuid, row: entry.row, kind: 'delete' }));
      if (item) Object.assign(item, { id: entry.id ?? item.id, modified: entry.modified });
    } else if (entry.t === 'undone') undone.add(entry.uuid);
  }
  const items = [...byUuid.values()].filter((item) => {
    const outcome = outcomes.get(item.uuid);
    // Rejected or failed requests changed nothing; an unanswered one may have: the server says.
    return !undone.has(item.uuid) && (outcome === undefined || outcome === 'created' || outcome === 'updated' || outcome === 'unknown');
  });
  return { items, alreadyUndone: undone.size };
}

/**
 * Plans taking a run back: the jobs it created are deleted and the attributes it updated are put
 * back, unless someone changed the job since (then it is listed, with the fields that differ).
 */
export async function planUndo(client: CoredinationClient, stateDir: string, run: string, reporter: Reporter = silentReporter, account?: string): Promise<UndoPlan> {
  const file = runFile(stateDir, run);
  const entries = RunRecord.read(file);
  if (!entries.length) {
    throw new CdbError('INPUT', `There is no record of run ${run} in ${stateDir}.`, {
      hint: 'Undo works on this machine, with the same COREDINATION_STATE_DIR as the import used.',
    });
  }
  const start = entries.find((e): e is Extract<RunEntry, { t: 'run' }> => e.t === 'run');
  if (account !== undefined && start && start.account !== account) {
    throw new CdbError('USAGE', `Run ${run} was made against ${start.baseUrl} with another key or address than this command uses: undo would change another account's jobs.`, {
      hint: 'Point --base-url and the API key at the account the import was made against.',
    });
  }
  const { items, alreadyUndone } = itemsOf(entries);
  reporter.info(`Checking ${items.length} job${items.length === 1 ? '' : 's'} run ${run} created or updated…`);
  const plan: UndoPlan = { run, file, deletes: [], restores: [], changed: [], gone: [], alreadyUndone };
  const limit = pLimit(8);
  await Promise.all(
    items.map((item) =>
      limit(async () => {
        const job = await readJob(client, item.uuid, { baseDelayMs: 200 });
        if (!job) return void plan.gone.push(item);
        item.id ??= job.id;
        // Changed since the run: the attributes it set no longer hold what it set (by value, so a
        // later run that was itself undone does not count).
        const fields = Object.entries(item.after ?? {})
          .filter(([attribute]) => attribute !== 'uuid')
          .filter(([attribute, value]) => !sameValue(job[attribute], value))
          .map(([attribute]) => attribute);
        if (item.kind === 'delete') {
          // Never delete what someone changed since: its values, or its modification time when known.
          const later = item.modified !== undefined && job.modified !== item.modified;
          if (fields.length || later) plan.changed.push({ item, fields: fields.length ? fields : ['(changed after the run created it)'] });
          else plan.deletes.push(item);
          return;
        }
        // Already as it was before the run (an earlier undo whose answer was lost): nothing to do.
        if (Object.entries(item.before ?? {}).every(([attribute, value]) => sameValue(job[attribute], value))) {
          plan.alreadyUndone++;
          return;
        }
        if (fields.length) plan.changed.push({ item, fields });
        else plan.restores.push(item);
      }),
    ),
  );
  const byRow = (a: UndoItem, b: UndoItem) => a.row - b.row;
  plan.deletes.sort(byRow);
  plan.restores.sort(byRow);
  plan.changed.sort((a, b) => a.item.row - b.item.row);
  return plan;
}

/** Carries out a plan, recording each job taken back, so that an interrupted undo resumes. */
export async function applyUndo(
  client: CoredinationClient,
  plan: UndoPlan,
  options: { concurrency?: number; putIsPartial?: boolean; signal?: AbortSignal; reporter?: Reporter } = {},
): Promise<UndoSummary> {
  const record = new RunRecord(plan.file);
  record.open();
  const summary: UndoSummary = { deleted: 0, restored: 0, failed: [] };
  const limit = pLimit(options.concurrency ?? 4);
  const putIsPartial = options.putIsPartial ?? PUT_IS_PARTIAL;
  let done = 0;
  const total = plan.deletes.length + plan.restores.length;
  const step = (item: UndoItem) =>
    limit(async () => {
      if (options.signal?.aborted) return;
      try {
        if (item.kind === 'delete') {
          try {
            await client.deleteJob(item.uuid);
          } catch (error) {
            if (!(error instanceof ApiError && error.status === 404)) throw error;
          }
          summary.deleted++;
        } else {
          let body: Job = { ...(item.before ?? {}) };
          if (!putIsPartial) {
            body = { ...withoutServerFields(await client.getJob(item.uuid)), ...body };
          }
          await client.putJob(item.uuid, body);
          summary.restored++;
        }
        record.append({ t: 'undone', uuid: item.uuid, outcome: item.kind === 'delete' ? 'deleted' : 'restored' });
      } catch (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) throw error;
        summary.failed.push({ item, reason: (error as Error).message });
      }
      options.reporter?.progress?.({ phase: 'undo', done: ++done, total });
    });
  try {
    await Promise.all([...plan.deletes, ...plan.restores].map(step));
  } finally {
    record.close();
  }
  return summary;
}
