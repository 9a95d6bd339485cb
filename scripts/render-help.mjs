// Build step: renders every command's --help page from the CLI's own definitions, at the two
// widths help is usually shown at (100 when stdout is not a terminal, 110 on a wide one), into
// dist/src/cli/help-pages.json. bin.js prints such a page without loading yargs; any other
// width or argument list is rendered by yargs as before (test/help-pages.test.ts checks that
// both print the same).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { runCli } = await import(path.join(root, 'dist', 'src', 'cli', 'main.js'));
const BIN = 'coredination-batch';

async function render(words, columns) {
  let text = '';
  const stdout = new Writable({ write(chunk, _encoding, done) { text += chunk.toString(); done(); } });
  stdout.columns = columns;
  const stderr = new Writable({ write(_chunk, _encoding, done) { done(); } });
  const code = await runCli([...words, '--help'], { stdin: Readable.from([]), stdout, stderr, env: {} });
  if (code !== 0) throw new Error(`${[BIN, ...words, '--help'].join(' ')} exited ${code}`);
  return text;
}

/** The subcommands a page lists: the words after the binary's name up to the first argument. */
function subcommands(page) {
  const listed = page.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
  return listed.split('\n').filter((line) => line.startsWith(`  ${BIN} `)).map((line) => {
    const words = [];
    for (const word of line.slice(BIN.length + 3).split(' ')) {
      if (!word || word.startsWith('<') || word.startsWith('[')) break;
      words.push(word);
    }
    return words;
  });
}

const pages = {};
for (const width of [100, 110]) {
  const atWidth = (pages[width] = {});
  const todo = [[]];
  while (todo.length) {
    const words = todo.shift();
    const page = await render(words, width);
    atWidth[words.join(' ')] = page;
    for (const sub of subcommands(page)) if (!(sub.join(' ') in atWidth) && sub.join(' ') !== words.join(' ')) todo.push(sub);
  }
}
writeFileSync(path.join(root, 'dist', 'src', 'cli', 'help-pages.json'), `${JSON.stringify(pages)}\n`);
