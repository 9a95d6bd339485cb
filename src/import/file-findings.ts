import { readOnlyWarning, type BoundColumn, type BoundMapping } from '../mapping/bind-header.js';
import { getPath } from '../mapping/field-path.js';
import type { MappedRow } from '../mapping/map-row.js';
import type { Mapping } from '../mapping/types.js';
import { cellText, isBlank, type Cell, type SheetRow } from '../readers/cell.js';
import { epochToWall } from '../time/zone-time.js';
import { reasonColumnOf } from '../writers/error-rows.js';

/** Something in a file that is probably wrong, though nothing stops the run: what, and what to do. */
export interface FileWarning {
  kind: 'midnight' | 'unread-columns' | 'not-sent' | 'empty-columns' | 'no-title' | 'total-row';
  message: string;
  /** The columns it is about. */
  columns?: string[];
  /** The row it is about. */
  row?: number;
}

const TIME_TEXT = /^(?:kl\.?\s*)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?$/i;
/** Labels of a total row, in the languages `mapping init` knows. */
const TOTAL_LABEL = /^(summa|summe|sum|total[st]?|grand total|s:a|gesamt|insgesamt|yhteensä|i alt|i alt:)(?=$|[\s:.,;])/iu;

/** A cell holding a total's label and nothing else (`Summa`, `Totalt:`), not a name that starts with one (`Summa Bygg AB`). */
const ONLY_TOTAL_LABEL = /^(summa|summe|sum|total[st]?|grand total|s:a|gesamt|insgesamt|yhteensä|i alt)\s*[:.]?$/iu;
/** A number as a total row shows one: `70`, `1 234,50`, `1:30`, `12 %`, `450 kr`. */
const NUMBER_TEXT = /^[-+\u2212]?\d[\d\s\u00a0.,:']*(?:%|kr|sek|nok|dkk|eur|€|\$|h|min|st)?$/iu;

function isNumberLike(cell: Cell): boolean {
  if (typeof cell === 'number') return true;
  if (typeof cell === 'object' && cell !== null) return cell.kind === 'number' || cell.kind === 'duration';
  return typeof cell === 'string' && NUMBER_TEXT.test(cell.trim());
}

function isTimeOfDay(cell: Cell): boolean {
  if (typeof cell === 'object' && cell !== null) return cell.kind === 'time';
  return typeof cell === 'string' && TIME_TEXT.test(cell.trim());
}

/** Header names as a message shows them: each at most 60 characters, at most 10 names. */
const quoted = (names: readonly string[]) => {
  const shown = names.slice(0, 10).map((n) => `"${n.length > 60 ? `${n.slice(0, 59)}…` : n}"`);
  return `${shown.join(', ')}${names.length > 10 ? ` and ${names.length - 10} more` : ''}`;
};

/** The column(s) a bound column reads, as the file spells them. */
function labelOf(column: BoundColumn): string {
  return column.header ?? column.several?.map((c) => c.header).join(' + ') ?? column.spec.column ?? column.spec.field;
}

/**
 * Watches the checked rows for signs that the file or the mapping is not what was meant: every
 * start at midnight while a column of times is unread, columns nothing reads, mapped columns
 * empty in every row, no title, a last row that is a total. Cheap per row: each question is
 * settled once and then no longer asked.
 */
export class FileFindings {
  /** Date-time fields read from one column, while every value so far was at 00:00. */
  private readonly midnight = new Map<BoundColumn, number>();
  /** Columns no mapping column reads, while every filled cell so far is a time of day. */
  private readonly timeLike = new Map<number, number>();
  /** Mapped columns with no filled cell so far. */
  private readonly unfilled = new Set<BoundColumn>();
  private lastRow: SheetRow | undefined;
  private lastMapped: MappedRow | undefined;
  private rows = 0;

  constructor(
    private readonly bound: BoundMapping,
    private readonly mapping: Mapping,
  ) {
    for (const column of bound.columns) {
      if (column.spec.readOnly || column.spec.value !== undefined) continue;
      if (column.index !== undefined || column.several) this.unfilled.add(column);
      if (column.index !== undefined && column.spec.type === 'datetime') this.midnight.set(column, 0);
    }
    bound.header.forEach((h, i) => {
      if (h !== '' && bound.unmapped.includes(h) && i !== bound.keyIndex) this.timeLike.set(i, 0);
    });
  }

  see(row: SheetRow, mapped: MappedRow): void {
    this.rows++;
    this.lastRow = row;
    this.lastMapped = mapped;
    const { cells } = row;
    for (const column of this.unfilled) {
      const indices = column.several ? column.several.map((c) => c.index) : [column.index as number];
      if (indices.some((i) => !isBlank(cells[i]))) this.unfilled.delete(column);
    }
    for (const [column, seen] of this.midnight) {
      const value = getPath(mapped.job, column.parts);
      if (typeof value !== 'number') continue;
      const wall = epochToWall(value, this.mapping.timezone);
      if (wall.hour || wall.minute || wall.second) this.midnight.delete(column);
      else this.midnight.set(column, seen + 1);
    }
    for (const [index, seen] of this.timeLike) {
      const cell = cells[index] ?? null;
      if (isBlank(cell)) continue;
      if (isTimeOfDay(cell)) this.timeLike.set(index, seen + 1);
      else this.timeLike.delete(index);
    }
  }

  /** What the rows seen so far suggest is wrong. */
  warnings(): FileWarning[] {
    const { bound } = this;
    const out: FileWarning[] = [];
    const times = [...this.timeLike].filter(([, seen]) => seen > 0).map(([i]) => bound.header[i] as string);
    for (const [column, seen] of this.midnight) {
      if (!seen || !times.length) continue;
      const what = column.spec.field === 'endTime' ? 'end' : column.spec.field === 'startTime' ? 'start' : `${column.spec.field} value`;
      out.push({
        kind: 'midnight',
        columns: [labelOf(column), ...times],
        message: `Every ${what} (${column.spec.field}, from "${labelOf(column)}") is at 00:00, while ${times.length === 1 ? 'the column' : 'the columns'} ${quoted(times)} ${times.length === 1 ? 'holds' : 'hold'} times of day that nothing reads: to send the time too, map both to ${column.spec.field} with column: [${labelOf(column)}, ${times[0]}].`,
      });
    }
    // Each column is named once: those the midnight warning names are not listed again.
    const named = new Set(out.flatMap((w) => w.columns ?? []));
    // An errors file of this tool, imported again as the README says: its own Reason column is expected.
    const reason = reasonColumnOf(bound.header);
    const unread = bound.unmapped.filter((h) => !named.has(h) && (reason === undefined || h !== bound.header[reason]));
    if (unread.length) {
      const them = unread.length === 1 ? 'it' : 'them';
      out.push({
        kind: 'unread-columns',
        columns: unread,
        message: `The mapping reads no column named ${quoted(unread)}: nothing of ${them} is sent. Map ${them} in the mapping ("coredination-batch mapping init <file>" proposes how), or leave ${them} out of the file.`,
      });
    }
    // Columns of what Coredination sets (an exported file's State, Id): read, never sent.
    const readOnly = readOnlyWarning(bound.readOnlyColumns);
    if (readOnly) out.push({ kind: 'not-sent', columns: [...bound.readOnlyColumns], message: `${readOnly} Change ${bound.readOnlyColumns.length === 1 ? 'it' : 'them'} in Coredination itself.` });
    const empty = [...this.unfilled];
    if (this.rows >= 2 && empty.length) {
      out.push({
        kind: 'empty-columns',
        columns: empty.map(labelOf),
        message: `${empty.length === 1 ? 'The column' : 'The columns'} ${empty.map((c) => `"${labelOf(c)}" (${c.spec.field})`).join(', ')} ${empty.length === 1 ? 'is' : 'are'} empty in every row: nothing is sent for ${empty.length === 1 ? 'it' : 'them'}. Check that the mapping names the right column${empty.length === 1 ? '' : 's'}, and that the file is the one meant.`,
      });
    }
    if (!this.mapping.columns.some((c) => c.field === 'title' && !c.readOnly)) {
      out.push({
        kind: 'no-title',
        message: 'No column is mapped to title: the jobs this file creates get no title in Coredination. Map one, or join several with a template (- field: title, template: "{Kund}: {Beskrivning}").',
      });
    }
    const total = this.totalRow();
    if (total) out.push(total);
    return out;
  }

  /**
   * The last row, when it looks like a total: a label such as Summa in a cell, and no key (or no
   * title). Without a key, also a row whose only text is the label, its other cells numbers or
   * empty and its reference (referenceNo) empty, as `Summa;;70`: the label is then often the title.
   */
  private totalRow(): FileWarning | undefined {
    const { lastRow: row, lastMapped: mapped } = this;
    if (!row || !mapped || this.rows < 2) return undefined;
    const keyed = this.bound.keyIndex !== undefined;
    const title = this.bound.columns.find((c) => c.spec.field === 'title' && (c.index !== undefined || c.several));
    const missing = keyed ? isBlank(row.cells[this.bound.keyIndex as number]) : title ? mapped.job.title === undefined : true;
    const labelOnly = keyed || missing ? undefined : this.onlyTotalLabel(row);
    if (!missing && labelOnly === undefined) return undefined;
    const at = labelOnly ?? row.cells.findIndex((cell) => TOTAL_LABEL.test(cellText(cell ?? null).trim()));
    if (at === -1) return undefined;
    const label = cellText(row.cells[at] ?? null).trim();
    const column = this.bound.header[at] ?? '';
    const lacks = keyed ? 'no key' : labelOnly !== undefined ? 'only numbers beside it' : title ? 'no title' : 'nothing else';
    const titled = labelOnly !== undefined && typeof mapped.job.title === 'string' ? ` titled "${mapped.job.title}"` : '';
    const then = keyed ? 'it is a problem on its row (its key is empty)' : `it would be imported as a job${titled}`;
    return {
      kind: 'total-row',
      row: row.row,
      columns: [column],
      message: `Row ${row.row}, the last, looks like a total ("${label}" in column "${column}", and ${lacks}): ${then}. Delete it from the file.`,
    };
  }

  /**
   * The column of a row's (first) total label when labels are the row's only text: every other filled
   * cell a number, and no reference (the referenceNo column, which a job of an order file has).
   */
  private onlyTotalLabel(row: SheetRow): number | undefined {
    const references = this.bound.columns.filter((c) => c.spec.field === 'referenceNo').flatMap((c) => (c.several ? c.several.map((p) => p.index) : c.index === undefined ? [] : [c.index]));
    if (references.some((i) => !isBlank(row.cells[i]))) return undefined;
    let at: number | undefined;
    for (let i = 0; i < row.cells.length; i++) {
      const cell = row.cells[i] ?? null;
      if (isBlank(cell) || isNumberLike(cell)) continue;
      if (!ONLY_TOTAL_LABEL.test(cellText(cell).trim())) return undefined;
      at ??= i;
    }
    return at;
  }
}
