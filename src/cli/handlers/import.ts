import { accountId } from '../../api/account-id.js';
import { runImport, type ImportOptions } from '../../import/run-import.js';
import { clientFor } from '../client-options.js';
import { cliReporter } from '../cli-reporter.js';
import type { ImportArgs } from '../command-args.js';
import { Output, type CliIo } from '../io.js';
import { mappingFrom, readOptionsFrom } from '../mapping-args.js';
import { progressReporter } from '../progress.js';
import { EXIT, renderError } from '../render-error.js';
import { checkJson, describeCheck, describeDryRun, describeImport, importJson } from '../render/import-summary.js';
import { pace, settingsFrom } from '../settings.js';
import { onStopSignals } from '../stop-signals.js';
import { stopController } from '../../util/stop-controller.js';

/** `import`: flags into options, one call of the engine, its summary rendered. */
export async function importHandler(args: ImportArgs, io: CliIo): Promise<number> {
  const out = new Output(io, args);
  const settings = settingsFrom(args, io);
  const mapping = await mappingFrom(args, out);
  if (args.key) mapping.key = args.key;
  // A dry run without a key (or with --offline) checks the file alone: no journal, no account.
  const offline = Boolean(args.dryRun && (args.offline || !settings.apiKey));
  const options: ImportOptions = {
    file: args.file,
    mapping,
    client: clientFor(settings, { needKey: !offline }),
    stateDir: settings.stateDir,
    account: accountId(settings.baseUrl, settings.apiKey),
    read: readOptionsFrom(args),
    ...pace(args, mapping, settings),
    limit: args.limit,
    skipInvalid: args.skipInvalid,
    maxErrors: args.maxErrors,
    fresh: args.fresh,
    only: args.only,
    unknown: args.unknown,
    putIsPartial: args.putReplaces ? false : undefined,
    resultsFile: args.results,
    errorsFile: args.errors,
    planFile: args.plan,
    payloadsFile: args.payloads,
    dryRun: args.dryRun,
    offline,
  };
  if (args.dryRun) {
    const summary = await runImport({ ...options, reporter: cliReporter(out) });
    const note = offline && mapping.key ? ['Keyed: the file was checked alone; with an API key (and without --offline) the dry run also plans the rows against the account.'] : [];
    out.result(describeDryRun(summary, note).join('\n'), { dryRun: true, ...checkJson(summary.check), plan: summary.plan ?? null, planFile: summary.planFile ?? null });
    // Invalid rows: 2, as for the import; rows the plan refuses (a key held twice, lost zeros): 3.
    if (summary.check.invalid > 0) return EXIT.invalid;
    return summary.plan?.counts.rejected ? EXIT.partial : EXIT.ok;
  }

  const controller = stopController();
  const reporter = progressReporter(io, args, 'Importing');
  const offSignals = onStopSignals(() => {
    if (controller.signal.aborted) process.exit(EXIT.aborted);
    reporter.stop();
    out.warn('Stopping: waiting for the requests in flight, then writing the journal and results (Ctrl+C again quits at once).');
    controller.abort();
  });
  let summary;
  try {
    summary = await runImport({ ...options, reporter, signal: controller.signal });
  } finally {
    reporter.stop();
    offSignals();
  }
  if (summary.status === 'invalid') {
    const why =
      summary.maxErrors !== undefined
        ? `Nothing was sent: ${summary.check.invalid} rows are invalid, more than --max-errors ${summary.maxErrors} allows. Check that the file is the one the mapping is for (its columns in the right order), fix the rows, or raise --max-errors.`
        : 'Nothing was sent: fix the rows, or pass --skip-invalid to send the valid ones.';
    out.result([...describeCheck(summary.check), why].join('\n'), { status: 'invalid', ...checkJson(summary.check), maxErrors: summary.maxErrors ?? null });
    return EXIT.invalid;
  }
  if (summary.error) out.warn(renderError(summary.error, args.verbose).text);
  out.result(describeImport(summary).join('\n'), importJson(summary));
  if (summary.status !== 'done') return EXIT.aborted;
  const c = summary.counts;
  return c.rejected + c.failed + c.unknown > 0 ? EXIT.partial : EXIT.ok;
}
