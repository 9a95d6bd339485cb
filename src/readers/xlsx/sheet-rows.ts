import { cellText, columnLetters, type Cell, type CellFormat, type SheetRow } from '../cell.js';
import { DAYS_1904, LAST_SERIAL, serialToTime, serialToWall, wallToSerial } from '../excel-date.js';
import { generalCell } from '../shown-locale.js';
import { decodeEscapes, StringItem, type SharedStrings } from './shared-strings.js';
import type { Styles } from './styles.js';
import { XlsxError } from './xlsx-error.js';
import { attribute, type XmlHandler } from './xml-scanner.js';

/** What decoding a sheet's cells needs from the rest of the workbook. */
export interface SheetContext {
  strings: SharedStrings;
  styles: Styles;
  date1904: boolean;
  /** The longest text a cell may hold, in characters. */
  maxCell: number;
  /** General in the mapping's locale when its decimal separator is not a point (`1234,5`). */
  general?: CellFormat;
}

/** Excel's last column, XFD. */
const MAX_COLUMNS = 16_384;

const UNCALCULATED =
  'the formula in this cell has no calculated value (the program that wrote the file does not calculate formulas); open the file in Excel or LibreOffice and save it, so its formulas are calculated';

/** `B` → 1, `AA` → 26; -1 when the reference has no column letters. */
function columnIndex(reference: string): number {
  let index = 0;
  let i = 0;
  for (; i < reference.length; i++) {
    const c = reference.charCodeAt(i) | 0x20; // lower case
    if (c < 97 || c > 122) break;
    index = index * 26 + (c - 96);
  }
  return i === 0 ? -1 : index - 1;
}

/** A number as the format writes one (no 0x16, no Infinity). */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
/** Excel's last row. */
const MAX_ROWS = 1_048_576;

/** What to do about a sheet that holds a row or a cell twice: Excel repairs such a file as it opens it. */
const REPAIR = 'The program that wrote the file wrote this row twice. Open the file in Excel (it offers to repair it), check that row there, and save it; or ask for a new export.';

