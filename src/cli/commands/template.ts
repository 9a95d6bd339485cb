import { access } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import { CdbError } from '../../errors.js';
import type { CliIo, GlobalArgs } from '../io.js';
import { Output } from '../io.js';
import { MAPPING_OPTION, mappingFrom } from '../mapping-args.js';

interface TemplateArgs extends GlobalArgs {
  out: string;
  mapping?: string;
  force?: boolean;
}

/** `template <out.xlsx>`: a blank import workbook for a mapping. */
export function templateCommand(io: CliIo, done: (code: number) => void): CommandModule<GlobalArgs, TemplateArgs> {
  return {
    command: 'template <out>',
    describe: 'Write a blank import workbook for a mapping: headers, a note on each column, drop-downs and date formats',
    builder: (yargs: Argv<GlobalArgs>) =>
      yargs
        .positional('out', { type: 'string', demandOption: true, describe: 'The .xlsx file to write' })
        .option('mapping', MAPPING_OPTION)
        .option('force', { type: 'boolean', describe: 'Overwrite an existing file (it may be a filled-in workbook)' }),
    handler: async (args) => {
      const out = new Output(io, args);
      if (!/\.xlsx$/i.test(args.out)) throw new CdbError('USAGE', `The template is an xlsx workbook: name it .xlsx (got ${args.out}).`);
      if (!args.force && (await access(args.out).then(() => true, () => false))) {
        throw new CdbError('USAGE', `${args.out} exists already.`, { hint: 'Pass --force to overwrite it, or name another file.' });
      }
      const mapping = await mappingFrom(args, out);
      const { writeTemplate } = await import('../../template/write-template.js');
      const { columns } = await writeTemplate(args.out, mapping);
      out.result(`Wrote ${args.out}: ${columns} columns from ${mapping.source}. Fill it in and run "coredination-batch import ${args.out}${args.mapping ? ` --mapping ${args.mapping}` : ''}".`, { file: args.out, columns });
      done(0);
    },
  };
}
