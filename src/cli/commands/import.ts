import type { Argv, CommandModule } from 'yargs';
import { CdbError } from '../../errors.js';
import { planImport, type PlanSummary } from '../../import/plan-import.js';
import { formatIssue } from '../../mapping/map-row.js';
import type { CliIo, GlobalArgs } from '../io.js';
import { Output } from '../io.js';
import { mappingFrom, readOptionsFrom, withMappingArgs, type MappingArgs } from '../mapping-args.js';
import { cliReporter } from '../cli-reporter.js';
import { EXIT, renderError } from '../render-error.js';
import { accountFrom, clientFrom, configFrom, resolveConnection } from '../client-options.js';
import { progressReporter } from '../progress.js';
import { onStopSignals } from '../stop-signals.js';
import { runImport, type ImportSummary, type KeyedPlan } from '../../import/run-import.js';
import { defaultStateDir } from '../../state/state-dir.js';

export interface ImportArgs extends GlobalArgs, MappingArgs {
  file: string;
  dryRun?: boolean;
  payloads?: string;
  errors?: string;
  results?: string;
  limit?: number;
  concurrency?: number;
  rate?: number;
  key?: string;
  skipInvalid?: boolean;
  fresh?: boolean;
  plan?: string;
  offline?: boolean;
  unknown?: 'send' | 'skip';
  putReplaces?: boolean;
}

const SHOWN_ISSUES = 20;

/** The validation summary as lines. */
export function describePlan(plan: PlanSummary): string[] {
  const d = plan.detected;
  const how = d.format === 'csv' ? `csv, ${d.encoding}${d.bom ? ' with BOM' : ''}, delimiter ${d.delimiter === '\t' ? 'tab' : `"${d.delimiter}"`}` : `xlsx, sheet "${d.sheet}"`;
  const lines = [`Checked ${plan.file} (${how}): ${plan.rows} rows, ${plan.valid} valid, ${plan.invalid} invalid.`];
  for (const issue of plan.issues.slice(0, SHOWN_ISSUES)) lines.push(`  ${formatIssue(issue)}`);
  if (plan.issueCount > SHOWN_ISSUES) lines.push(`  … and ${plan.issueCount - SHOWN_ISSUES} more problems (all of them are in the errors file).`);
  if (plan.errorsFile) lines.push(`Invalid rows are in ${plan.errorsFile}, with the reason in the last column: fix them there and import that file.`);
  if (plan.payloadsFile) lines.push(`What would be sent is in ${plan.payloadsFile} (one JSON line per row).`);
  return lines;
}

/** The validation summary as JSON. */
export function planJson(plan: PlanSummary) {
  return {
    file: plan.file,
    detected: plan.detected,
    rows: plan.rows,
    valid: plan.valid,
    invalid: plan.invalid,
    issues: plan.issues.map((issue) => ({ ...issue, text: formatIssue(issue) })),
    issueCount: plan.issueCount,
    errorsFile: plan.errorsFile ?? null,
    payloadsFile: plan.payloadsFile ?? null,
    warnings: plan.warnings,
  };
}

