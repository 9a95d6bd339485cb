import type { Argv, CommandModule } from 'yargs';
import { CdbError } from '../../errors.js';
import { planImport, type PlanSummary } from '../../import/plan-import.js';
import { formatIssue } from '../../mapping/map-row.js';
import type { CliIo, GlobalArgs } from '../io.js';
import { Output } from '../io.js';
import { mappingFrom, readOptionsFrom, withMappingArgs, type MappingArgs } from '../mapping-args.js';
import { cliReporter } from '../cli-reporter.js';
import { EXIT } from '../render-error.js';

export interface ImportArgs extends GlobalArgs, MappingArgs {
  file: string;
  dryRun?: boolean;
  payloads?: string;
  errors?: string;
  results?: string;
  limit?: number;
  concurrency?: number;
  rate?: number;
  key?: string;
  skipInvalid?: boolean;
  fresh?: boolean;
}

const SHOWN_ISSUES = 20;

/** The validation summary as lines. */
export function describePlan(plan: PlanSummary): string[] {
  const d = plan.detected;
  const how = d.format === 'csv' ? `csv, ${d.encoding}${d.bom ? ' with BOM' : ''}, delimiter ${d.delimiter === '\t' ? 'tab' : `"${d.delimiter}"`}` : `xlsx, sheet "${d.sheet}"`;
  const lines = [`Checked ${plan.file} (${how}): ${plan.rows} rows, ${plan.valid} valid, ${plan.invalid} invalid.`];
  for (const issue of plan.issues.slice(0, SHOWN_ISSUES)) lines.push(`  ${formatIssue(issue)}`);
  if (plan.issueCount > SHOWN_ISSUES) lines.push(`  … and ${plan.issueCount - SHOWN_ISSUES} more problems (all of them are in the errors file).`);
  if (plan.errorsFile) lines.push(`Invalid rows are in ${plan.errorsFile}, with the reason in the last column: fix them there and import that file.`);
  if (plan.payloadsFile) lines.push(`What would be sent is in ${plan.payloadsFile} (one JSON line per row).`);
  return lines;
}

/** The validation summary as JSON. */
export function planJson(plan: PlanSummary) {
  return {
    file: plan.file,
    detected: plan.detected,
    rows: plan.rows,
    valid: plan.valid,
    invalid: plan.invalid,
    issues: plan.issues.map((issue) => ({ ...issue, text: formatIssue(issue) })),
    issueCount: plan.issueCount,
    errorsFile: plan.errorsFile ?? null,
    payloadsFile: plan.payloadsFile ?? null,
  };
}

/** `import <file>`: spreadsheet → jobs. */
export function importCommand(io: CliIo, done: (code: number) => void, upload: (args: ImportArgs, out: Output) => Promise<number>): CommandModule<GlobalArgs, ImportArgs> {
  return {
    command: 'import <file>',
    describe: 'Import a spreadsheet (xlsx, csv) of jobs: check every row, then send them, throttled and resumable',
    builder: (yargs: Argv<GlobalArgs>) =>
      withMappingArgs(yargs)
        .positional('file', { type: 'string', demandOption: true, describe: 'The spreadsheet' })
        .option('dry-run', { type: 'boolean', describe: 'Read, map and check every row; send nothing' })
        .option('payloads', { type: 'string', describe: 'Write every valid payload to this file as JSON lines' })
        .option('errors', { type: 'string', describe: 'Where invalid rows go (default: <file>.errors.csv or .xlsx beside the input)' })
        .option('results', { type: 'string', describe: 'Results file, csv or xlsx (default: <file>.results.csv beside the input)' })
        .option('limit', { type: 'number', describe: 'Send only the first N valid rows (a canary run)' })
        .option('concurrency', { type: 'number', describe: 'Requests in flight at most (default 4)' })
        .option('rate', { type: 'number', describe: 'Requests per second at most (default 10)' })
        .option('key', { type: 'string', describe: 'Column identifying a row across runs: rows are PUT to a uuid derived from it (idempotent)' })
        .option('skip-invalid', { type: 'boolean', describe: 'Send the valid rows and report the invalid ones as rejected' })
        .option('fresh', { type: 'boolean', describe: 'Ignore the journal of earlier runs of this file' })
        .check((args) => {
          for (const name of ['limit', 'concurrency', 'rate'] as const) {
            const value = args[name];
            if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw new CdbError('USAGE', `--${name} takes a number above 0, got ${value}.`);
          }
          return true;
        }) as unknown as Argv<ImportArgs>,
    handler: async (args) => {
      const out = new Output(io, args);
      if (!args.dryRun) {
        done(await upload(args, out));
        return;
      }
      const mapping = await mappingFrom(args, out);
      if (args.key) mapping.key = args.key;
      const plan = await planImport({
        file: args.file,
        mapping,
        read: readOptionsFrom(args),
        errorsFile: args.errors,
        payloadsFile: args.payloads,
        reporter: cliReporter(out),
      });
      out.result([...describePlan(plan), 'Dry run: nothing was sent.'].join('\n'), { dryRun: true, ...planJson(plan) });
      done(plan.invalid === 0 ? EXIT.ok : EXIT.invalid);
    },
  };
}
