import { DateTime } from 'luxon';
import type { ColumnSpec, Mapping } from '../mapping/types.js';
import { writeFileAtomic } from '../util/atomic-write.js';

const BOOLEAN_CHOICES = ['Ja', 'Nej'];

const EXAMPLES: Record<string, string> = {
  title: 'Service av värmepump',
  referenceNo: '0012345',
  description: 'Portkod 1234',
  customerName: 'Brf Ekorren',
  'destinations[0].location.placeName': 'Storgatan 1, Uppsala',
};

function example(spec: ColumnSpec): string {
  if (EXAMPLES[spec.field]) return EXAMPLES[spec.field] as string;
  switch (spec.type) {
    case 'integer':
      return '60';
    case 'number':
      return '59,8586';
    case 'boolean':
      return 'Ja or Nej';
    case 'date':
      return spec.format ? DateTime.fromISO('2026-03-01').toFormat(spec.format) : '2026-03-01';
    case 'datetime':
      return spec.format ? DateTime.fromISO('2026-03-01T08:00').toFormat(spec.format) : '2026-03-01 08:00';
    case 'enum':
      return spec.values?.[0] ?? Object.keys(spec.map ?? {})[0] ?? '';
    default:
      return 'text';
  }
}

/**
 * A blank import workbook for a mapping: a bold frozen header of its columns, a note on each
 * (field, type, example), date formats on date columns and drop-downs for booleans and enums.
 */
export async function writeTemplate(file: string, mapping: Mapping, rows = 500): Promise<{ columns: number }> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'coredination-batch';
  const sheet = workbook.addWorksheet(typeof mapping.sheet === 'string' ? mapping.sheet : 'Jobs', { views: [{ state: 'frozen', ySplit: mapping.headerRow }] });
  const specs = mapping.columns.filter((c) => c.column !== undefined && !c.readOnly);
  specs.forEach((spec, i) => {
    const col = sheet.getColumn(i + 1);
    col.width = Math.max(14, (spec.column as string).length + 4);
    const cell = sheet.getCell(mapping.headerRow, i + 1);
    cell.value = spec.column as string;
    cell.font = { bold: true };
    cell.note = [
      `Field: ${spec.field}`,
      `Type: ${spec.type}${spec.format ? ` (${spec.format})` : ''}${spec.required ? ', required' : ''}`,
      `Example: ${example(spec)}`,
      spec.aliases.length ? `Also read as: ${spec.aliases.join(', ')}` : '',
    ].filter(Boolean).join('\n');
    const numFmt = spec.type === 'datetime' ? 'yyyy-mm-dd hh:mm' : spec.type === 'date' ? 'yyyy-mm-dd' : spec.type === 'string' ? '@' : undefined;
    const choices = spec.type === 'boolean' ? (spec.map ? Object.keys(spec.map) : BOOLEAN_CHOICES) : spec.type === 'enum' ? [...(spec.values ?? []), ...Object.keys(spec.map ?? {})] : undefined;
    for (let r = mapping.headerRow + 1; r <= mapping.headerRow + rows; r++) {
      const target = sheet.getCell(r, i + 1);
      if (numFmt) target.numFmt = numFmt;
      if (choices) {
        target.dataValidation = { type: 'list', allowBlank: !spec.required, formulae: [`"${choices.join(',')}"`], showErrorMessage: true, errorTitle: spec.column as string, error: `Choose one of ${choices.join(', ')}` };
      } else if (spec.type === 'date' || spec.type === 'datetime') {
        target.dataValidation = { type: 'date', operator: 'greaterThan', allowBlank: true, formulae: [new Date(Date.UTC(1990, 0, 1))], showErrorMessage: true, errorTitle: spec.column as string, error: 'Enter a date, e.g. 2026-03-01 08:00' };
      } else if (spec.type === 'integer') {
        target.dataValidation = { type: 'whole', operator: 'greaterThanOrEqual', allowBlank: true, formulae: [0], showErrorMessage: true, error: 'Enter a whole number' };
      }
    }
  });
  const buffer = await workbook.xlsx.writeBuffer();
  await writeFileAtomic(file, new Uint8Array(buffer as ArrayBuffer));
  return { columns: specs.length };
}
