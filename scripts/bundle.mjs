// Build step: the command line and the library as bundles, built from tsc's output in dist/src/
// and everything it imports (node_modules with their patches too):
//   dist/cli/bin.js and its chunks: node loads an ES module file by file, each one resolved,
//     read, compiled and linked, and the import command alone loaded some 400 of them before
//     its first request;
//   dist/lib/index.js and its chunks: what `import … from 'coredination-batch'` loads, so that an
//     installed package runs its dependencies as patched here (patch-package patches only the
//     node_modules of this checkout; an installed package's dependencies are the user's).
// A chunk is made for every import() (a command's engine, a format's writer), so a command still
// loads only what it runs.
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

// Code written for node 4 makes buffers with `new Buffer(…)`, which node warns about (DEP0005)
// on stderr when the caller is outside node_modules, as bundled code is. It is made to call what
// node recommends in its place: a number is a zero-filled Buffer.alloc, anything else Buffer.from.
const LEGACY_BUFFER = /\bnew Buffer\(/g;
const legacyBuffer = {
  name: 'legacy-buffer',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('new Buffer(')) return undefined;
      return { contents: text.replaceAll(LEGACY_BUFFER, '__cdbBuffer('), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

const BANNER = [
  // The CommonJS packages bundled (exceljs, yauzl) require node's own modules: an ES module has
  // no require of its own to do it with.
  "import { createRequire as __cdbCreateRequire } from 'node:module';",
  'const require = __cdbCreateRequire(import.meta.url);',
  'const __cdbBuffer = (value, encodingOrOffset, length) => (typeof value === "number" ? Buffer.alloc(value) : Buffer.from(value, encodingOrOffset, length));',
].join('\n');

/**
 * The licence of every package a bundle holds, in one file beside it: the bundle is a copy of
 * their code, and their licences (MIT and the like) ask for their notices to go with it.
 */
function writeLicences(metafile, outdir) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const at = input.lastIndexOf('node_modules/');
    if (at === -1) continue;
    const parts = input.slice(at + 'node_modules/'.length).split('/');
    const dir = path.join(root, input.slice(0, at), 'node_modules', ...parts.slice(0, parts[0].startsWith('@') ? 2 : 1));
    packages.add(dir);
  }
  // A package copied to several places in node_modules (one version) is named once.
  const sections = new Map();
  for (const dir of packages) {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    // An old package.json names it as { type } or a list of them.
    const named = [manifest.license, ...(manifest.licenses ?? [])].map((entry) => (typeof entry === 'string' ? entry : entry?.type)).find(Boolean);
    const file = readdirSync(dir).find((name) => /^(licen[cs]e|copying)/i.test(name));
    const text = file ? readFileSync(path.join(dir, file), 'utf8').trim() : `(no licence file; package.json says: ${named ?? 'nothing'})`;
    sections.set(`${manifest.name}@${manifest.version}`, `${manifest.name}@${manifest.version} (${named ?? 'no licence named'})\n\n${text}`);
  }
  writeFileSync(path.join(outdir, 'THIRD-PARTY-LICENSES.txt'), `The packages bundled into this folder, each with its licence.\n\n${[...sections.keys()].sort().map((name) => sections.get(name)).join(`\n\n${'-'.repeat(72)}\n\n`)}\n`);
}

async function bundle(entry, outdir, extra = {}) {
  rmSync(outdir, { recursive: true, force: true });
  const { metafile } = await build({
    entryPoints: [entry],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: BANNER },
    plugins: [legacyBuffer],
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    ...extra,
  });
  writeLicences(metafile, outdir);
}

// With source maps (positions only, no source text), which bin.js turns on for --verbose: the
// stack of an unexpected error then names src/… and node_modules/… files and lines, not chunks.
await bundle(path.join(root, 'dist', 'src', 'cli', 'bin.js'), path.join(root, 'dist', 'cli'), { sourcemap: 'linked', sourcesContent: false });
// bin.js reads the help pages the build rendered beside it.
copyFileSync(path.join(root, 'dist', 'src', 'cli', 'help-pages.json'), path.join(root, 'dist', 'cli', 'help-pages.json'));
await bundle(path.join(root, 'dist', 'src', 'index.js'), path.join(root, 'dist', 'lib'));
