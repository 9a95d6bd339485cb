#!/usr/bin/env node
import { builtHelpPages, helpPage } from './help-pages.js';
import { wantsVerbose } from './verbose-flag.js';

// A reader that goes away (`| head -1`) ends what is shown, not the command: an import goes on to
// its end and its journal, results and run record, and the exit code is the command's own.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const argv = process.argv.slice(2);
// The stack an unexpected error shows with --verbose names the source files, not the bundle's chunks.
if (wantsVerbose(argv)) process.setSourceMapsEnabled(true);
// A command's help as the build rendered it from the same definitions: no yargs to load.
const page = helpPage(argv, process.stdout.columns, builtHelpPages(new URL('help-pages.json', import.meta.url)));
if (page !== undefined) {
  process.stdout.write(page);
} else {
  const { runCli } = await import('./main.js');
  process.exitCode = await runCli(argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
}
