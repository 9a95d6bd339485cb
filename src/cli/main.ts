import yargs, { type Argv, type CommandModule } from 'yargs';
import { CdbError } from '../errors.js';
import { TOOL_VERSION } from '../tool-version.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { undoCommand } from './commands/undo.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { mappingCommand } from './commands/mapping.js';
import { sandboxCommand } from './commands/sandbox.js';
import { scheduleCommand } from './commands/schedule.js';
import { templateCommand } from './commands/template.js';
import { versionCommand } from './commands/version.js';
import type { CliIo, GlobalArgs } from './io.js';
import { callsApi } from './api-options.js';
import { errorJson, renderError } from './render-error.js';
import { helpWidth } from './help-pages.js';
import { BIN, usageHint, usageMessage } from './usage-words.js';
import { valuesRequired } from './valued-options.js';
import { checkFlagForms, type OptionsView, type ParsedOptions } from './flag-forms.js';
import { wantsVerbose } from './verbose-flag.js';


/**
 * The arguments after `--` are file names, even when they start with `-` (yargs would leave the
 * positionals empty): each such name is spelled `./-x.csv`, the same file, and `--` dropped.
 */
function namesAfterDashes(argv: readonly string[]): string[] {
  const at = argv.indexOf('--');
  if (at === -1) return [...argv];
  return [...argv.slice(0, at), ...argv.slice(at + 1).map((arg) => (arg.startsWith('-') ? `./${arg}` : arg))];
}

/** Runs the CLI on `argv` (without node and script) and resolves with the exit code. */
export async function runCli(given: string[], io: CliIo): Promise<number> {
  const argv = namesAfterDashes(given);
  let exitCode = 0;
  const done = (code: number) => {
    exitCode = code;
  };
  // The commands' names ('import <file>' is import), for the help a usage error points to; each
  // command's options that take a value need one.
  const names: string[] = [];
  const named = <T, U>(module: CommandModule<T, U>): CommandModule<T, U> => {
    names.push(String(module.command).split(' ')[0] ?? '');
    return valuesRequired(module);
  };
  // The options of the command being parsed (yargs's own view, left out of its types).
  const optionsOf = (): ParsedOptions => (parser as unknown as OptionsView).getOptions();
  const verbose = wantsVerbose(argv);
  // As yargs reads it: --json=true asks for it too.
  const json = argv.includes('--json') || argv.includes('--json=true');
  const parser = (yargs(argv) as Argv<GlobalArgs>)
    .scriptName(BIN)
    .usage(`${BIN} <command> [options]\n\nMove jobs between spreadsheets and Coredination.`)
    .option('config', { type: 'string', global: true, describe: 'Config file (YAML: baseUrl, apiKey, insecure, concurrency, rate, smtpPassword) [env: COREDINATION_CONFIG] (default ~/.config/coredination-batch/config.yaml)' })
    .option('json', { type: 'boolean', global: true, describe: 'Print one JSON summary on stdout' })
    .option('quiet', { type: 'boolean', global: true, alias: 'q', describe: 'Print only the summary and warnings' })
    .option('verbose', { type: 'boolean', global: true, alias: 'v', describe: 'Print details of what is detected and done' })
    .conflicts('quiet', 'verbose')
    // Before the command's own checks, with its options known.
    .middleware((parsed: Record<string, unknown>): void => checkFlagForms(argv, parsed, optionsOf()), true)
    .command(named(demoCommand(io, done)))
    .command(named(callsApi(importCommand(io, done))))
    .command(named(callsApi(undoCommand(io, done))))
    .command(named(callsApi(exportCommand(io, done))))
    .command(named(callsApi(scheduleCommand(io, done))))
    .command(named(mappingCommand(io, done)))
    .command(named(templateCommand(io, done)))
    .command(named(callsApi(versionCommand(io, done))))
    .command(named(callsApi(doctorCommand(io, done))))
    .command(named(sandboxCommand(io, done)))
    .demandCommand(1, 'Name a command.')
    .recommendCommands()
    .strict()
    .version('version', 'Print the version of this tool', TOOL_VERSION)
    .alias('version', 'V')
    .help()
    .alias('help', 'h')
    .epilogue(`Exit codes: 0 done, 3 some rows rejected or failed (doctor: an assumption does not hold), 2 invalid usage or input (nothing sent), 1 aborted.\n${BIN} ${TOOL_VERSION}`)
    .wrap(helpWidth(io.stdout.columns))
    .exitProcess(false)
    .fail((message, error) => {
      // yargs rethrows an error from a coerce function as its own YError, keeping only the message:
      // that is a usage error (a bad flag value), not a bug.
      if (error && error.name !== 'YError') throw error;
      // The options of the command being parsed, for the nearest to a mistyped one.
      const options = optionsOf();
      const known = [...Object.keys(options.key), ...Object.values(options.alias).flat()];
      throw new CdbError('USAGE', usageMessage(message ?? error?.message ?? 'Invalid usage.', argv, known, names), { hint: usageHint(argv, names) });
    });
  let helpShown = false;
  try {
    await parser.parseAsync(argv, {}, (error, _args, output) => {
      if (output && !error) {
        helpShown = true;
        io.stdout.write(`${output}\n`);
      }
      if (error) throw error;
    });
  } catch (error) {
    const { text, exitCode: code } = renderError(error, verbose);
    io.stderr.write(`${text}\n`);
    // --json promises one JSON document on stdout, also when the command fails.
    if (json) io.stdout.write(`${JSON.stringify(errorJson(error))}\n`);
    return code;
  }
  return helpShown ? 0 : exitCode;
}
