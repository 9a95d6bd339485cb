/**
 * The locale a number format is shown in. Excel shows its built-in formats (the short date of
 * format 14, the separators of `#,##0.00`) as the computer that opens the file is set up, so a
 * text field gets what the clerk's own Excel shows: the mapping's `locale` says which that is.
 */
import * as numfmt from 'numfmt';
import { generalText, type Cell, type CellFormat } from './cell.js';

/** The locale when none is given: Excel's US English, what the reader always showed. */
export const DEFAULT_SHOWN_LOCALE = 'en-US';

const known = new Map<string, string>();

/**
 * The tag numfmt formats `locale` under. numfmt has the locales the README's table lists (and
 * many more); for one it lacks, its decimal and group separators and date order are taken from
 * Intl, so that its numbers at least read right.
 */
export function shownLocale(locale: string | undefined): string {
  const tag = locale ?? DEFAULT_SHOWN_LOCALE;
  const found = known.get(tag);
  if (found) return found;
  let resolved = tag;
  try {
    if (!numfmt.getLocale(tag)) resolved = registerFromIntl(tag);
  } catch {
    resolved = DEFAULT_SHOWN_LOCALE;
  }
  known.set(tag, resolved);
  return resolved;
}

function registerFromIntl(tag: string): string {
  const parts = new Intl.NumberFormat(tag).formatToParts(1234567.5);
  const decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  const group = parts.find((p) => p.type === 'group')?.value ?? ',';
  const order = new Intl.DateTimeFormat(tag, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(Date.UTC(2026, 2, 1)));
  const at = (type: string) => order.findIndex((p) => p.type === type);
  const dateOrder = at('year') < at('month') ? 2 : at('day') < at('month') ? 1 : 0;
  const dateSep = order.find((p) => p.type === 'literal')?.value.trim() || '/';
  numfmt.addLocale({ decimal, group, format: { dateOrder, dateSep, shortDateSep: dateSep } }, tag);
  return tag;
}

const generals = new Map<string, CellFormat | undefined>();

/**
 * General as `locale` shows a number with a fraction (`1234,5` under sv-SE), or undefined where
 * that is the plain `1234.5` a bare number stands for. General has no group separator, and keeps
 * the reader's 15 digits in full.
 */
export function localGeneral(locale: string | undefined): CellFormat | undefined {
  const tag = shownLocale(locale);
  if (generals.has(tag)) return generals.get(tag);
  const decimal = numfmt.getLocale(tag)?.decimal ?? '.';
  const format: CellFormat | undefined = decimal === '.' ? undefined : { code: 'General', show: (value) => generalText(value).replace('.', decimal) };
  generals.set(tag, format);
  return format;
}

/** A General number as a cell: itself, or shown with the locale's decimal separator when it has a fraction. */
export function generalCell(value: number, general: CellFormat | undefined): Cell {
  if (!general || (Number.isInteger(value) && Math.abs(value) < 1e15)) return value;
  return { kind: 'number', value, format: general };
}
