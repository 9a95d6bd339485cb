// `npm run bench [name…]`: runs the named benchmarks, or all of them.
import { apiThroughput } from './api-throughput.js';
import { dryRun } from './dry-run.js';
import { importThroughput } from './import-throughput.js';
import { keyedImport } from './keyed-import.js';
import { rateLimited } from './rate-limited.js';
import { seenSet } from './seen-set.js';
import { exportThroughput } from './export-throughput.js';
import { odsRead } from './ods-read.js';
import { sharedStrings } from './shared-strings.js';
import { xlsxRead } from './xlsx-read.js';
import { startUp } from './start-up.js';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  'start-up': startUp,
  api: apiThroughput,
  'dry-run': dryRun,
  import: importThroughput,
  keyed: keyedImport,
  '429': rateLimited,
  'seen-set': seenSet,
  export: exportThroughput,
  'xlsx-read': xlsxRead,
  'ods-read': odsRead,
  'shared-strings': sharedStrings,
};

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(BENCHMARKS)) {
  const bench = BENCHMARKS[name];
  if (!bench) {
    console.error(`No benchmark "${name}". Known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== ${name}`);
  await bench();
}
