import { runDoctor } from '../../doctor/run-doctor.js';
import { clientFor } from '../client-options.js';
import { cliReporter } from '../cli-reporter.js';
import type { DoctorArgs } from '../command-args.js';
import { Output, type CliIo } from '../io.js';
import { EXIT } from '../render-error.js';
import { describeDoctor, doctorJson } from '../render/doctor.js';
import { settingsFrom } from '../settings.js';
import { onStopSignals } from '../stop-signals.js';
import { stopController } from '../../util/stop-controller.js';

/** `doctor`: the settings' client, one call of the engine, its report rendered; exit 3 when an assumption does not hold. */
export async function doctorHandler(args: DoctorArgs, io: CliIo): Promise<number> {
  const out = new Output(io, args);
  const client = clientFor(settingsFrom(args, io));
  const controller = stopController();
  // Ctrl+C stops the checks; what --write made is removed before the command ends.
  const offSignals = onStopSignals(() => controller.abort());
  try {
    const report = await runDoctor({ client, write: args.write, reporter: cliReporter(out), signal: controller.signal });
    out.result(describeDoctor(report).join('\n'), doctorJson(report));
    return report.checks.some((check) => check.verdict === 'does-not-hold') ? EXIT.partial : EXIT.ok;
  } finally {
    offSignals();
  }
}
