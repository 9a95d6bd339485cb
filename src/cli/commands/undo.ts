import { createInterface } from 'node:readline/promises';
import type { Argv, CommandModule } from 'yargs';
import { CdbError } from '../../errors.js';
import { defaultStateDir } from '../../state/state-dir.js';
import { applyUndo, planUndo, runOf, type UndoPlan } from '../../undo/run-undo.js';
import { cliReporter } from '../cli-reporter.js';
import { accountFrom, clientFrom } from '../client-options.js';
import type { CliIo, GlobalArgs } from '../io.js';
import { Output } from '../io.js';
import { EXIT } from '../render-error.js';
import { onStopSignals } from '../stop-signals.js';

export interface UndoArgs extends GlobalArgs {
  target: string;
  dryRun?: boolean;
  yes?: boolean;
  putReplaces?: boolean;
}

const SHOWN = 20;

/** The plan as lines. */
export function describeUndo(plan: UndoPlan): string[] {
  const lines = [`Run ${plan.run}: ${plan.deletes.length} job${plan.deletes.length === 1 ? '' : 's'} to delete (created by the run), ${plan.restores.length} to put back as they were (updated by the run).`];
  for (const item of plan.deletes.slice(0, SHOWN)) lines.push(`  delete job ${item.id ?? item.uuid} (row ${item.row})`);
  if (plan.deletes.length > SHOWN) lines.push(`  … and ${plan.deletes.length - SHOWN} more to delete`);
  for (const item of plan.restores.slice(0, SHOWN)) lines.push(`  put back job ${item.id ?? item.uuid} (row ${item.row}): ${Object.keys(item.before ?? {}).join(', ')}`);
  if (plan.changed.length) {
    lines.push(`${plan.changed.length} job${plan.changed.length === 1 ? ' was' : 's were'} changed by someone since the run and will be left alone:`);
    for (const { item, fields } of plan.changed.slice(0, SHOWN)) lines.push(`  job ${item.id ?? item.uuid} (row ${item.row}): ${fields.join(', ')} differ${fields.length === 1 ? 's' : ''} from what the run set`);
  }
  if (plan.gone.length) lines.push(`${plan.gone.length} job${plan.gone.length === 1 ? ' is' : 's are'} no longer on the server.`);
  if (plan.alreadyUndone) lines.push(`${plan.alreadyUndone} job${plan.alreadyUndone === 1 ? ' was' : 's were'} taken back by an earlier undo.`);
  return lines;
}

async function confirm(io: CliIo): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: io.stderr });
  try {
    return /^(y|yes|j|ja)$/i.test((await rl.question('Undo this run? [y/N] ')).trim());
  } catch {
    return false; // Ctrl+C or Ctrl+D at the question: no
  } finally {
    rl.close();
  }
}

/** `undo <results file | run id>`: takes an import run back. */
export function undoCommand(io: CliIo, done: (code: number) => void): CommandModule<GlobalArgs, UndoArgs> {
  return {
    command: 'undo <target>',
    describe: 'Take an import run back: delete the jobs it created, put back the fields it updated (plan first)',
    builder: (yargs: Argv<GlobalArgs>) =>
      yargs
        .positional('target', { type: 'string', demandOption: true, describe: 'The run\'s results file, or its run id' })
        .option('dry-run', { type: 'boolean', describe: 'Show the plan; change nothing' })
        .option('yes', { type: 'boolean', alias: 'y', describe: 'Do not ask (for scripts)' })
        .option('put-replaces', { type: 'boolean', describe: 'The server\'s PUT replaces the whole job: send the whole job with the fields put back' }) as unknown as Argv<UndoArgs>,
    handler: async (args) => {
      const out = new Output(io, args);
      const client = clientFrom(args, io);
      const run = await runOf(args.target);
      const plan = await planUndo(client, defaultStateDir(io.env), run, cliReporter(out), accountFrom(args, io));
      const lines = describeUndo(plan);
      const json = { run, deletes: plan.deletes.length, restores: plan.restores.length, changed: plan.changed.map((c) => ({ uuid: c.item.uuid, id: c.item.id ?? null, row: c.item.row, fields: c.fields })), gone: plan.gone.length };
      const nothing = plan.deletes.length + plan.restores.length === 0;
      if (args.dryRun || nothing) {
        out.result([...lines, nothing ? 'Nothing to undo.' : 'Dry run: nothing was changed.'].join('\n'), { dryRun: !!args.dryRun, ...json });
        // A plan is not a failure: 3 only when a real undo had to leave jobs alone.
        done(!args.dryRun && plan.changed.length ? EXIT.partial : EXIT.ok);
        return;
      }
      if (!args.yes) {
        if (!process.stdin.isTTY) throw new CdbError('USAGE', 'undo changes jobs: confirm with --yes when it runs without a terminal.', { hint: 'Run it with --dry-run first to see the plan.' });
        out.info(lines.join('\n'));
        if (!(await confirm(io))) {
          out.result('Nothing was changed.', { cancelled: true, ...json });
          done(EXIT.ok);
          return;
        }
      }
      const controller = new AbortController();
      const offSignals = onStopSignals(() => controller.abort());
      let summary;
      try {
        summary = await applyUndo(client, plan, { signal: controller.signal, reporter: cliReporter(out), putIsPartial: args.putReplaces ? false : undefined });
      } finally {
        offSignals();
      }
      const result = [...(args.yes ? lines : []), `Undone: ${summary.deleted} deleted, ${summary.restored} put back, ${summary.failed.length} failed, ${plan.changed.length} left alone (changed since).`];
      for (const { item, reason } of summary.failed.slice(0, SHOWN)) result.push(`  job ${item.id ?? item.uuid} (row ${item.row}): ${reason}`);
      if (controller.signal.aborted) result.push('Interrupted: run the same command again to finish; what was taken back is not done twice.');
      else if (summary.failed.length) result.push('Run the same command again to retry the failed ones.');
      out.result(result.join('\n'), { ...json, deleted: summary.deleted, restored: summary.restored, failed: summary.failed.length });
      done(controller.signal.aborted ? EXIT.aborted : summary.failed.length || plan.changed.length ? EXIT.partial : EXIT.ok);
    },
  };
}
