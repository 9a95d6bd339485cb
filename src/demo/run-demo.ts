import path from 'node:path';
import { createClient } from '../api/client.js';
import { loadMapping } from '../mapping/load-mapping.js';
import { runImport, type ImportSummary } from '../import/run-import.js';
import { runExport, type ExportSummary } from '../export/run-export.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { startSandbox, SANDBOX_KEY } from '../sandbox/server.js';
import { PACKAGE_ROOT } from '../tool-version.js';

/** What the demo did. */
export interface DemoSummary {
  sandboxUrl: string;
  input: string;
  imported: ImportSummary;
  exported: ExportSummary;
  jobsOnServer: number;
}

/** The sample workbook the demo imports. */
export const DEMO_INPUT = path.join(PACKAGE_ROOT, 'samples', 'jobs.xlsx');

/**
 * The main job on the embedded sandbox: start it on a free port, import samples/jobs.xlsx with
 * the default mapping, export every job back to `outDir`/jobs.xlsx, leave the results there.
 */
export async function runDemo(options: { outDir: string; reporter?: Reporter }): Promise<DemoSummary> {
  const reporter = options.reporter ?? silentReporter;
  const sandbox = await startSandbox({ port: 0, latency: 5 });
  try {
    reporter.info(`Started a local Coredination sandbox at ${sandbox.url}.`);
    const client = createClient({ baseUrl: sandbox.url, apiKey: SANDBOX_KEY });
    const { mapping } = await loadMapping();
    const imported = await runImport({
      file: DEMO_INPUT,
      mapping,
      client,
      concurrency: 4,
      rate: 20,
      fresh: true,
      // Its sandbox stops with it: no undo can take the run back.
      undoHint: false,
      resultsFile: path.join(options.outDir, 'import-results.csv'),
      errorsFile: path.join(options.outDir, 'import-errors.csv'),
      // The demo's journal and run record stay in its own folder, not the user's state folder.
      stateDir: path.join(options.outDir, '.state'),
      reporter,
    });
    const exported = await runExport({
      client,
      mapping,
      output: path.join(options.outDir, 'jobs.xlsx'),
      stateDir: path.join(options.outDir, '.state'),
      reporter,
    });
    return { sandboxUrl: sandbox.url, input: DEMO_INPUT, imported, exported, jobsOnServer: sandbox.store.size };
  } finally {
    await sandbox.close();
  }
}
