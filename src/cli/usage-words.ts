import { editDistance } from '../util/edit-distance.js';
import { camel } from './flag-forms.js';

/** The command's name, as help and messages print it. */
export const BIN = 'coredination-batch';
/** Commands whose own words name a subcommand, for the help a usage error points to. */
const SUBCOMMANDS: Record<string, readonly string[]> = { mapping: ['init', 'check'] };

/** The command a command line runs (`import`, `mapping init`), or '' when it names none yet. */
function commandOf(argv: readonly string[], commands: readonly string[]): string {
  const [first, second] = argv;
  if (first === undefined || !commands.includes(first)) return '';
  return second !== undefined && SUBCOMMANDS[first]?.includes(second) ? `${first} ${second}` : first;
}

/** Where a usage error sends the user: the help of the command given, else the tool's. */
export function usageHint(argv: readonly string[], commands: readonly string[]): string {
  const command = commandOf(argv, commands);
  return command ? `Run "${BIN} ${command} --help" for its options.` : `Run "${BIN} --help" for the commands and their options.`;
}

/** What each command's first positional is, for the message when it is left out. */
const NEEDS: Record<string, string> = {
  import: 'the file to import',
  export: 'the file to write (jobs.xlsx or jobs.csv)',
  template: 'the workbook to write',
  schedule: 'the schedule file',
  undo: 'a results file or a run id',
  'mapping init': 'the spreadsheet to start from',
  'mapping check': 'the mapping file',
};

/** The nearest of `known` to a mistyped option, when one is near. */
function nearest(name: string, known: readonly string[]): string | undefined {
  return known
    .filter((option) => option.length > 1)
    .map((option) => ({ option, distance: editDistance(name, option) }))
    .filter(({ distance }) => distance <= 2 && distance < name.length / 2)
    .sort((a, b) => a.distance - b.distance)[0]?.option;
}

/** yargs's "Unknown arguments: dry-rn, dryRn": each as typed (yargs adds a dashed name's camelCase twin). */
function unknownArguments(listed: readonly string[], argv: readonly string[], known: readonly string[], command: string): string {
  const names = listed.filter((name) => !listed.some((other) => other !== name && camel(other) === name));
  // A one-letter option may be one of several written together (-abc).
  const grouped = (name: string) => name.length === 1 && argv.some((arg) => /^-[^-]{2,}$/.test(arg) && arg.includes(name));
  const typedAs = (name: string) => [`-${name}`, `--${name}`, `--no-${name}`].find((form) => argv.some((arg) => arg === form || arg.startsWith(`${form}=`))) ?? (grouped(name) ? `-${name}` : undefined);
  const options = names.filter((name) => typedAs(name) !== undefined);
  const words = names.filter((name) => typedAs(name) === undefined);
  if (options.length) {
    const said = options.map((name) => {
      const near = nearest(name, known);
      return `${typedAs(name) ?? name}${near ? ` (did you mean --${near}?)` : ''}`;
    });
    return `Unknown option${said.length === 1 ? '' : 's'}${command ? ` for ${command}` : ''}: ${said.join(', ')}.`;
  }
  if (!command) return `No command ${words.map((word) => `"${word}"`).join(', ')}.`;
  return `${command} was given more than it takes: ${words.map((word) => `"${word}"`).join(', ')} left over. A file name with spaces needs quotes around it.`;
}

/**
 * A usage error of yargs's in the tool's words, naming the command and what was typed, and the
 * nearest option to a mistyped one; any other message as yargs said it.
 */
export function usageMessage(message: string, argv: readonly string[], known: readonly string[], commands: readonly string[]): string {
  const command = commandOf(argv, commands);
  const unknown = /^Unknown arguments?: (.+)$/.exec(message)?.[1];
  if (unknown) return unknownArguments(unknown.split(', '), argv, known, command);
  const missing = /^Not enough non-option arguments: got (\d+), need at least (\d+)$/.exec(message);
  if (missing && command) {
    const subcommands = SUBCOMMANDS[command];
    if (subcommands) return `${command} needs a subcommand: ${subcommands.join(' or ')}.`;
    return `${command} needs ${NEEDS[command] ?? `${missing[2]} argument${missing[2] === '1' ? '' : 's'}`}, and was given none.`;
  }
  const choice = /^Invalid values:\s+Argument: (\S+), Given: (.+), Choices: (.+)$/s.exec(message);
  if (choice) {
    const either = (list: string) => list.replace(/, (?=[^,]*$)/, ' or ');
    return `--${choice[1]} takes ${either(choice[3] ?? '')}; ${choice[2]} ${choice[2]?.includes('", "') ? 'are' : 'is'} not.`;
  }
  const valueless = /^Not enough arguments following: (\S+)$/.exec(message)?.[1];
  if (valueless) return `--${valueless} needs a value after it.`;
  const exclusive = /^Arguments (\S+) and (\S+) are mutually exclusive$/.exec(message);
  if (exclusive) return `--${exclusive[1]} and --${exclusive[2]} cannot be given together: choose one.`;
  const recommended = /^Did you mean (\S+)\?$/.exec(message)?.[1];
  if (recommended && argv[0] !== undefined) return `No command "${argv[0]}": did you mean ${recommended}?`;
  return message;
}
