/**
 * A set of uuids in 17 bytes each (the 128 bits in a flat table, open addressing), so that a
 * listing can tell a job seen twice among a million in some 35 MB; a Set of the strings would take
 * about 80 MB. Exact, never a hash that two uuids could share. Strings that are not uuids (a server
 * may use other ids) are kept as strings beside it.
 */
/** Each character's value as a hex digit, or -1. */
const HEX = new Int8Array(128).fill(-1);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) HEX[97 + c] = HEX[65 + c] = 10 + c;

export class UuidSet {
  private words = new Uint32Array(4 * 1024);
  private used = new Uint8Array(1024);
  private count = 0;
  private readonly others = new Set<string>();
  private readonly parsed = new Uint32Array(4);

  get size(): number {
    return this.count + this.others.size;
  }

  /** Adds a uuid (any case, with or without dashes); false when it was already there. */
  add(uuid: string): boolean {
    if (!this.parse(uuid)) {
      const key = uuid.toLowerCase();
      if (this.others.has(key)) return false;
      this.others.add(key);
      return true;
    }
    if ((this.count + 1) * 10 > this.used.length * 7) this.grow();
    const slot = this.find(this.parsed);
    if (this.used[slot]) return false;
    this.put(slot, this.parsed);
    return true;
  }

  has(uuid: string): boolean {
    if (!this.parse(uuid)) return this.others.has(uuid.toLowerCase());
    return this.used[this.find(this.parsed)] === 1;
  }

  /** Reads 32 hex digits (dashes skipped) into `parsed`; false when the text is not a uuid. */
  private parse(text: string): boolean {
    const dashed = text.length === 36;
    if (!dashed && text.length !== 32) return false;
    if (dashed && (text.charCodeAt(8) !== 45 || text.charCodeAt(13) !== 45 || text.charCodeAt(18) !== 45 || text.charCodeAt(23) !== 45)) return false;
    // Where each group of eight digits starts; a dashed uuid's middle words straddle a dash.
    const d = dashed ? 1 : 0;
    return this.word(text, 0, 0, 4) && this.word(text, 1, 8 + d, 12 + 2 * d) && this.word(text, 2, 16 + 3 * d, 20 + 4 * d) && this.word(text, 3, 24 + 4 * d, 28 + 4 * d);
  }

  /** Eight hex digits, four from `first` and four from `second`, into `parsed[index]`. */
  private word(text: string, index: number, first: number, second: number): boolean {
    let word = 0;
    for (let i = 0; i < 8; i++) {
      const c = text.charCodeAt(i < 4 ? first + i : second + i - 4);
      const value = c < 128 ? (HEX[c] as number) : -1;
      if (value < 0) return false;
      word = (word << 4) | value;
    }
    this.parsed[index] = word >>> 0;
    return true;
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private find(key: Uint32Array): number {
    const mask = this.used.length - 1;
    // The uuid's bits are random already (v4, v5): mixing two words spreads the rest.
    let slot = (Math.imul((key[0] as number) ^ (key[3] as number), 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      if (!this.used[slot]) return slot;
      const at = slot * 4;
      if (this.words[at] === key[0] && this.words[at + 1] === key[1] && this.words[at + 2] === key[2] && this.words[at + 3] === key[3]) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private put(slot: number, key: Uint32Array): void {
    const at = slot * 4;
    this.words[at] = key[0] as number;
    this.words[at + 1] = key[1] as number;
    this.words[at + 2] = key[2] as number;
    this.words[at + 3] = key[3] as number;
    this.used[slot] = 1;
    this.count++;
  }

  private grow(): void {
    const words = this.words;
    const used = this.used;
    this.words = new Uint32Array(words.length * 2);
    this.used = new Uint8Array(used.length * 2);
    this.count = 0;
    const key = new Uint32Array(4);
    for (let slot = 0; slot < used.length; slot++) {
      if (!used[slot]) continue;
      const at = slot * 4;
      key[0] = words[at] as number;
      key[1] = words[at + 1] as number;
      key[2] = words[at + 2] as number;
      key[3] = words[at + 3] as number;
      this.put(this.find(key), key);
    }
  }
}
