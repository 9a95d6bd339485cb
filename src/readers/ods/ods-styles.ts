import { XlsxError } from '../xlsx/xlsx-error.js';
import { attribute } from '../xlsx/xml-scanner.js';
import { DataStyleCode } from './data-style-code.js';

/** What a cell's data style (its number format) says about its value. */
export interface DataStyle {
  /** The data style's name in the file (`N66`). */
  name: string;
  /** A time style whose hours run on past 24 (`[HH]:MM`, `number:truncate-on-overflow="false"`): an elapsed time. */
  elapsed: boolean;
  /** The Excel format code that shows the same (`#,##0.00`, `dd/mm/yy`), where there is one. */
  code?: string;
  /** Its conditions: the data styles values >= 0 (or > 0, < 0) are shown in, as Excel's sections. */
  maps?: { condition: string; style: string }[];
}

const DATA_STYLES = new Set(['number-style', 'currency-style', 'percentage-style', 'date-style', 'time-style', 'boolean-style', 'text-style']);

interface CellStyle {
  parent?: string;
  data?: string;
}

/** Longest chain of parent styles followed; a longer one (or a loop) is a damaged file. */
const MAX_PARENTS = 32;
/** More styles than any spreadsheet has (LibreOffice's have hundreds): a file past it is hostile. */
export const MAX_ODS_STYLES = 200_000;

/**
 * The styles of an OpenDocument spreadsheet that matter to reading it: which cell style has which
 * data style (through its parents), and which tables are hidden. Fed the XML events of
 * `office:styles` (styles.xml, or a flat file) and `office:automatic-styles` (content.xml).
 */
export class OdsStyles {
  private readonly dataStyles = new Map<string, DataStyle>();
  private readonly cellStyles = new Map<string, CellStyle>();
  private readonly hiddenTables = new Set<string>();
  private readonly resolved = new Map<string, DataStyle | null>();
  /** The style being read: its name and family, while inside it. */
  private current: { name: string; family: string } | undefined;
  /** The data style being read, and its Excel code as it is built. */
  private data: { style: DataStyle; code: DataStyleCode } | undefined;
  private depth = 0;

  open(name: string, attributes: string): void {
    this.depth++;
    if (this.depth === 1) {
      if (this.cellStyles.size + this.dataStyles.size >= MAX_ODS_STYLES) {
        throw new XlsxError(`the spreadsheet declares more than ${MAX_ODS_STYLES.toLocaleString('en')} styles, this reader's limit`, 'limit');
      }
      if (name === 'style') {
        const styleName = attribute(attributes, 'name');
        const family = attribute(attributes, 'family') ?? '';
        if (styleName !== undefined) {
          this.current = { name: styleName, family };
          if (family === 'table-cell') this.cellStyles.set(styleName, { parent: attribute(attributes, 'parent-style-name'), data: attribute(attributes, 'data-style-name') });
        }
      } else if (DATA_STYLES.has(name)) {
        const styleName = attribute(attributes, 'name');
        if (styleName !== undefined) {
          const elapsed = name === 'time-style' && attribute(attributes, 'truncate-on-overflow') === 'false';
          const style: DataStyle = { name: styleName, elapsed };
          this.dataStyles.set(styleName, style);
          this.data = { style, code: new DataStyleCode(name, elapsed) };
        }
      }
    } else if (this.data) {
      this.data.code.open(name, attributes);
    } else if (this.current?.family === 'table' && name === 'table-properties' && attribute(attributes, 'display') === 'false') {
      this.hiddenTables.add(this.current.name);
    }
  }

  close(): void {
    this.depth--;
    if (this.data && this.depth > 0) this.data.code.close();
    if (this.depth !== 0) return;
    this.current = undefined;
    if (this.data) {
      // LibreOffice's General (N0: one number, no decimals given) is no data style: a plain number.
      if (this.data.code.isGeneral) this.dataStyles.delete(this.data.style.name);
      else {
        this.data.style.code = this.data.code.code();
        if (this.data.code.maps.length) this.data.style.maps = this.data.code.maps;
      }
      this.data = undefined;
    }
  }

  text(text: string): void {
    this.data?.code.text(text);
  }

  /**
   * A data style with conditions as one Excel code of sections: LibreOffice writes a currency
   * style as its negative look with `value()>=0` sending the rest to its positive one, which is
   * Excel's `positive;negative` (and `>0`, `<0`, the rest: `positive;negative;zero`).
   */
  private withSections(style: DataStyle | null): DataStyle | null {
    if (!style?.maps || style.code === undefined) return style;
    const codeOf = (condition: string) => {
      const map = style.maps?.find((m) => m.condition === condition);
      return map ? this.dataStyles.get(map.style)?.code : undefined;
    };
    const nonNegative = codeOf('value()>=0');
    const positive = codeOf('value()>0');
    const negative = codeOf('value()<0');
    let code: string | undefined;
    if (nonNegative !== undefined) code = `${nonNegative};${style.code}`;
    else if (positive !== undefined && negative !== undefined) code = `${positive};${negative};${style.code}`;
    else if (positive !== undefined) code = `${positive};${style.code}`;
    return code === undefined ? style : { ...style, code, maps: undefined };
  }

  /** Whether a table of this style is hidden (`table:display="false"`). */
  hidden(tableStyle: string | undefined): boolean {
    return tableStyle !== undefined && this.hiddenTables.has(tableStyle);
  }

  /** The data style of a cell style, through its parents; null for General (none). */
  dataStyleOf(cellStyle: string | undefined): DataStyle | null {
    if (cellStyle === undefined) return null;
    const known = this.resolved.get(cellStyle);
    if (known !== undefined) return known;
    let found: DataStyle | null = null;
    let name: string | undefined = cellStyle;
    for (let i = 0; name !== undefined && i < MAX_PARENTS; i++) {
      const style = this.cellStyles.get(name);
      if (!style) break;
      if (style.data !== undefined) {
        found = this.withSections(this.dataStyles.get(style.data) ?? null);
        break;
      }
      name = style.parent;
    }
    if (this.resolved.size >= 4096) this.resolved.clear();
    this.resolved.set(cellStyle, found);
    return found;
  }
}
