import { createInterface } from 'node:readline/promises';
import { accountId } from '../../api/account-id.js';
import { CdbError } from '../../errors.js';
import { lockRun } from '../../import/run-record.js';
import { applyUndo } from '../../undo/apply-undo.js';
import { planUndo } from '../../undo/plan-undo.js';
import { runOf } from '../../undo/run-of.js';
import { clientFor } from '../client-options.js';
import { cliReporter } from '../cli-reporter.js';
import type { UndoArgs } from '../command-args.js';
import { Output, type CliIo } from '../io.js';
import { EXIT } from '../render-error.js';
import { describeUndo, describeUndone, undoPlanJson } from '../render/undo-plan.js';
import { settingsFrom } from '../settings.js';
import { onStopSignals } from '../stop-signals.js';
import { epochToWall, formatWall } from '../../time/zone-time.js';
import { stopController } from '../../util/stop-controller.js';

/** When an earlier undo took a run back, in this machine's time. */
function undoneWhen(at: number | undefined): string {
  if (at === undefined) return 'an earlier undo';
  return `the undo of ${formatWall(epochToWall(at, Intl.DateTimeFormat().resolvedOptions().timeZone), 'second')}`;
}

async function confirm(io: CliIo): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    return /^(y|yes|j|ja)$/i.test((await rl.question('Undo this run? [y/N] ')).trim());
  } catch {
    return false; // Ctrl+C or Ctrl+D at the question: no
  } finally {
    rl.close();
  }
}

/** `undo`: the run found, locked, planned, confirmed, applied. */
export async function undoHandler(args: UndoArgs, io: CliIo): Promise<number> {
  const out = new Output(io, args);
  const settings = settingsFrom(args, io);
  const client = clientFor(settings);
  const account = accountId(settings.baseUrl, settings.apiKey);
  const target = await runOf(args.target, settings.stateDir, account);
  const { run } = target;
  const named = target.instead?.named ? `Run ${target.instead.named} (named by the results file)` : 'The import that wrote this results file';
  if (target.takenBack) {
    // Taken back already: said, and nothing touched (never a walk back to older runs).
    const why = target.instead ? `${named} changed nothing; run ${run}, which made its rows' jobs, was` : `Run ${run} was`;
    out.result(`${why} taken back already (by ${undoneWhen(target.takenBack.at)}): nothing to undo.`, { run, takenBack: true, undoneAt: target.takenBack.at ?? null, instead: target.instead?.named ?? null });
    return EXIT.ok;
  }
  if (target.instead) out.info(`${named} changed nothing (its rows were unchanged or done before); taking back run ${run}, the run that made or changed those rows' jobs (${target.instead.rows.length} of them).`);
  // One process at a time on a run: not while its import still goes, nor two undos at once.
  const unlock = lockRun(settings.stateDir, run, 'undo');
  const controller = stopController();
  const offSignals = onStopSignals(() => controller.abort());
  try {
    const plan = await planUndo(client, settings.stateDir, run, { account, reporter: cliReporter(out), signal: controller.signal });
    const lines = describeUndo(plan);
    const json = { ...undoPlanJson(plan), instead: target.instead?.named ?? null };
    const nothing = plan.deletes.length + plan.restores.length === 0;
    if (args.dryRun || nothing) {
      out.result([...lines, nothing ? 'Nothing to undo.' : 'Dry run: nothing was changed.'].join('\n'), { dryRun: !!args.dryRun, ...json });
      // A plan is not a failure: 3 only when a real undo had to leave jobs alone.
      return !args.dryRun && plan.changed.length ? EXIT.partial : EXIT.ok;
    }
    if (!args.yes) {
      if (!io.stdin.isTTY) throw new CdbError('USAGE', 'undo changes jobs: confirm with --yes when it runs without a terminal.', { hint: 'Run it with --dry-run first to see the plan.' });
      out.info(lines.join('\n'));
      if (!(await confirm(io))) {
        out.result('Nothing was changed.', { cancelled: true, ...json });
        return EXIT.ok;
      }
    }
    const summary = await applyUndo(client, settings.stateDir, plan, { signal: controller.signal, reporter: cliReporter(out) });
    const interrupted = controller.signal.aborted;
    out.result([...(args.yes && !args.quiet ? lines : []), ...describeUndone(plan, summary, interrupted)].join('\n'), {
      ...json,
      deleted: summary.deleted,
      lostAnswer: summary.lostAnswer.length,
      restored: summary.restored,
      failed: summary.failed.length,
      changedSince: summary.changedSince.length,
      goneSince: summary.goneSince.length,
    });
    if (interrupted) return EXIT.aborted;
    return summary.failed.length || plan.changed.length || summary.changedSince.length ? EXIT.partial : EXIT.ok;
  } finally {
    offSignals();
    unlock();
  }
}
