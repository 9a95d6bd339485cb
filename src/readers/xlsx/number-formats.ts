import * as numfmt from 'numfmt';
import { generalText, type CellFormat } from '../cell.js';
import { shownLocale } from '../shown-locale.js';

/** How a style's number format makes Excel show a number. */
export type ValueKind = 'general' | 'number' | 'date' | 'time' | 'duration';

export interface StyleFormat {
  kind: ValueKind;
  format: CellFormat;
  /**
   * A duration format of one elapsed unit and nothing else (`[h]`, `[ss]`): Excel shows a
   * negative value with its sign (-1.2 under `[h]` is -28). Any other date or time format shows
   * a negative value as ####.
   */
  signed?: boolean;
}

/**
 * Ids Excel reserves for East Asian date formats. US English Excel (and every locale here) shows
 * a cell of such a style, written with no `<numFmt>` of its own (FlexCel does), as its short date.
 */
const RESERVED_DATES = new Set([27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58]);
/** Reserved ids with no format in any locale. */
const RESERVED_GENERAL = new Set([23, 24, 25, 26]);

const GENERAL: CellFormat = { code: 'General', show: generalText };

/**
 * The format code of a built-in id (ECMA-376 §18.8.30) as Excel in `locale` shows it, or
 * undefined. The built-in date formats have no pattern in the file: Excel draws them in the
 * locale of the computer that opens it (format 14 is `yyyy-mm-dd` under sv-SE, `m/d/yyyy` under
 * en-US), and numfmt knows those locales.
 */
export function builtInFormat(id: number, locale?: string): string | undefined {
  if (!Number.isInteger(id) || id < 0 || id > 58 || RESERVED_GENERAL.has(id)) return undefined;
  return numfmt.getFormatFromId(RESERVED_DATES.has(id) ? 14 : id, shownLocale(locale));
}

type Token = ReturnType<typeof numfmt.tokenize>[number];

/** The sections of a format code (`;`-separated), as numfmt's tokens. */
function sections(code: string): Token[][] {
  const out: Token[][] = [[]];
  for (const token of numfmt.tokenize(code)) {
    if (token.type === numfmt.TOKEN_BREAK) out.push([]);
    else out[out.length - 1]?.push(token);
  }
  return out;
}

const CLOCK_UNIT = /^[hms]+$/i;

/**
 * Whether Excel refuses the format and shows the cell as General: an elapsed unit after a clock
 * unit (`HH[M]`, `HH[MM]`, which LibreOffice 4.1 wrote) is not a format Excel accepts.
 */
function refusedByExcel(parts: Token[][]): boolean {
  return parts.some((tokens) => {
    let clock = false;
    for (const token of tokens) {
      if (token.type === numfmt.TOKEN_DATETIME && CLOCK_UNIT.test(token.value)) clock = true;
      else if (token.type === numfmt.TOKEN_DURATION && clock) return true;
    }
    return false;
  });
}

/** A single section whose only date or time token is one elapsed unit. */
function singleElapsed(parts: Token[][]): boolean {
  if (parts.length !== 1) return false;
  const units = (parts[0] ?? []).filter((t) => t.type === numfmt.TOKEN_DATETIME || t.type === numfmt.TOKEN_DURATION || t.type === numfmt.TOKEN_AMPM);
  return units.length === 1 && units[0]?.type === numfmt.TOKEN_DURATION;
}

/**
 * Classifies a format code once, for the locale its numbers are shown in; the cells of its style
 * share the result. A code numfmt cannot read, or that Excel refuses, is General.
 */
export function styleFormat(code: string | undefined, locale?: string): StyleFormat {
  if (code === undefined || /^general$/i.test(code.trim()) || code.trim() === '@' || code.trim() === '') return { kind: 'general', format: GENERAL };
  let info: ReturnType<typeof numfmt.getFormatInfo>;
  let parts: Token[][];
  try {
    if (!numfmt.isValidFormat(code)) return { kind: 'general', format: GENERAL };
    info = numfmt.getFormatInfo(code);
    parts = sections(code);
  } catch {
    return { kind: 'general', format: GENERAL };
  }
  if (refusedByExcel(parts)) return { kind: 'general', format: GENERAL };
  const options = { locale: shownLocale(locale) };
  const signed = info.isDate && singleElapsed(parts);
  const format: CellFormat = {
    code,
    show(value: number): string {
      try {
        // numfmt keeps the sign on the whole days and adds the fraction back (-1.2 under [h] as
        // -20); Excel shows the elapsed time of the value's size, signed (-28).
        return signed && value < 0 ? `-${numfmt.format(code, -value, options)}` : numfmt.format(code, value, options);
      } catch {
        return generalText(value);
      }
    },
  };
  if (info.isDate) {
    if (parts.some((tokens) => tokens.some((t) => t.type === numfmt.TOKEN_DURATION))) return { kind: 'duration', format, signed };
    return { kind: info.type === 'time' ? 'time' : 'date', format };
  }
  return { kind: 'number', format };
}
