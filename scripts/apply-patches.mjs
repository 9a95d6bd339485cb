// Build step, first: applies patches/ to this checkout's node_modules (patch-package), saying
// nothing when they are applied already, everything when one fails (and failing the build). A
// build step, not an install script: npm 11 lists a package's install scripts for approval
// wherever it is installed from a file or from git, and an installed package has nothing to
// patch (its bundles carry the patched code).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const result = spawnSync(process.execPath, [require.resolve('patch-package/index.js'), '--error-on-fail'], { encoding: 'utf8' });
if (result.status !== 0) {
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  process.exit(result.status ?? 1);
}
