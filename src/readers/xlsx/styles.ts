import { builtInFormat, styleFormat, type StyleFormat } from './number-formats.js';
import { attribute, XmlScanner } from './xml-scanner.js';

/** The number format of each cell style (`s=` on a cell), classified on first use. */
export class Styles {
  private readonly classified: (StyleFormat | undefined)[] = [];

  constructor(
    private readonly customFormats: Map<number, string>,
    private readonly cellFormatIds: number[],
    /** The locale the built-in formats and the separators are shown in (the mapping's). */
    private readonly locale?: string,
  ) {}

  /** A workbook with no styles part: every cell General. */
  static none(locale?: string): Styles {
    return new Styles(new Map(), [], locale);
  }

  /** Reads styles.xml: the custom formats (`numFmts`) and the cell styles (`cellXfs`). */
  static parse(xml: string, part: string, locale?: string): Styles {
    const formats = new Map<number, string>();
    const ids: number[] = [];
    let inCellXfs = false;
    let depth = 0;
    const scanner = new XmlScanner(
      {
        open(name, attributes) {
          if (name === 'numFmt') {
            const id = Number(attribute(attributes, 'numFmtId'));
            const code = attribute(attributes, 'formatCode');
            if (Number.isInteger(id) && code !== undefined) formats.set(id, code);
          } else if (name === 'cellXfs') {
            inCellXfs = true;
            depth = 0;
          } else if (inCellXfs) {
            depth++;
            if (name === 'xf' && depth === 1) ids.push(Number(attribute(attributes, 'numFmtId') ?? 0) || 0);
          }
        },
        close(name) {
          if (name === 'cellXfs') inCellXfs = false;
          else if (inCellXfs) depth--;
        },
        text() {},
      },
      part,
      Number.MAX_SAFE_INTEGER,
    );
    scanner.write(xml);
    scanner.end();
    return new Styles(formats, ids, locale);
  }

  /** The format of style index `s` (style 0, General, when the file has none). */
  format(style: number): StyleFormat {
    let found = this.classified[style];
    if (!found) {
      const id = this.cellFormatIds[style] ?? 0;
      found = styleFormat(this.customFormats.get(id) ?? builtInFormat(id, this.locale), this.locale);
      this.classified[style] = found;
    }
    return found;
  }
}
