import type { Cell, CellFormat } from '../cell.js';
import type { Beyond } from '../headed-sheet.js';
import { XlsxError } from '../xlsx/xlsx-error.js';
import { attribute, parseAttributes, type XmlHandler } from '../xlsx/xml-scanner.js';
import { decodeOdsCell } from './ods-cell.js';
import type { OdsStyles } from './ods-styles.js';

/** A table (sheet) of the document, in order. */
export interface OdsTable {
  name: string;
  hidden: boolean;
}

/** Which table to read: by name, by 1-based position, the first not hidden; null: only list them. */
export type TableChoice = { name: string } | { index: number } | { firstVisible: true } | null;

/** A row read, standing for `repeat` equal rows from `row` on (`table:number-rows-repeated`). */
export interface OdsRow {
  row: number;
  cells: Cell[];
  repeat: number;
}

export interface ContentContext {
  maxCell: number;
  /** The most cells that repeated rows and columns may expand to. */
  maxCells: number;
  general: CellFormat | undefined;
  /** The mapping's locale, for a cell the file wrote no text for. */
  locale?: string;
}

const MAX_COLUMNS = 16_384;
const MAX_ROWS = 1_048_576;
/** LibreOffice's most sheets in a document. */
const MAX_TABLES = 10_000;

const NS = {
  office: 'urn:oasis:names:tc:opendocument:xmlns:office:1.0',
  table: 'urn:oasis:names:tc:opendocument:xmlns:table:1.0',
  text: 'urn:oasis:names:tc:opendocument:xmlns:text:1.0',
  calcext: 'urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0',
} as const;

/** Elements inside a paragraph whose text is not the cell's (comments, footnotes, drawings). */
const NOT_CELL_TEXT = new Set(['annotation', 'note', 'frame', 'custom-shape', 'ruby-text', 'tracked-changes']);

/** A repeat count (`number-rows-repeated`, `number-columns-repeated`): 1 when absent. */
function repeatOf(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new XlsxError(`a row or cell is repeated "${raw.slice(0, 20)}" times, which is not a count`);
  return n;
}

/**
 * Turns an OpenDocument spreadsheet's content.xml into rows of typed cells as it streams in: the
 * automatic styles first (handed to the styles), then the chosen table's rows, with repeated rows
 * and cells expanded (empty runs only skipped), covered cells as the file holds them, and the text
 * of each cell from its paragraphs.
 */
export class OdsContentHandler implements XmlHandler {
  rows: OdsRow[] = [];
  readonly tables: OdsTable[] = [];
  /** The tables' names so far, in order (complete once content.xml is read through). */
  readonly names: string[] = [];
  chosen: OdsTable | undefined;
  /** True once the chosen table has been read to its end. */
  done = false;
  /** True once the body has begun (the styles before it are read). */
  inBody = false;
  columnLimit = MAX_COLUMNS;
  readonly beyond: Beyond = new Map();

  private q = { officeValueType: 'office:value-type', calcValueType: 'calcext:value-type', value: 'office:value', dateValue: 'office:date-value', timeValue: 'office:time-value', booleanValue: 'office:boolean-value', stringValue: 'office:string-value', formula: 'table:formula', styleName: 'table:style-name', name: 'table:name', columnsRepeated: 'table:number-columns-repeated', rowsRepeated: 'table:number-rows-repeated', defaultStyle: 'table:default-cell-style-name', spaces: 'text:c' };
  private depth = 0;
  private stylesDepth = -1;
  private tableDepth = -1;
  private reading = false;
  private columnStyles: (string | undefined)[] = [];
  private columnCount = 0;
  private inRow = false;
  private rowNumber = 0;
  private rowRepeat = 1;
  private rowStyle: string | undefined;
  private cells: Cell[] = [];
  private column = 0;
  private placed = 0;
  private expanded = 0;
  private cellDepth = -1;
  private cellRaw = '';
  private cellRepeat = 1;
  /** A self-closing empty cell already counted: its close is to be passed over. */
  private skipClose = false;
  private paragraphs: string[] | undefined;
  private paragraphDepth = -1;
  private parts: string[] = [];
  private textLength = 0;
  private skipDepth = -1;

  constructor(
    private readonly styles: OdsStyles,
    private readonly choice: TableChoice,
    private readonly context: ContentContext,
  ) {}

