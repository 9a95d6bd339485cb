import { XlsxError } from '../xlsx/xlsx-error.js';
import { attribute } from '../xlsx/xml-scanner.js';

/** What a cell's data style (its number format) says about its value. */
export interface DataStyle {
  /** The data style's name in the file (`N66`): the code a format shows, for messages and tests. */
  name: string;
  /** A time style whose hours run on past 24 (`[HH]:MM`, `number:truncate-on-overflow="false"`): an elapsed time. */
  elapsed: boolean;
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
  /** The number style being read, and whether it is LibreOffice's General (`N0`: one number, no decimals given). */
  private number: { name: string; general: boolean; digits: boolean } | undefined;
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
          this.dataStyles.set(styleName, { name: styleName, elapsed: name === 'time-style' && attribute(attributes, 'truncate-on-overflow') === 'false' });
          if (name === 'number-style') this.number = { name: styleName, general: true, digits: false };
        }
      }
    } else if (this.number && this.depth === 2) {
      // General shows as many decimals as the value has: a number with no decimal places given, no grouping, nothing else.
      if (name === 'number' && attribute(attributes, 'decimal-places') === undefined && attribute(attributes, 'grouping') !== 'true') this.number.digits = true;
      else this.number.general = false;
    } else if (this.current?.family === 'table' && name === 'table-properties' && attribute(attributes, 'display') === 'false') {
      this.hiddenTables.add(this.current.name);
    }
  }

  close(): void {
    this.depth--;
    if (this.depth !== 0) return;
    this.current = undefined;
    if (this.number?.general && this.number.digits) this.dataStyles.delete(this.number.name);
    this.number = undefined;
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
        found = this.dataStyles.get(style.data) ?? null;
        break;
      }
      name = style.parent;
    }
    if (this.resolved.size >= 4096) this.resolved.clear();
    this.resolved.set(cellStyle, found);
    return found;
  }
}
