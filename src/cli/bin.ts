#!/usr/bin/env node
import { builtHelpPages, helpPage } from './help-pages.js';

const argv = process.argv.slice(2);
// A command's help as the build rendered it from the same definitions: no yargs to load.
const page = helpPage(argv, process.stdout.columns, builtHelpPages(new URL('help-pages.json', import.meta.url)));
if (page !== undefined) {
  process.stdout.write(page);
} else {
  const { runCli } = await import('./main.js');
  process.exitCode = await runCli(argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
}
