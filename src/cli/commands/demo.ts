import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { CliIo, GlobalArgs } from '../io.js';
import { Output } from '../io.js';
import { EXIT } from '../render-error.js';
import { shellQuote } from '../render/names.js';

interface DemoArgs extends GlobalArgs {
  out: string;
}

/** `demo` (npm start): the main job on the embedded sandbox. */
export function demoCommand(io: CliIo, done: (code: number) => void): CommandModule<GlobalArgs, DemoArgs> {
  return {
    command: 'demo',
    describe: 'Try it: start a local sandbox, import samples/jobs.xlsx into it, export every job to out/jobs.xlsx',
    builder: (yargs: Argv<GlobalArgs>) =>
      yargs.option('out', { type: 'string', default: 'out', describe: 'Folder for the results' }),
    handler: async (args) => {
      const out = new Output(io, args);
      const [{ runDemo }, { progressReporter }, { describeImport }] = await Promise.all([import('../../demo/run-demo.js'), import('../progress.js'), import('../render/import-summary.js')]);
      const reporter = progressReporter(io, args, 'Importing');
      const demo = await runDemo({ outDir: args.out, reporter });
      reporter.stop();
      const c = demo.imported.counts;
      // The sample as this folder reaches it: samples/jobs.xlsx in a clone, the installed package's otherwise.
      const near = path.relative(process.cwd(), demo.input);
      const sample = near.startsWith('..') ? demo.input : near;
      const shown = shellQuote(sample);
      out.result(
        [
          `Imported ${sample} into the sandbox: ${c.created} jobs created, ${c.rejected + c.failed} problems.`,
          // The demo's sandbox stopped with it: its run cannot be undone, so no undo is offered.
          ...describeImport(demo.imported, { undoHint: false }).slice(1),
          `Exported all ${demo.exported.rows} jobs back to ${demo.exported.file}: open it in Excel or LibreOffice.`,
          `The sandbox held ${demo.jobsOnServer} jobs at the end (it was stopped with the demo).`,
          '',
          'Next: run your own file the same way, first without sending anything:',
          '  coredination-batch import your-jobs.xlsx --dry-run',
          'and against a sandbox you keep running:  coredination-batch sandbox  (see README.md).',
          'To try undo (the demo\'s run went with its sandbox): start  coredination-batch sandbox  and, in another terminal,',
          '  export COREDINATION_BASE_URL=http://127.0.0.1:8080/api/1 COREDINATION_API_KEY=sandbox-key',
          // Results beside the sample in a clone; here, not in the installed package's folder.
          ...(sample === near ? [`  coredination-batch import ${shown}`, `  coredination-batch undo ${shellQuote(sample.replace(/\.xlsx$/, '.results.csv'))}`] : [`  coredination-batch import ${shown} --results jobs.results.csv`, '  coredination-batch undo jobs.results.csv']),
        ].join('\n'),
        { sandboxUrl: demo.sandboxUrl, input: demo.input, counts: c, resultsFile: demo.imported.resultsFile, exportFile: demo.exported.file, exported: demo.exported.rows, jobsOnServer: demo.jobsOnServer },
      );
      done(c.created === demo.imported.check.valid ? EXIT.ok : EXIT.partial);
    },
  };
}
