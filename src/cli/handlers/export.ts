import { runExport } from '../../export/run-export.js';
import { clientFor } from '../client-options.js';
import { statesOf, type ExportArgs } from '../command-args.js';
import { Output, type CliIo } from '../io.js';
import { mappingFrom } from '../mapping-args.js';
import { progressReporter } from '../progress.js';
import { EXIT } from '../render-error.js';
import { settingsFrom } from '../settings.js';
import { onStopSignals } from '../stop-signals.js';
import { stopController } from '../../util/stop-controller.js';

/** `export`: flags into options, one call of the engine, its summary rendered. */
export async function exportHandler(args: ExportArgs, io: CliIo): Promise<number> {
  const out = new Output(io, args);
  const settings = settingsFrom(args, io);
  const client = clientFor(settings);
  const mapping = await mappingFrom(args, out);
  const controller = stopController();
  const offSignals = onStopSignals(() => controller.abort());
  const reporter = progressReporter(io, args, 'Exporting');
  try {
    const summary = await runExport({
      client,
      mapping,
      output: args.out,
      format: args.format,
      sheet: args.sheet,
      delimiter: args.delimiter === '\\t' ? '\t' : args.delimiter,
      bom: args.bom,
      timezone: args.tz,
      since: args.since,
      details: args.details,
      states: statesOf(args.state),
      allFields: args.allFields,
      raw: args.raw,
      concurrency: args.concurrency,
      rate: args.rate === 0 ? Number.POSITIVE_INFINITY : args.rate,
      stateDir: settings.stateDir,
      reporter,
      signal: controller.signal,
    });
    reporter.stop();
    out.result(
      `Exported ${summary.rows} jobs to ${summary.file} (${summary.format}, ${summary.columns} columns) in ${summary.seconds.toFixed(1)} s.`,
      { file: summary.file, format: summary.format, rows: summary.rows, columns: summary.columns, since: summary.since ?? null, seconds: summary.seconds },
    );
    return EXIT.ok;
  } finally {
    reporter.stop();
    offSignals();
  }
}