  open(name: string, attributes: string, selfClosing: boolean): void {
    const depth = ++this.depth;
    if (depth === 1) {
      this.prefixes(attributes);
      return;
    }
    if (this.stylesDepth !== -1) {
      this.styles.open(name, attributes);
      return;
    }
    if (this.cellDepth !== -1) {
      this.openInCell(name, attributes, depth);
      return;
    }
    if (depth === 2 && (name === 'automatic-styles' || name === 'styles')) {
      this.stylesDepth = depth;
      return;
    }
    if (depth === 2 && name === 'body') {
      this.inBody = true;
      return;
    }
    if (this.tableDepth === -1) {
      if (name === 'table' && this.inBody) this.openTable(attributes, depth);
      return;
    }
    if (!this.reading) return;
    if (name === 'table-cell' || name === 'covered-table-cell') {
      if (this.inRow) this.openCell(attributes, depth, selfClosing);
    } else if (name === 'table-row') {
      this.inRow = true;
      this.rowRepeat = repeatOf(attribute(attributes, this.q.rowsRepeated));
      this.rowStyle = attribute(attributes, this.q.defaultStyle);
      this.cells = [];
      this.column = 0;
      this.placed = 0;
    } else if (name === 'table-column' && !this.inRow) {
      const repeat = Math.min(repeatOf(attribute(attributes, this.q.columnsRepeated)), MAX_COLUMNS - this.columnCount);
      const style = attribute(attributes, this.q.defaultStyle);
      if (style !== undefined) for (let i = 0; i < repeat; i++) this.columnStyles[this.columnCount + i] = style;
      this.columnCount += Math.max(0, repeat);
    }
  }

  close(name: string): void {
    const depth = this.depth--;
    if (this.stylesDepth !== -1) {
      if (depth === this.stylesDepth) this.stylesDepth = -1;
      else this.styles.close();
      return;
    }
    if (this.cellDepth !== -1) {
      if (depth === this.cellDepth) this.closeCell();
      else this.closeInCell(depth);
      return;
    }
    if (this.skipClose) {
      this.skipClose = false;
      return;
    }
    if (depth === this.tableDepth) {
      this.tableDepth = -1;
      if (this.reading) {
        this.reading = false;
        this.done = true;
      }
    } else if (this.reading && name === 'table-row' && this.inRow) {
      this.closeRow();
    }
  }

  text(text: string): void {
    if (this.stylesDepth !== -1) {
      this.styles.text(text);
      return;
    }
    if (this.paragraphDepth === -1 || this.skipDepth !== -1) return;
    // A line end or tab written as a character (not as text:line-break or text:tab) shows as a space.
    this.add(text.includes('\n') || text.includes('\t') ? text.replace(/[\n\t]/g, ' ') : text);
  }

  /** The namespace prefixes the document uses, from its root element (almost always office:, table:, text:). */
  private prefixes(raw: string): void {
    const prefixOf: Record<string, string> = {};
    for (const [key, uri] of Object.entries(parseAttributes(raw))) if (key.startsWith('xmlns:')) prefixOf[uri] = key.slice(6);
    const office = prefixOf[NS.office] ?? 'office';
    const table = prefixOf[NS.table] ?? 'table';
    const text = prefixOf[NS.text] ?? 'text';
    const calcext = prefixOf[NS.calcext] ?? 'calcext';
    this.q = {
      officeValueType: `${office}:value-type`, calcValueType: `${calcext}:value-type`, value: `${office}:value`, dateValue: `${office}:date-value`,
      timeValue: `${office}:time-value`, booleanValue: `${office}:boolean-value`, stringValue: `${office}:string-value`, formula: `${table}:formula`,
      styleName: `${table}:style-name`, name: `${table}:name`, columnsRepeated: `${table}:number-columns-repeated`, rowsRepeated: `${table}:number-rows-repeated`,
      defaultStyle: `${table}:default-cell-style-name`, spaces: `${text}:c`,
    };
  }

  private openTable(raw: string, depth: number): void {
    if (this.tables.length >= MAX_TABLES) throw new XlsxError(`the spreadsheet has more than ${MAX_TABLES.toLocaleString('en')} sheets, more than LibreOffice allows`);
    const table: OdsTable = { name: attribute(raw, this.q.name) ?? `Sheet${this.tables.length + 1}`, hidden: this.styles.hidden(attribute(raw, this.q.styleName)) };
    this.tables.push(table);
    this.names.push(table.name);
    this.tableDepth = depth;
    if (this.chosen || this.done || !this.matches(table)) return;
    this.chosen = table;
    this.reading = true;
  }

  private matches(table: OdsTable): boolean {
    const choice = this.choice;
    if (choice === null) return false;
    if ('name' in choice) return table.name.trim().toLowerCase() === choice.name.trim().toLowerCase();
    if ('index' in choice) return this.tables.length === choice.index;
    return !table.hidden;
  }

  private openCell(raw: string, depth: number, selfClosing: boolean): void {
    const repeat = repeatOf(attribute(raw, this.q.columnsRepeated));
    if (selfClosing && !raw.includes('value-type') && !raw.includes('formula')) {
      // An empty cell (or a run of them, 16,382 at the end of a LibreOffice row): only counted.
      this.column += repeat;
      this.skipClose = true;
      return;
    }
    this.cellDepth = depth;
    this.cellRaw = raw;
    this.cellRepeat = repeat;
    this.paragraphs = undefined;
    this.textLength = 0;
  }

