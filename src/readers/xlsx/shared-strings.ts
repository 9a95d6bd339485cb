import { XmlScanner } from './xml-scanner.js';

/**
 * `_xHHHH_` is how the format writes a character XML cannot carry (`_x000D_` for CR); `_x005F_`
 * escapes the underscore of a literal `_xHHHH_`. Decoded left to right, so `_x005F_x000D_` is
 * the text `_x000D_`.
 */
export function decodeEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Collects the text of a string item (`<si>` in the shared strings, `<is>` in a cell): plain
 * `<t>` and rich-text runs `<r><t>` joined; phonetic readings (`<rPh>`, Japanese Excel's
 * furigana) left out, since they are a reading aid and not the cell's text.
 */
export class StringItem {
  private parts: string[] = [];
  private inText = false;
  private phonetic = 0;

  open(name: string, selfClosing: boolean): void {
    if (name === 'rPh') {
      if (!selfClosing) this.phonetic++;
    } else if (name === 't' && this.phonetic === 0 && !selfClosing) this.inText = true;
  }

  close(name: string): void {
    if (name === 'rPh') this.phonetic = Math.max(0, this.phonetic - 1);
    else if (name === 't') this.inText = false;
  }

  text(text: string): void {
    if (this.inText) this.parts.push(text);
  }

  /** The item's text, escapes decoded; the item is ready for the next one. */
  take(): string {
    const text = this.parts.length === 1 ? (this.parts[0] as string) : this.parts.join('');
    this.parts = [];
    this.inText = false;
    this.phonetic = 0;
    return decodeEscapes(text);
  }
}

/** Reads sharedStrings.xml as it streams in: the table cells of type `s` index into. */
export async function readSharedStrings(chunks: AsyncIterable<string>, part: string, maxPending: number): Promise<string[]> {
  const strings: string[] = [];
  const item = new StringItem();
  let inItem = false;
  const scanner = new XmlScanner(
    {
      open(name, _attributes, selfClosing) {
        // A self-closing <si/> is closed at once by the scanner: an empty string.
        if (name === 'si') inItem = true;
        else if (inItem) item.open(name, selfClosing);
      },
      close(name) {
        if (name === 'si') {
          if (inItem) strings.push(item.take());
          inItem = false;
        } else if (inItem) item.close(name);
      },
      text(text) {
        if (inItem) item.text(text);
      },
    },
    part,
    maxPending,
  );
  for await (const chunk of chunks) scanner.write(chunk);
  scanner.end();
  return strings;
}
