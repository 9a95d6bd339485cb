import { DateTime } from 'luxon';
import type { DataValidation, Worksheet } from 'exceljs';
import { columnLetters } from '../readers/cell.js';
import type { ColumnSpec, Mapping } from '../mapping/types.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { jobsSheetName } from '../writers/sheet-name.js';
import { importColumns } from '../mapping/export-columns.js';

/** The words a boolean column is offered in: ones the import reads (ja/nej, yes/no), in the mapping's language. */
function booleanWords(locale: string): string[] {
  return /^(sv|da)\b/i.test(locale) ? ['Ja', 'Nej'] : ['Yes', 'No'];
}

/** Excel keeps a drop-down's words inline in at most 255 characters, and splits them at commas. */
const INLINE_LIST_MAX = 255;
const LISTS_SHEET = 'Lists';

const EXAMPLES: Record<string, string> = {
  title: 'Service av värmepump',
  referenceNo: '0012345',
  description: 'Portkod 1234',
  customerName: 'Brf Ekorren',
  'destinations[0].location.placeName': 'Storgatan 1, Uppsala',
};

/** The words a column takes, for its drop-down: a map's words, an enum's values, a boolean's words. */
export function choicesOf(spec: ColumnSpec, locale: string): string[] | undefined {
  if (spec.type === 'enum') return [...new Set([...(spec.values ?? []), ...Object.keys(spec.map ?? {})])];
  if (spec.map) return Object.keys(spec.map);
  if (spec.type === 'boolean') return booleanWords(locale);
  return undefined;
}

function example(spec: ColumnSpec, choices: string[] | undefined): string {
  if (spec.timeOfDay) return '08:00';
  if (EXAMPLES[spec.field]) return EXAMPLES[spec.field] as string;
  if (choices?.length) return choices.join(', ');
  switch (spec.type) {
    case 'integer':
      return '60';
    case 'number':
      return '59,8586';
    case 'date':
      return spec.format ? DateTime.fromISO('2026-03-01').toFormat(spec.format) : '2026-03-01';
    case 'datetime':
      return spec.format ? DateTime.fromISO('2026-03-01T08:00').toFormat(spec.format) : '2026-03-01 08:00';
    default:
      return 'text';
  }
}

/** Writes lists too long or with commas for an inline drop-down, one column each, on a hidden sheet. */
class ListsSheet {
  private sheet: Worksheet | undefined;
  private used = 0;
  constructor(private readonly add: () => Worksheet) {}

  /** The range formula of a list, its words written to the next column. */
  range(words: readonly string[]): string {
    this.sheet ??= this.add();
    const letter = columnLetters(this.used++);
    words.forEach((word, i) => (this.sheet!.getCell(i + 1, this.used).value = word));
    return `${LISTS_SHEET}!$${letter}$1:$${letter}$${words.length}`;
  }
}

/** The one validation of a column, or undefined for a column any text fits. */
function validationOf(spec: ColumnSpec, choices: string[] | undefined, lists: ListsSheet): DataValidation | undefined {
  const title = spec.column as string;
  if (choices?.length) {
    const inline = choices.join(',');
    const fits = inline.length <= INLINE_LIST_MAX && !choices.some((c) => /[,"]/.test(c));
    return { type: 'list', allowBlank: !spec.required, formulae: [fits ? `"${inline}"` : lists.range(choices)], showErrorMessage: true, errorTitle: title, error: `Choose one of ${choices.join(', ')}` };
  }
  // A time of day (the time half of a date-and-time field): Excel's time, a day's fraction.
  if (spec.timeOfDay) return { type: 'decimal', operator: 'between', allowBlank: true, formulae: [0, 0.999988], showErrorMessage: true, errorTitle: title, error: 'Enter a time of day, e.g. 08:00' };
  if (spec.type === 'date' || spec.type === 'datetime') {
    return { type: 'date', operator: 'greaterThan', allowBlank: true, formulae: [new Date(Date.UTC(1990, 0, 1))], showErrorMessage: true, errorTitle: title, error: 'Enter a date, e.g. 2026-03-01 08:00' };
  }
  if (spec.type === 'integer') return { type: 'whole', operator: 'greaterThanOrEqual', allowBlank: true, formulae: [0], showErrorMessage: true, errorTitle: title, error: 'Enter a whole number' };
  return undefined;
}

/**
 * A blank import workbook for a mapping: a bold frozen header of its columns, a note on each
 * (field, type, example), date formats on date columns, and one validation per column: a
 * drop-down of its words for a mapped, enum or boolean column, a date or a whole number otherwise.
 */
export async function writeTemplate(file: string, mapping: Mapping, rows = 500): Promise<{ columns: number }> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'coredination-batch';
  const sheet = workbook.addWorksheet(jobsSheetName(mapping), { views: [{ state: 'frozen', ySplit: mapping.headerRow }] });
  const lists = new ListsSheet(() => workbook.addWorksheet(LISTS_SHEET, { state: 'hidden' }));
  const validations = (sheet as unknown as { dataValidations: { add(range: string, validation: DataValidation): void } }).dataValidations;
  const specs = importColumns(mapping);
  specs.forEach((spec, i) => {
    const choices = choicesOf(spec, mapping.locale);
    const col = sheet.getColumn(i + 1);
    col.width = Math.max(14, (spec.column as string).length + 4);
    const cell = sheet.getCell(mapping.headerRow, i + 1);
    cell.value = spec.column;
    cell.font = { name: 'Calibri', family: 2, size: 11, bold: true };
    cell.note = [
      `Field: ${spec.field}${spec.timeOfDay ? ' (its time of day)' : spec.from === undefined && spec.column !== undefined && mapping.columns.some((c) => c.template && c.from?.includes(spec.column as string)) ? ' (a part of it)' : ''}`,
      `Type: ${spec.map && spec.type !== 'enum' ? 'one of its words' : spec.type}${spec.format ? ` (${spec.format})` : ''}${spec.required ? ', required' : ''}`,
      `${choices ? 'Choose' : 'Example'}: ${example(spec, choices)}`,
      spec.aliases.length ? `Also read as: ${spec.aliases.join(', ')}` : '',
    ].filter(Boolean).join('\n');
    const numFmt = choices ? undefined : spec.timeOfDay ? 'hh:mm' : spec.type === 'datetime' ? 'yyyy-mm-dd hh:mm' : spec.type === 'date' ? 'yyyy-mm-dd' : spec.type === 'string' ? '@' : undefined;
    if (numFmt) for (let r = mapping.headerRow + 1; r <= mapping.headerRow + rows; r++) sheet.getCell(r, i + 1).numFmt = numFmt;
    // One validation over the column's rows: exceljs's per-cell validations come out twice.
    const validation = validationOf(spec, choices, lists);
    const letter = columnLetters(i);
    if (validation) validations.add(`${letter}${mapping.headerRow + 1}:${letter}${mapping.headerRow + rows}`, validation);
  });
  const buffer = await workbook.xlsx.writeBuffer();
  await writeFileAtomic(file, new Uint8Array(buffer));
  return { columns: specs.length };
}
