import { readFileSync } from 'node:fs';

/**
 * The help pages the build renders from the command definitions (scripts/render-help.mjs), so
 * that `--help` prints without loading yargs (the idea of oclif's manifest). Keyed by the width
 * the page is wrapped to, then by the command's words ('' for the top level).
 */
export type HelpPages = Record<string, Record<string, string>>;

/** The width help is wrapped to: the terminal's, at most 110; 100 when it is not a terminal. */
export function helpWidth(columns: number | undefined): number {
  return Math.min(110, columns ?? 100);
}

const HELP_FLAGS = new Set(['--help', '-h']);

/**
 * The page for `argv` when it asks only for a command's help (`[words…] --help`) and the build
 * rendered that page at this width; otherwise undefined, and the CLI renders it.
 */
export function helpPage(argv: readonly string[], columns: number | undefined, pages: HelpPages | undefined): string | undefined {
  const last = argv[argv.length - 1];
  if (!pages || last === undefined || !HELP_FLAGS.has(last)) return undefined;
  return pages[String(helpWidth(columns))]?.[argv.slice(0, -1).join(' ')];
}

/**
 * The pages the build wrote to `file` (help-pages.json beside the bin, which names it: in the
 * bundle this module is a chunk in a folder of its own), or undefined when there are none.
 */
export function builtHelpPages(file: URL): HelpPages | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as HelpPages;
  } catch {
    return undefined; // not built (run from the sources): yargs renders every page
  }
}