/** `import <file>`: spreadsheet → jobs. */
export function importCommand(io: CliIo, done: (code: number) => void): CommandModule<GlobalArgs, ImportArgs> {
  return {
    command: 'import <file>',
    describe: 'Import a spreadsheet (xlsx, csv) of jobs: check every row, then send them, throttled and resumable',
    builder: (yargs: Argv<GlobalArgs>) =>
      withMappingArgs(yargs)
        .positional('file', { type: 'string', demandOption: true, describe: 'The spreadsheet' })
        .option('dry-run', { type: 'boolean', describe: 'Read, map and check every row; send nothing' })
        .option('payloads', { type: 'string', describe: 'Write every valid payload to this file as JSON lines' })
        .option('errors', { type: 'string', describe: 'Where invalid rows go (default: <file>.errors.csv or .xlsx beside the input)' })
        .option('results', { type: 'string', describe: 'Results file, csv or xlsx (default: <file>.results.csv beside the input)' })
        .option('limit', { type: 'number', describe: 'Send only the first N valid rows (a canary run)' })
        .option('concurrency', { type: 'number', describe: 'Requests in flight at most (default: the mapping\'s or config file\'s, else 4)' })
        .option('rate', { type: 'number', describe: 'Requests per second at most (default: the mapping\'s or config file\'s, else 10; 0: no cap)' })
        .option('key', { type: 'string', describe: 'Column identifying a row: matched against the account by its field; a match is updated with what changed, no match created' })
        .option('skip-invalid', { type: 'boolean', describe: 'Send the valid rows and report the invalid ones as rejected' })
        .option('fresh', { type: 'boolean', describe: 'Ignore the journal of earlier runs of this file' })
        .option('plan', { type: 'string', describe: 'Keyed: write the plan (create / update with the changes / unchanged), one row per input row, to this csv or xlsx' })
        .option('unknown', { choices: ['send', 'skip'] as const, describe: 'Rows an earlier run sent without an answer that the server cannot settle: send them again, or skip them' })
        .option('put-replaces', { type: 'boolean', describe: 'The server\'s PUT replaces the whole job: updates send the whole job with the changed fields' })
        .option('offline', { type: 'boolean', describe: 'Keyed --dry-run: check the file only, without reading the account' })
        .check((args) => {
          for (const name of ['limit', 'concurrency'] as const) {
            const value = args[name];
            if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new CdbError('USAGE', `--${name} takes a whole number above 0, got ${value}.`);
          }
          if (args.rate !== undefined && !(Number.isFinite(args.rate) && args.rate >= 0)) throw new CdbError('USAGE', `--rate takes requests per second (0 for no cap), got ${args.rate}.`);
          return true;
        }) as unknown as Argv<ImportArgs>,
    handler: async (args) => {
      const out = new Output(io, args);
      if (args.offline && !args.dryRun) throw new CdbError('USAGE', '--offline only applies to --dry-run: an import reads the account to match keyed rows.', { hint: 'Add --dry-run to check the file alone.' });
      if (!args.dryRun) {
        done(await upload(args, io, out));
        return;
      }
      const mapping = await mappingFrom(args, out);
      if (args.key) mapping.key = args.key;
      if (mapping.key && !args.offline) {
        if (resolveConnection(args, io).apiKey) {
          done(await keyedDryRun(args, io, out, mapping));
          return;
        }
      }
      const offlineNote = mapping.key ? ['Keyed: the file was checked alone; with an API key (and without --offline) the dry run also plans the rows against the account.'] : [];
      const plan = await planImport({
        file: args.file,
        mapping,
        read: readOptionsFrom(args),
        errorsFile: args.errors,
        payloadsFile: args.payloads,
        reporter: cliReporter(out),
      });
      out.result([...describePlan(plan), ...offlineNote, 'Dry run: nothing was sent.'].join('\n'), { dryRun: true, ...planJson(plan) });
      done(plan.invalid === 0 ? EXIT.ok : EXIT.invalid);
    },
  };
}

/** A keyed plan as lines: the counts, then the first updates with what they change. */
export function describeKeyed(keyed: KeyedPlan): string[] {
  const lines = [`Plan against the account (${keyed.accountJobs} jobs): ${keyed.create} to create, ${keyed.update} to update, ${keyed.unchanged} unchanged${keyed.conflict ? `, ${keyed.conflict} with a key held by several jobs (not sent)` : ''}.`];
  for (const update of keyed.updates) lines.push(`  update ${update}`);
  if (keyed.update > keyed.updates.length) lines.push(`  … and ${keyed.update - keyed.updates.length} more updates (--plan plan.csv lists every row).`);
  return lines;
}

/** `import --dry-run` of a keyed mapping: check the file, then plan it against the account. */
async function keyedDryRun(args: ImportArgs, io: CliIo, out: Output, mapping: Awaited<ReturnType<typeof mappingFrom>>): Promise<number> {
  const summary = await runImport({
    file: args.file,
    mapping,
    client: clientFrom(args, io),
    account: accountFrom(args, io),
    read: readOptionsFrom(args),
    errorsFile: args.errors,
    dryRun: true,
    planFile: args.plan,
    payloadsFile: args.payloads,
    putIsPartial: args.putReplaces ? false : undefined,
    stateDir: defaultStateDir(io.env),
    reporter: cliReporter(out),
  });
  const lines = [...describePlan(summary.plan)];
  if (summary.keyed) lines.push(...describeKeyed(summary.keyed));
  if (summary.planFile) lines.push(`The plan is in ${summary.planFile}, one row per input row.`);
  lines.push('Dry run: nothing was sent.');
  out.result(lines.join('\n'), { dryRun: true, ...planJson(summary.plan), plan: summary.keyed ?? null, planFile: summary.planFile ?? null });
  return summary.plan.invalid === 0 ? EXIT.ok : EXIT.invalid;
}

