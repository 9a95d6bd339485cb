import { execFileSync, spawn } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { runCli } from '../src/cli/main.js';
import { helpPage, type HelpPages } from '../src/cli/help-pages.js';
import { PACKAGE_BIN, PACKAGE_ROOT } from '../src/tool-version.js';
import { tempDir } from './helpers/files.js';

// npm test builds first; the pages are what bin.js prints for --help without loading yargs.
const pages = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'help-pages.json'), 'utf8')) as HelpPages;

async function rendered(words: string[], columns: number): Promise<string> {
  let text = '';
  const stdout = Object.assign(new Writable({ write(chunk: Buffer, _encoding: BufferEncoding, done: () => void) { text += chunk.toString(); done(); } }), { columns });
  const stderr = new Writable({ write(_chunk: Buffer, _encoding: BufferEncoding, done: () => void) { done(); } });
  expect(await runCli([...words, '--help'], { stdin: Readable.from([]), stdout, stderr, env: { ...process.env } })).toBe(0);
  return text;
}

describe('help pages rendered at build time', () => {
  test('hold every command and subcommand, at both widths', () => {
    for (const width of ['100', '110']) {
      expect(Object.keys(pages[width] ?? {})).toEqual(expect.arrayContaining(['', 'import', 'export', 'undo', 'schedule', 'mapping', 'mapping init', 'mapping check', 'template', 'version', 'doctor', 'sandbox', 'demo']));
    }
  });

  test('are what yargs renders now, in this environment', async () => {
    for (const [width, byWords] of Object.entries(pages)) {
      for (const [words, page] of Object.entries(byWords)) {
        expect(await rendered(words ? words.split(' ') : [], Number(width))).toBe(page);
      }
    }
  });

  test('serve only a bare --help or -h at a width they were rendered at', () => {
    expect(helpPage(['import', '--help'], undefined, pages)).toBe(pages['100']?.import);
    expect(helpPage(['-h'], 200, pages)).toBe(pages['110']?.['']);
    expect(helpPage(['import', '--help'], 80, pages)).toBeUndefined();
    expect(helpPage(['import', 'jobs.csv', '--help'], undefined, pages)).toBeUndefined();
    expect(helpPage(['--json', '--help'], undefined, pages)).toBeUndefined();
    expect(helpPage(['import'], undefined, pages)).toBeUndefined();
    expect(helpPage(['--help'], undefined, undefined)).toBeUndefined();
  });

  test('are what the built bin prints, without loading the rest of the command line', async () => {
    // A copy of the bundled bin without its yargs chunk (main-*.js): a page it had to render
    // instead of serving would fail to load it.
    const dir = await tempDir();
    try {
      const bundle = path.dirname(PACKAGE_BIN);
      cpSync(bundle, dir, { recursive: true, filter: (file) => !/^main-.*\.js$/.test(path.basename(file)) });
      writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
      for (const words of [[], ['import'], ['mapping', 'init']]) {
        const printed = execFileSync(process.execPath, [path.join(dir, path.basename(PACKAGE_BIN)), ...words, '--help'], { encoding: 'utf8' });
        expect(printed).toBe(pages['100']?.[words.join(' ')]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a reader that goes away after the first bytes (| head -c 10) ends the output quietly, exit 0', async () => {
    // Some 200 kB: more than a pipe holds, so the bin is still writing when head has gone.
    const words = ['schedule', 'samples/schedules.yaml', '--next', '5000'];
    // A process of its own, its stdout a pipe that head closes; pipefail gives the bin's own exit code.
    const child = spawn('bash', ['-c', 'set -o pipefail; "$0" "$@" | head -c 10 >/dev/null', process.execPath, PACKAGE_BIN, ...words], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
