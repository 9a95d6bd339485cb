import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's own folder (where package.json, templates/ and samples/ are), found by walking
 * up from this file: the same from src/ under ts-jest and from dist/src/ when built.
 */
export const PACKAGE_ROOT: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json of coredination-batch not found');
    dir = parent;
  }
  return dir;
})();

const manifest = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

/** This package's version. */
export const TOOL_VERSION: string = manifest.version;

/**
 * The built bin, as package.json names it: what a printed crontab line or systemd unit runs,
 * whether the CLI was loaded from dist/ or (in a test) from its sources.
 */
export const PACKAGE_BIN: string = path.join(PACKAGE_ROOT, manifest.bin['coredination-batch'] ?? 'dist/cli/bin.js');
