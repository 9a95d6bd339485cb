import { attribute } from '../xlsx/xml-scanner.js';

/**
 * An OpenDocument data style (`number:number-style`, `number:date-style`, …) written as the Excel
 * format code that shows the same (what LibreOffice writes when it saves the file as xlsx), built
 * from its elements as they stream in. The code is what an xlsx errors file gives the cell, and
 * how a cell is shown when the file wrote no text for it. Undefined for what has no code here
 * (eras, quarters, weeks; booleans and text, which need none).
 */
export class DataStyleCode {
  private parts: string[] = [];
  private supported = true;
  /** General: a `number:number` with no decimal places given, and nothing else. */
  private general = true;
  private digits = false;
  private hours = false;
  /** The element whose text is being collected (number:text, number:currency-symbol), and its text. */
  private literal: { kind: 'text' | 'currency'; text: string } | undefined;
  private embedded: { position: number; text: string }[] = [];
  private number: { int: number; decimals: number; minDecimals: number; grouping: boolean } | undefined;
  private depth = 0;
  /** Conditions (`style:map`) sending values to other data styles: the positive and negative sections. */
  readonly maps: { condition: string; style: string }[] = [];

  constructor(
    private readonly family: string,
    /** A time style whose hours run on past 24 (`truncate-on-overflow="false"`). */
    private readonly elapsed: boolean,
  ) {}

  open(name: string, raw: string): void {
    this.depth++;
    if (this.depth === 2 && name === 'embedded-text') {
      this.literal = { kind: 'text', text: '' };
      this.embedded.push({ position: Number(attribute(raw, 'position') ?? 0), text: '' });
      return;
    }
    if (this.depth !== 1) return;
    const long = attribute(raw, 'style') === 'long';
    if (name !== 'number' || attribute(raw, 'decimal-places') !== undefined || attribute(raw, 'grouping') === 'true') this.general = name === 'text-properties' || name === 'map' ? this.general : false;
    switch (name) {
      case 'number': {
        this.digits = true;
        const decimals = Number(attribute(raw, 'decimal-places') ?? 0);
        this.number = {
          int: Number(attribute(raw, 'min-integer-digits') ?? 1),
          decimals,
          minDecimals: Number(attribute(raw, 'min-decimal-places') ?? decimals),
          grouping: attribute(raw, 'grouping') === 'true',
        };
        this.parts.push('\u0000number');
        break;
      }
      case 'scientific-number': {
        const decimals = Number(attribute(raw, 'decimal-places') ?? 0);
        this.parts.push(`${'0'.repeat(Math.max(1, Number(attribute(raw, 'min-integer-digits') ?? 1)))}${decimals ? `.${'0'.repeat(decimals)}` : ''}E+${'0'.repeat(Math.max(1, Number(attribute(raw, 'min-exponent-digits') ?? 2)))}`);
        break;
      }
      case 'fraction': {
        const int = Number(attribute(raw, 'min-integer-digits') ?? 0);
        const denominator = attribute(raw, 'denominator-value');
        this.parts.push(`${int > 0 ? `${'#'.repeat(int - 1)}0 ` : '# '}${'?'.repeat(Math.max(1, Number(attribute(raw, 'min-numerator-digits') ?? 1)))}/${denominator ?? '?'.repeat(Math.max(1, Number(attribute(raw, 'min-denominator-digits') ?? 1)))}`);
        break;
      }
      case 'text':
        this.literal = { kind: 'text', text: '' };
        break;
      case 'currency-symbol':
        this.literal = { kind: 'currency', text: '' };
        break;
      case 'year':
        this.parts.push(long ? 'yyyy' : 'yy');
        break;
      case 'month':
        this.parts.push(attribute(raw, 'textual') === 'true' ? (long ? 'mmmm' : 'mmm') : long ? 'mm' : 'm');
        break;
      case 'day':
        this.parts.push(long ? 'dd' : 'd');
        break;
      case 'day-of-week':
        this.parts.push(long ? 'dddd' : 'ddd');
        break;
      case 'hours': {
        const code = long ? 'hh' : 'h';
        this.parts.push(this.elapsed && !this.hours ? `[${code}]` : code);
        this.hours = true;
        break;
      }
      case 'minutes':
        this.parts.push(long ? 'mm' : 'm');
        break;
      case 'seconds': {
        const decimals = Number(attribute(raw, 'decimal-places') ?? 0);
        this.parts.push(`${long ? 'ss' : 's'}${decimals > 0 ? `.${'0'.repeat(Math.min(decimals, 3))}` : ''}`);
        break;
      }
      case 'am-pm':
        this.parts.push('AM/PM');
        break;
      case 'text-content':
        this.parts.push('@');
        break;
      case 'map': {
        const condition = (attribute(raw, 'condition') ?? '').replace(/\s+/g, '');
        const style = attribute(raw, 'apply-style-name');
        if (style !== undefined) this.maps.push({ condition, style });
        break;
      }
      case 'era':
      case 'quarter':
      case 'week-of-year':
      case 'boolean':
        this.supported = false;
        break;
      default:
        break; // style:text-properties, fill-character: no look of their own here
    }
  }

  close(): void {
    if (this.depth === 2 && this.literal && this.embedded.length) {
      (this.embedded[this.embedded.length - 1] as { text: string }).text = this.literal.text;
      this.literal = undefined;
    } else if (this.depth === 1 && this.literal) {
      const { kind, text } = this.literal;
      // A percentage style's "%" is the percent sign, which scales the number; any other text is literal.
      this.parts.push(kind === 'text' && this.family === 'percentage-style' ? text.split('%').map(quote).join('%') : quote(text));
      this.literal = undefined;
    }
    this.depth--;
  }

  text(text: string): void {
    if (this.literal) this.literal.text += text;
  }

  /** LibreOffice's General (`N0`): no code, the cell is a plain number. */
  get isGeneral(): boolean {
    return this.family === 'number-style' && this.general && this.digits;
  }

  /** The Excel format code, or undefined where there is none. */
  code(): string | undefined {
    if (!this.supported || this.family === 'boolean-style' || this.isGeneral) return undefined;
    const code = this.parts.map((part) => (part === '\u0000number' ? this.numberCode() : part)).join('');
    return code === '' ? undefined : code;
  }

  private numberCode(): string {
    const n = this.number ?? { int: 1, decimals: 0, minDecimals: 0, grouping: false };
    let int = '0'.repeat(Math.max(0, n.int)) || '#';
    // Text embedded among the digits (`000 00`), counted from the right of the integer part.
    for (const { position, text } of [...this.embedded].sort((a, b) => a.position - b.position).reverse()) {
      const at = Math.max(0, int.length - position);
      int = `${int.slice(0, at)}${quote(text)}${int.slice(at)}`;
    }
    if (n.grouping) int = `#,##${int}`;
    const decimals = n.decimals > 0 ? `.${'0'.repeat(Math.min(n.minDecimals, n.decimals))}${'#'.repeat(Math.max(0, n.decimals - n.minDecimals))}` : '';
    return `${int}${decimals}`;
  }
}

/** Characters Excel shows as themselves in a format, unquoted (as LibreOffice writes dd/mm/yy). */
const PLAIN = /^[-/:() ]+$/;

/** Text as an Excel format literal: in quotes (but for plain separators), a quote inside as \". */
function quote(text: string): string {
  if (text === '') return '';
  if (PLAIN.test(text)) return text;
  return text
    .split('"')
    .map((piece) => (piece ? `"${piece}"` : ''))
    .join('\\"');
}