  private openInCell(name: string, raw: string, depth: number): void {
    if (this.skipDepth !== -1) return;
    if (this.paragraphDepth === -1) {
      // Only the cell's own paragraphs are its text: a comment's (office:annotation) are not.
      if (depth === this.cellDepth + 1 && (name === 'p' || name === 'h')) {
        this.paragraphDepth = depth;
        this.parts = [];
      }
      return;
    }
    if (NOT_CELL_TEXT.has(name)) this.skipDepth = depth;
    else if (name === 's') {
      const count = Number(attribute(raw, this.q.spaces) ?? 1);
      this.add(' '.repeat(Number.isInteger(count) && count > 0 ? Math.min(count, this.context.maxCell + 1) : 1));
    } else if (name === 'tab') this.add('\t');
    else if (name === 'line-break') this.add('\n');
  }

  private closeInCell(depth: number): void {
    if (depth === this.skipDepth) this.skipDepth = -1;
    else if (depth === this.paragraphDepth && this.skipDepth === -1) {
      (this.paragraphs ??= []).push(this.parts.length === 1 ? (this.parts[0] as string) : this.parts.join(''));
      this.paragraphDepth = -1;
      this.parts = [];
      this.textLength += 1; // the line break that joins it to the next
    }
  }

  private add(text: string): void {
    this.parts.push(text);
    this.textLength += text.length;
    if (this.textLength > this.context.maxCell) {
      throw new XlsxError(`row ${this.rowNumber + 1} has a cell longer than ${Math.round(this.context.maxCell / 1048576)} MB, this reader's limit for a cell`, 'limit');
    }
  }

  private closeCell(): void {
    const raw = this.cellRaw;
    this.cellDepth = -1;
    this.paragraphDepth = -1;
    this.skipDepth = -1;
    const q = this.q;
    const valueType = attribute(raw, q.officeValueType);
    const numeric = valueType === 'float' || valueType === 'percentage' || valueType === 'currency' || valueType === 'time';
    const value =
      valueType === 'date' ? attribute(raw, q.dateValue) : valueType === 'time' ? attribute(raw, q.timeValue) : valueType === 'boolean' ? attribute(raw, q.booleanValue) : numeric ? attribute(raw, q.value) : undefined;
    const paragraphs = this.paragraphs;
    // Only what can be there is looked for: most cells have no error, no formula, no string value.
    const cell = decodeOdsCell(
      {
        valueType,
        calcType: raw.includes('error') ? attribute(raw, q.calcValueType) : undefined,
        value,
        stringValue: valueType === 'string' && raw.includes('string-value') ? attribute(raw, q.stringValue) : undefined,
        formula: raw.includes('formula') && attribute(raw, q.formula) !== undefined,
        text: paragraphs === undefined ? undefined : paragraphs.length === 1 ? paragraphs[0] : paragraphs.join('\n'),
        dataStyle: numeric || valueType === 'date' ? this.styles.dataStyleOf((raw.includes('style-name') ? attribute(raw, q.styleName) : undefined) ?? this.rowStyle ?? this.columnStyles[this.column]) : null,
      },
      this.context.general,
      this.context.locale,
    );
    this.paragraphs = undefined;
    this.place(cell, this.cellRepeat);
  }

  /** Puts a cell in `repeat` columns from the current one: those under the header kept, the rest counted. */
  private place(cell: Cell, repeat: number): void {
    const from = this.column;
    this.column += repeat;
    if (cell === null) return;
    const blank = typeof cell === 'string' && cell.trim() === '';
    if (this.column > MAX_COLUMNS && !blank) throw new XlsxError(`row ${this.rowNumber + 1} has a cell beyond the last column (XFD, 16,384)`);
    const end = Math.min(this.column, this.columnLimit);
    for (let c = from; c < end; c++) this.cells[c] = cell;
    if (end > from) this.placed += end - from;
    if (this.column > this.columnLimit && !blank) {
      // Counted column by column, as the xlsx reader does; within the limit on cells in all.
      for (let c = Math.max(from, this.columnLimit); c < this.column; c++) {
        const seen = this.beyond.get(c);
        if (seen) seen.rows += this.rowRepeat;
        else this.beyond.set(c, { rows: this.rowRepeat, first: this.rowNumber + 1 });
      }
      this.placed += this.column - Math.max(from, this.columnLimit);
    }
  }

  private closeRow(): void {
    this.inRow = false;
    const first = this.rowNumber + 1;
    this.rowNumber += this.rowRepeat;
    if (this.placed === 0) return;
    this.expanded += this.placed * this.rowRepeat;
    if (this.expanded > this.context.maxCells) {
      throw new XlsxError(`its repeated rows and cells stand for more than ${this.context.maxCells.toLocaleString('en')} cells, this reader's limit`, 'limit');
    }
    if (this.rowNumber > MAX_ROWS) throw new XlsxError(`the table has a row ${MAX_ROWS + 1} with values, beyond the last row (1,048,576)`);
    if (this.cells.length === 0) return; // all of it right of the header: counted only
    const cells = this.cells;
    for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
    this.rows.push({ row: first, cells, repeat: this.rowRepeat });
    this.cells = [];
  }
}
