import type { Argv, CommandModule } from 'yargs';
import type { OptionsView } from './flag-forms.js';

/**
 * A command whose number and string options each need a value after them: yargs would read
 * `--limit` or `--max-errors` with nothing after as not given at all, and the run would go on
 * without the cap the user meant. Here that is a usage error, said by name.
 */
export function valuesRequired<T, U>(command: CommandModule<T, U>): CommandModule<T, U> {
  const { builder } = command;
  if (typeof builder !== 'function') return command;
  return {
    ...command,
    builder: (yargs: Argv<T>) => {
      // A builder may return a promise of its yargs; ours never do.
      const built = builder(yargs) as unknown as Argv<U>;
      const { number, string } = (built as unknown as OptionsView).getOptions();
      return built.requiresArg([...number, ...string]);
    },
  };
}
