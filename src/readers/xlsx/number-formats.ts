import * as numfmt from 'numfmt';
import { generalText, type CellFormat } from '../cell.js';

/** How a style's number format makes Excel show a number. */
export type ValueKind = 'general' | 'number' | 'date' | 'time' | 'duration';

export interface StyleFormat {
  kind: ValueKind;
  format: CellFormat;
}

/** Excel's built-in formats (ECMA-376 §18.8.30), the ids a file may use without defining them. */
const BUILT_IN: Record<number, string> = {
  0: 'General', 1: '0', 2: '0.00', 3: '#,##0', 4: '#,##0.00', 9: '0%', 10: '0.00%', 11: '0.00E+00',
  12: '# ?/?', 13: '# ??/??', 14: 'm/d/yyyy', 15: 'd-mmm-yy', 16: 'd-mmm', 17: 'mmm-yy',
  18: 'h:mm AM/PM', 19: 'h:mm:ss AM/PM', 20: 'h:mm', 21: 'h:mm:ss', 22: 'm/d/yyyy h:mm',
  37: '#,##0 ;(#,##0)', 38: '#,##0 ;[Red](#,##0)', 39: '#,##0.00;(#,##0.00)', 40: '#,##0.00;[Red](#,##0.00)',
  45: 'mm:ss', 46: '[h]:mm:ss', 47: 'mm:ss.0', 48: '##0.0E+0', 49: '@',
  // East Asian Excel's built-in date formats, as its locales show them.
  27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: 'm/d/yy', 31: 'yyyy"年"m"月"d"日"',
  32: 'h"時"mm"分"', 33: 'h"時"mm"分"ss"秒"', 34: 'yyyy"年"m"月"', 35: 'm"月"d"日"', 36: 'yyyy"年"m"月"',
  50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"', 54: 'm"月"d"日"',
  55: 'yyyy"年"m"月"', 56: 'm"月"d"日"', 57: 'yyyy"年"m"月"', 58: 'm"月"d"日"',
};

const GENERAL: CellFormat = { code: 'General', show: generalText };

/** The format code of a built-in id, or undefined. */
export function builtInFormat(id: number): string | undefined {
  return BUILT_IN[id];
}

/** A bracketed hour, minute or second (`[h]:mm`) makes an elapsed time, not a time of day. */
const ELAPSED = /\[(h+|m+|s+)\]/i;

/** Classifies a format code once; the cells of its style share the result. */
export function styleFormat(code: string | undefined): StyleFormat {
  if (code === undefined || /^general$/i.test(code.trim()) || code.trim() === '@' || code.trim() === '') return { kind: 'general', format: GENERAL };
  let info: ReturnType<typeof numfmt.getFormatInfo>;
  try {
    if (!numfmt.isValidFormat(code)) return { kind: 'general', format: GENERAL };
    info = numfmt.getFormatInfo(code);
  } catch {
    return { kind: 'general', format: GENERAL };
  }
  const format: CellFormat = {
    code,
    show(value: number): string {
      try {
        return numfmt.format(code, value);
      } catch {
        return generalText(value);
      }
    },
  };
  if (info.isDate) {
    const bare = code.replace(/"[^"]*"|\\./g, '');
    if (ELAPSED.test(bare)) return { kind: 'duration', format };
    return { kind: info.type === 'time' ? 'time' : 'date', format };
  }
  return { kind: 'number', format };
}