/** The end of a real import as lines. */
export function describeImport(summary: ImportSummary): string[] {
  const c = summary.counts;
  const lines: string[] = [];
  const what = `${summary.reported} rows: ${c.created} created, ${c.updated} updated, ${c.unchanged ? `${c.unchanged} unchanged, ` : ''}${c.skipped} skipped, ${c['not-sent'] ? `${c['not-sent']} not sent, ` : ''}${c.rejected} rejected, ${c.failed} failed, ${c.unknown} unknown`;
  if (summary.keyed) lines.push(...describeKeyed(summary.keyed));
  if (summary.status === 'done') lines.push(`Done in ${summary.seconds.toFixed(1)} s. ${what}.`);
  else if (summary.status === 'interrupted') lines.push(`Interrupted after ${summary.seconds.toFixed(1)} s. ${what}.`);
  else lines.push(`Stopped after ${summary.seconds.toFixed(1)} s. ${what}.`);
  if (summary.retries || summary.throttles) lines.push(`The server asked to slow down ${summary.throttles} times; ${summary.retries} requests were retried.`);
  if (summary.limited) lines.push(`--limit: only the first rows were sent. Run again without --limit to send the rest; rows already sent are skipped.`);
  if (summary.unknownRows.length) {
    const rows = summary.unknownRows.slice(0, 20).join(', ');
    lines.push(`${summary.unknownRows.length} rows may or may not have created a job: no answer came (rows ${rows}${summary.unknownRows.length > 20 ? ', …' : ''}).`);
    lines.push('Run the same command again: it looks each one up on the server by the uuid it sent and sends only those not there. Where the server cannot say, decide with --unknown send or --unknown skip.');
  }
  const changedSomething = c.created + c.updated + c.unknown > 0;
  if (summary.resultsFile) lines.push(`Results: ${summary.resultsFile}${summary.run && changedSomething ? ` (run ${summary.run}; "coredination-batch undo ${summary.resultsFile}" takes it back)` : ''}`);
  // A run-wide failure is not the rows' fault: only the re-run advice applies then.
  if (summary.errorsFile && summary.status === 'done') lines.push(`Rejected and failed rows: ${summary.errorsFile} (fix them there and import that file).`);
  if (summary.status === 'interrupted' || summary.status === 'aborted') lines.push('Run the same command again to resume: rows already done are skipped.');
  return lines;
}

/** `import` without --dry-run: validate, then send. */
async function upload(args: ImportArgs, io: CliIo, out: Output): Promise<number> {
  const client = clientFrom(args, io);
  const config = configFrom(args, io);
  const mapping = await mappingFrom(args, out);
  if (args.key) mapping.key = args.key;
  const controller = new AbortController();
  const reporter = progressReporter(io, args, 'Importing');
  const stop = () => {
    if (controller.signal.aborted) process.exit(EXIT.aborted);
    reporter.stop();
    out.warn('Stopping: waiting for the requests in flight, then writing the journal and results (Ctrl+C again quits at once).');
    controller.abort();
  };
  const offSignals = onStopSignals(stop);
  let summary: ImportSummary;
  try {
    summary = await runImport({
      file: args.file,
      mapping,
      client,
      read: readOptionsFrom(args),
      concurrency: args.concurrency ?? mapping.concurrency ?? config.concurrency,
      rate: args.rate ?? mapping.rate ?? config.rate,
      limit: args.limit,
      skipInvalid: args.skipInvalid,
      fresh: args.fresh,
      account: accountFrom(args, io),
      planFile: args.plan,
      unknown: args.unknown,
      putIsPartial: args.putReplaces ? false : undefined,
      resultsFile: args.results,
      errorsFile: args.errors,
      stateDir: defaultStateDir(io.env),
      reporter,
      signal: controller.signal,
    });
  } finally {
    reporter.stop();
    offSignals();
  }
  if (summary.status === 'invalid') {
    out.result([...describePlan(summary.plan), 'Nothing was sent: fix the rows, or pass --skip-invalid to send the valid ones.'].join('\n'), { status: 'invalid', ...planJson(summary.plan) });
    return EXIT.invalid;
  }
  if (summary.error) out.warn(renderError(summary.error, args.verbose).text);
  out.result(describeImport(summary).join('\n'), {
    status: summary.status,
    file: args.file,
    rows: summary.plan.rows,
    counts: summary.counts,
    resultsFile: summary.resultsFile ?? null,
    errorsFile: summary.errorsFile ?? null,
    unknownRows: summary.unknownRows,
    plan: summary.keyed ?? null,
    run: summary.run ?? null,
    limited: summary.limited,
    retries: summary.retries,
    throttles: summary.throttles,
    seconds: summary.seconds,
    error: summary.error ? { code: summary.error.code, message: summary.error.message } : null,
  });
  if (summary.status !== 'done') return EXIT.aborted;
  const c = summary.counts;
  return c.rejected + c.failed + c.unknown > 0 ? EXIT.partial : EXIT.ok;
}
