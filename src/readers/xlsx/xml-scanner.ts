import { XlsxError } from './xlsx-error.js';

/** What a scanner tells its handler. Names are local names: a prefix (`x:`, `ns0:`) is dropped. */
export interface XmlHandler {
  open(name: string, attributes: string, selfClosing: boolean): void;
  close(name: string): void;
  /** Character data between tags, entities decoded; CDATA sections arrive as text too. */
  text(text: string): void;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decodes character data as an XML processor must: line ends normalised to LF (CR LF and a lone
 * CR; a CR written as `&#13;` or `_x000D_` stays), then the five named entities and character
 * references.
 */
export function decodeEntities(text: string): string {
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[entity] ?? whole;
  });
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

/**
 * The attributes of a start tag as local name → decoded value. `r:id` is kept under its full
 * name too, since a sheet's relationship id is the one attribute whose prefix matters.
 */
export function parseAttributes(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  const n = raw.length;
  while (i < n) {
    const eq = raw.indexOf('=', i);
    if (eq === -1) break;
    const name = raw.slice(i, eq).trim();
    let q = eq + 1;
    while (q < n && (raw[q] === ' ' || raw[q] === '\t' || raw[q] === '\n' || raw[q] === '\r')) q++;
    const quote = raw[q];
    if (quote !== '"' && quote !== "'") break;
    const end = raw.indexOf(quote, q + 1);
    if (end === -1) break;
    const value = decodeEntities(raw.slice(q + 1, end));
    const local = localName(name);
    out[local] = value;
    if (local !== name) out[name] = value;
    i = end + 1;
  }
  return out;
}

/** One attribute of a start tag by its local name, without building them all (the hot path). */
export function attribute(raw: string, name: string): string | undefined {
  let from = 0;
  for (;;) {
    const at = raw.indexOf(name, from);
    if (at === -1) return undefined;
    from = at + name.length;
    const before = at === 0 ? ' ' : raw[at - 1];
    if (before !== ' ' && before !== ':' && before !== '\t' && before !== '\n' && before !== '\r') continue;
    let q = from;
    while (raw[q] === ' ') q++;
    if (raw[q] !== '=') continue;
    q++;
    while (raw[q] === ' ') q++;
    const quote = raw[q];
    if (quote !== '"' && quote !== "'") continue;
    const end = raw.indexOf(quote, q + 1);
    if (end === -1) return undefined;
    // `x:r="…"` would match `r`: only the unprefixed or the one prefixed form is written in practice.
    return decodeEntities(raw.slice(q + 1, end));
  }
}

/**
 * A streaming scanner for the XML of a workbook's parts: fed text in chunks, it calls its
 * handler for each tag and each run of text. It knows the few things a spreadsheet part uses
 * (elements, attributes, text, CDATA, comments, processing instructions, entities) and refuses
 * a DOCTYPE that declares entities (the "billion laughs"), which no office program writes.
 * Much faster than a general SAX parser, since it jumps from `<` to `>` with indexOf.
 */
export class XmlScanner {
  private buffer = '';
  /** Text with no tag after it yet, kept as pieces: joining them on every chunk made a long cell quadratic. */
  private pending: string[] = [];
  private pendingLength = 0;
  /** Held text (bounded, so that a hostile part cannot fill memory). */
  constructor(
    private readonly handler: XmlHandler,
    private readonly part: string,
    private readonly maxPending: number,
  ) {}

  /** What the held text waits for before it can be scanned: `<` after text, `-->` in a comment, … */
  private need = '<';

  write(chunk: string): void {
    if (this.pending.length) {
      // Join and scan only once the held construct can end: a long value, comment or tag is
      // then read in time linear in its length.
      const last = this.pending[this.pending.length - 1] as string;
      const probe = last.slice(Math.max(0, last.length - this.need.length + 1)) + chunk;
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
      this.checkLength(this.pendingLength);
      if (!probe.includes(this.need)) return;
      chunk = this.pending.join('');
      this.pending = [];
      this.pendingLength = 0;
    }
    this.buffer = chunk;
    this.scan();
    this.checkLength(this.buffer.length);
    if (this.buffer.length) {
      const held = this.buffer;
      this.need = !held.startsWith('<') ? '<' : held.startsWith('<!--') ? '-->' : held.startsWith('<![CDATA[') ? ']]>' : held.startsWith('<?') ? '?>' : '>';
      this.pending.push(held);
      this.pendingLength = held.length;
      this.buffer = '';
    }
  }

  private checkLength(length: number): void {
    if (length > this.maxPending) {
      throw new XlsxError(`${this.part} holds a value or tag longer than ${Math.round(this.maxPending / 1048576)} MB`, 'limit');
    }
  }

  end(): void {
    if (this.pending.length) {
      this.buffer = this.pending.join('') + this.buffer;
      this.pending = [];
    }
    this.scan();
    const rest = this.buffer;
    this.buffer = '';
    if (rest.includes('<')) throw new XlsxError(`${this.part} ends in the middle of a tag`);
    if (rest.trim()) this.handler.text(decodeEntities(rest));
  }

