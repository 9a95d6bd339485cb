// Build step: the command line as a few files, dist/cli/bin.js and its chunks, built from the
// compiled dist/src/cli/bin.js and everything it imports (node_modules with their patches too).
// Node loads an ES module file by file, each one resolved, read, compiled and linked: the import
// command alone loaded some 400 of them before its first request. A chunk is made for every
// import() (a command's engine, a format's writer), so a command still loads only what it runs.
// The library (dist/src/index.js) is left as tsc wrote it.
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outdir = path.join(root, 'dist', 'cli');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, 'dist', 'src', 'cli', 'bin.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // The CommonJS packages bundled (exceljs, yauzl) require node's own modules: an ES module has
  // no require of its own to do it with.
  banner: { js: "import { createRequire as __cdbCreateRequire } from 'node:module';\nconst require = __cdbCreateRequire(import.meta.url);" },
  legalComments: 'linked',
  logLevel: 'warning',
});
// bin.js reads the help pages the build rendered beside it.
copyFileSync(path.join(root, 'dist', 'src', 'cli', 'help-pages.json'), path.join(outdir, 'help-pages.json'));