/** A value as a message quotes it. */
function quoted(cell: Cell | undefined): string {
  const text = cellText(cell);
  return text === '' ? 'empty' : `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
}

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?))?/;
const ISO_TIME = /^(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)/;

function fullTime(time: string): string {
  const [hm, fraction = ''] = time.split('.');
  const withSeconds = (hm as string).length === 5 ? `${hm}:00` : (hm as string);
  return `${withSeconds}.${fraction.padEnd(3, '0')}`;
}

/**
 * Turns a worksheet's XML into rows of typed cells as it streams in. Rows and cells without
 * `r=` follow the one before; strings of every form (shared, inline, rich, CDATA, escaped) are
 * text; a formula's cached result is read by its type (0, FALSE and errors included); numbers
 * become dates, times of day or durations by their number format.
 */
export class SheetRowsHandler implements XmlHandler {
  /** Rows completed since the caller last took them. */
  rows: SheetRow[] = [];
  private rowNumber = 0;
  private cells: Cell[] = [];
  private column = -1;
  private inCell = false;
  private type: string | undefined;
  private style = 0;
  private value: string | undefined;
  private inValue = false;
  private formula = false;
  private inline: string | undefined;
  private inInline = false;
  private readonly item: StringItem;
  /** The row numbers read so far, one bit each: a row written twice is damage, never two rows. */
  private readonly seenRows = new Uint8Array((MAX_ROWS >> 3) + 1);
  /** The column of the row's previous cell, so that a cell written twice is noticed. */
  private previousColumn = -1;
  /** True once </sheetData> was read: a part that ends before it was cut short. */
  complete = false;
  /** Cells past this column are not kept (no header names them): only counted, for the warning. */
  columnLimit = MAX_COLUMNS;
  /** Non-empty cells past `columnLimit`, by column: how many, and the first row. */
  readonly beyond = new Map<number, { rows: number; first: number }>();

  constructor(private readonly context: SheetContext) {
    this.item = new StringItem(context.maxCell);
  }

  open(name: string, attributes: string, selfClosing: boolean): void {
    if (this.inInline) {
      this.item.open(name, selfClosing);
      return;
    }
    switch (name) {
      case 'row': {
        const r = attribute(attributes, 'r');
        const number = r === undefined ? this.rowNumber + 1 : /^\s*\d+\s*$/.test(r) ? Number(r) : Number.NaN;
        if (!Number.isInteger(number) || number < 1) throw new XlsxError(`a row has the number "${r}", which is not a row number`);
        if (number > MAX_ROWS) throw new XlsxError(`the sheet has a row ${number}, beyond Excel's last row (1,048,576)`);
        if (this.seenRows[number >> 3]! & (1 << (number & 7))) {
          throw new XlsxError(`row ${number} is in the sheet twice, so which of its cells are meant cannot be known`, 'damaged', { row: number, hint: REPAIR });
        }
        this.seenRows[number >> 3]! |= 1 << (number & 7);
        this.rowNumber = number;
        this.cells = [];
        this.column = -1;
        this.previousColumn = -1;
        break;
      }
      case 'c': {
        const r = attribute(attributes, 'r');
        const index = r === undefined ? this.column + 1 : columnIndex(r);
        this.column = index === -1 ? this.column + 1 : index;
        if (this.column >= MAX_COLUMNS) throw new XlsxError(`row ${this.rowNumber} has a cell beyond Excel's last column (XFD)`);
        this.type = attribute(attributes, 't');
        const s = attribute(attributes, 's');
        this.style = s === undefined ? 0 : Number(s) || 0;
        this.value = undefined;
        this.formula = false;
        this.inline = undefined;
        this.inCell = true;
        break;
      }
      case 'v':
        if (this.inCell) {
          this.value = '';
          this.inValue = !selfClosing;
        }
        break;
      case 'f':
        if (this.inCell) this.formula = true;
        break;
      case 'is':
        if (this.inCell) this.inInline = !selfClosing;
        if (selfClosing && this.inCell) this.inline = '';
        break;
    }
  }

  close(name: string): void {
    if (this.inInline) {
      if (name === 'is') {
        this.inInline = false;
        this.inline = this.item.take();
      } else this.item.close(name);
      return;
    }
    if (name === 'v') this.inValue = false;
    else if (name === 'c' && this.inCell) {
      this.inCell = false;
      const cell = this.decode();
      // Cells come in column order: one at or before the previous is a repeat if that place holds a value.
      if (this.column <= this.previousColumn && (this.column === this.previousColumn || this.cells[this.column] !== undefined) && this.column < this.columnLimit) this.twice(cell);
      this.previousColumn = Math.max(this.previousColumn, this.column);
      if (cell !== null && this.column >= this.columnLimit) {
        if (!(typeof cell === 'string' && cell.trim() === '')) {
          const seen = this.beyond.get(this.column);
          if (seen) seen.rows++;
          else this.beyond.set(this.column, { rows: 1, first: this.rowNumber });
        }
      } else if (cell !== null) this.cells[this.column] = cell;
    } else if (name === 'sheetData') {
      this.complete = true;
    } else if (name === 'row') {
      const cells = this.cells;
      for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
      this.rows.push({ row: this.rowNumber, cells });
      this.cells = [];
    }
  }

  text(text: string): void {
    if (this.inValue) {
      this.value = this.value ? this.value + text : text;
      if (this.value.length > this.context.maxCell) this.tooLong();
    } else if (this.inInline) {
      this.item.text(text);
    }
  }

  private twice(cell: Cell): never {
    const reference = `${columnLetters(this.column)}${this.rowNumber}`;
    const values = `${quoted(this.cells[this.column])}, then ${quoted(cell)}`;
    throw new XlsxError(`the cell ${reference} is in row ${this.rowNumber} twice (${values}), so which value is meant cannot be known`, 'damaged', {
      row: this.rowNumber,
      hint: REPAIR.replace('this row', 'this cell'),
    });
  }

  private tooLong(): never {
    throw new XlsxError(`row ${this.rowNumber} has a cell longer than ${Math.round(this.context.maxCell / 1048576)} MB, this reader's limit for a cell`, 'limit');
  }

  private decode(): Cell {
    const { value, formula } = this;
    switch (this.type) {
      case 's': {
        if (value === undefined || value.trim() === '') return formula ? { kind: 'unreadable', reason: UNCALCULATED } : null;
        const text = this.context.strings.get(Number(value));
        return text ?? { kind: 'unreadable', reason: `the cell refers to shared string ${value.trim()}, which the file does not have` };
      }
      case 'inlineStr':
        if (this.inline !== undefined) return this.inline;
        return value === undefined ? null : decodeEscapes(value);
      case 'str':
        if (value === undefined) return formula ? { kind: 'unreadable', reason: UNCALCULATED } : (this.inline ?? null);
        return decodeEscapes(value);
      case 'b': {
        if (value === undefined) return formula ? { kind: 'unreadable', reason: UNCALCULATED } : null;
        const flag = value.trim().toLowerCase();
        if (flag === '1' || flag === 'true') return true;
        if (flag === '0' || flag === 'false') return false;
        return { kind: 'unreadable', reason: `the cell is marked as TRUE/FALSE but holds "${value.slice(0, 40)}"` };
      }
      case 'e':
        if (value === undefined) return formula ? { kind: 'unreadable', reason: UNCALCULATED } : null;
        return { kind: 'error', error: value.trim() || '#VALUE!' };
      case 'd':
        if (value === undefined) return formula ? { kind: 'unreadable', reason: UNCALCULATED } : null;
        return this.isoDate(value.trim());
      default: {
        if (value === undefined || value.trim() === '') {
          if (formula) return { kind: 'unreadable', reason: UNCALCULATED };
          return this.inline ?? null;
        }
        // Number() also reads 0x10, 0b1 and 0o7, which the format never writes: refused.
        const number = Number(value);
        const radix = (value.charCodeAt(1) | 0x20) === 120 || (value.charCodeAt(1) | 0x20) === 98 || (value.charCodeAt(1) | 0x20) === 111;
        if (radix && !DECIMAL.test(value)) return { kind: 'unreadable', reason: `the cell is marked as a number but holds "${value.slice(0, 40)}"` };
        if (!Number.isFinite(number)) return { kind: 'unreadable', reason: `the cell is marked as a number but holds "${value.slice(0, 40)}"` };
        return this.number(number);
      }
    }
  }

  private number(value: number): Cell {
    const { kind, format, signed } = this.context.styles.format(this.style);
    switch (kind) {
      case 'general':
        return generalCell(value, this.context.general);
      case 'number':
        return { kind: 'number', value, format };
      case 'date': {
        const wall = serialToWall(value, this.context.date1904);
        if (wall === undefined) return { kind: 'unreadable', reason: badSerial(value, this.context.date1904) };
        return { kind: 'date', wall, serial: this.context.date1904 ? value + DAYS_1904 : value, format };
      }
      case 'time':
        if (value < 0) return { kind: 'unreadable', reason: `the cell holds a negative time (${value}), which Excel shows as ####` };
        if (value >= LAST_SERIAL + 1) return { kind: 'unreadable', reason: `the cell holds a time after 31 December 9999 (serial ${value}), which Excel shows as ####` };
        return { kind: 'time', time: serialToTime(value), serial: value, format };
      case 'duration': {
        const seconds = Math.round(value * 86_400_000) / 1000;
        if (Math.abs(value) >= LAST_SERIAL + 1) return { kind: 'unreadable', reason: `the cell holds an elapsed time of more than 8,000 years (${value} days), which Excel shows as ####` };
        if (value >= 0 || signed) return { kind: 'duration', seconds, serial: value, format };
        // The 1900 system has no negative times (Excel shows ####); the 1904 system shows them signed.
        if (!this.context.date1904) return { kind: 'unreadable', reason: `the cell holds a negative time (${value}) under the format ${format.code}, which Excel shows as ####` };
        return { kind: 'duration', seconds, serial: value, format, shown: `-${format.show(-value)}` };
      }
    }
  }

  /** A `t="d"` cell: an ISO 8601 date, date-time or time, as Strict Open XML and some writers store dates. */
  private isoDate(text: string): Cell {
    const { kind, format } = this.context.styles.format(this.style);
    const date = ISO_DATE.exec(text);
    if (date) {
      const wall = `${date[1]}T${fullTime(date[2] ?? '00:00')}`;
      const serial = validWall(wall) ? wallToSerial(wall) : undefined;
      if (serial === undefined) return { kind: 'unreadable', reason: `the cell holds the date "${text}", which does not exist` };
      if (kind === 'time') return { kind: 'time', time: wall.slice(11), serial, format };
      return { kind: 'date', wall, serial, format: kind === 'date' ? format : undefined };
    }
    const time = ISO_TIME.exec(text);
    if (time) {
      const clock = fullTime(time[1] as string);
      if (!validWall(`2000-01-01T${clock}`)) return { kind: 'unreadable', reason: `the cell holds the time "${text}", which does not exist` };
      const [h, m, s] = clock.split(':').map(Number) as [number, number, number];
      return { kind: 'time', time: clock, serial: (h * 3600 + m * 60 + s) / 86_400, format: kind === 'time' ? format : undefined };
    }
    return { kind: 'unreadable', reason: `the cell is marked as a date but holds "${text.slice(0, 40)}"` };
  }
}

/** Whether `yyyy-MM-ddTHH:mm:ss.SSS` names a real day and time (2021-02-30 and 25:00 do not). */
function validWall(wall: string): boolean {
  const [y, mo, d, h, mi, s] = [wall.slice(0, 4), wall.slice(5, 7), wall.slice(8, 10), wall.slice(11, 13), wall.slice(14, 16), wall.slice(17, 19)].map<number>(Number);
  if (h! > 23 || mi! > 59 || s! > 59) return false;
  const date = new Date(Date.UTC(y!, mo! - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo! - 1 && date.getUTCDate() === d;
}

function badSerial(value: number, date1904: boolean): string {
  if (value < 0) return `the cell holds a negative date (${value}), which Excel shows as ####`;
  if (value >= (date1904 ? LAST_SERIAL - DAYS_1904 : LAST_SERIAL) + 1) return `the cell holds a date after 31 December 9999 (serial ${value}), which Excel shows as ####`;
  if (!date1904 && value >= 60 && value < 61) return 'the cell holds 29 February 1900, a day that did not exist (a leftover of Lotus 1-2-3 in Excel)';
  return `the cell holds the date serial ${value}, which is not a date`;
}