  private scan(): void {
    const buffer = this.buffer;
    const handler = this.handler;
    const n = buffer.length;
    let pos = 0;
    const quotes: Quotes = { double: -2, single: -2 };
    while (pos < n) {
      const lt = buffer.indexOf('<', pos);
      if (lt === -1) break; // text continues in the next chunk
      if (lt > pos) handler.text(decodeEntities(buffer.slice(pos, lt)));
      pos = lt;
      const next = buffer.charCodeAt(lt + 1);
      if (next === 47 /* / */) {
        const gt = buffer.indexOf('>', lt + 2);
        if (gt === -1) break;
        handler.close(localName(buffer.slice(lt + 2, gt).trim()));
        pos = gt + 1;
      } else if (next === 63 /* ? */) {
        const end = buffer.indexOf('?>', lt + 2);
        if (end === -1) break;
        pos = end + 2;
      } else if (next === 33 /* ! */) {
        if (buffer.startsWith('<!--', lt)) {
          const end = buffer.indexOf('-->', lt + 4);
          if (end === -1) break;
          pos = end + 3;
        } else if (buffer.startsWith('<![CDATA[', lt)) {
          const end = buffer.indexOf(']]>', lt + 9);
          if (end === -1) break;
          const data = buffer.slice(lt + 9, end);
          handler.text(data.includes('\r') ? data.replace(/\r\n?/g, '\n') : data);
          pos = end + 3;
        } else {
          const end = this.doctypeEnd(buffer, lt);
          if (end === -1) break;
          pos = end;
        }
      } else if (n - lt < 2) {
        break;
      } else {
        const gt = tagEnd(buffer, lt + 1, quotes);
        if (gt === -1) break;
        const selfClosing = buffer.charCodeAt(gt - 1) === 47;
        const inner = buffer.slice(lt + 1, selfClosing ? gt - 1 : gt);
        let nameEnd = 0;
        while (nameEnd < inner.length) {
          const c = inner.charCodeAt(nameEnd);
          if (c === 32 || c === 9 || c === 10 || c === 13) break;
          nameEnd++;
        }
        const name = localName(inner.slice(0, nameEnd));
        handler.open(name, nameEnd < inner.length ? inner.slice(nameEnd) : '', selfClosing);
        if (selfClosing) handler.close(name);
        pos = gt + 1;
      }
    }
    this.buffer = pos < n ? buffer.slice(pos) : '';
  }

  /**
   * The end of a `<!DOCTYPE …>` starting at `lt`, or -1 when it is not all here yet. Declarations
   * are read as XML defines them, quoted text included (a `]` or `>` inside `<!ATTLIST … "]">` ends
   * nothing), and any entity declaration in the internal subset is refused: no spreadsheet program
   * writes one, and they are how a few bytes expand without end.
   */
  private doctypeEnd(buffer: string, lt: number): number {
    const end = this.declarationsEnd(buffer, lt);
    if ((end === -1 ? buffer.length : end) - lt > MAX_DOCTYPE) {
      throw new XlsxError(`${this.part} starts with a DOCTYPE longer than ${MAX_DOCTYPE / 1024} KB, which no spreadsheet program writes`);
    }
    return end;
  }

  private declarationsEnd(buffer: string, lt: number): number {
    const n = buffer.length;
    let i = lt + 2;
    let quote = 0;
    // The name and external id, up to `[` or `>`.
    for (; i < n; i++) {
      const c = buffer.charCodeAt(i);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 34 || c === 39) quote = c;
      else if (c === 62 /* > */) return i + 1;
      else if (c === 91 /* [ */) break;
    }
    if (i >= n) return -1;
    // The internal subset: declarations, comments and processing instructions, up to `]`.
    for (i++; i < n; ) {
      const c = buffer.charCodeAt(i);
      if (c === 93 /* ] */) {
        const gt = buffer.indexOf('>', i + 1);
        return gt === -1 ? -1 : gt + 1;
      }
      if (c !== 60 /* < */) {
        i++;
        continue;
      }
      if (buffer.startsWith('<!--', i)) {
        const end = buffer.indexOf('-->', i + 4);
        if (end === -1) return -1;
        i = end + 3;
      } else if (buffer.startsWith('<?', i)) {
        const end = buffer.indexOf('?>', i + 2);
        if (end === -1) return -1;
        i = end + 2;
      } else {
        if (n - i < 9) return -1;
        if (/^<!ENTITY/i.test(buffer.slice(i, i + 8))) {
          throw new XlsxError(`${this.part} declares XML entities of its own, which no spreadsheet program writes (and which could expand without end)`);
        }
        // Any other declaration (ELEMENT, ATTLIST, NOTATION): to its `>`, past quoted text.
        let j = i + 2;
        for (quote = 0; j < n; j++) {
          const d = buffer.charCodeAt(j);
          if (quote !== 0) {
            if (d === quote) quote = 0;
          } else if (d === 34 || d === 39) quote = d;
          else if (d === 62) break;
        }
        if (j >= n) return -1;
        i = j + 1;
      }
    }
    return -1;
  }
}

/** A DOCTYPE longer than this is refused: office programs write none, or a line. */
const MAX_DOCTYPE = 64 * 1024;

/** The next `"` and `'` found in the buffer being scanned: positions only grow while it is scanned. */
interface Quotes {
  double: number;
  single: number;
}

/**
 * The `>` that ends a start tag, skipping any inside quoted attribute values; -1 if not yet here.
 * It jumps from quote to quote with indexOf: a cell's tag of five attributes is a dozen native
 * searches instead of a hundred characters looked at one by one. The next quote of each kind is
 * remembered, so that a buffer with no `'` in it is searched for one once, not at every tag.
 */
function tagEnd(buffer: string, from: number, quotes: Quotes): number {
  let at = from;
  for (;;) {
    const gt = buffer.indexOf('>', at);
    if (gt === -1) return -1;
    if (quotes.double !== -1 && quotes.double < at) quotes.double = buffer.indexOf('"', at);
    if (quotes.single !== -1 && quotes.single < at) quotes.single = buffer.indexOf("'", at);
    const { double, single } = quotes;
    const quote = double === -1 || (single !== -1 && single < double) ? single : double;
    if (quote === -1 || quote > gt) return gt;
    const close = buffer.indexOf(buffer[quote] as string, quote + 1);
    if (close === -1) return -1;
    at = close + 1;
  }
}
