/**
 * Whether a command line asks for --verbose (or -v, or --verbose=true), read before yargs has
 * parsed it: an error in parsing, and the bin's start, need to know.
 */
export function wantsVerbose(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === '--verbose' || arg === '-v' || arg === '--verbose=true');
}
