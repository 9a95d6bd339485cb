/**
 * Guesses how a delimited text file was written: its encoding (from a BOM, else UTF-8 when the
 * bytes are valid UTF-8, else Windows-1252 as Swedish Excel writes), a `sep=` first line, and the
 * delimiter (the candidate that splits the first lines into the same number of fields).
 */

export interface TextGuess {
  encoding: string;
  bomLength: number;
  /** The delimiter a `sep=X` first line names, if any. */
  sepLine?: string;
}

export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** Encoding from the first bytes of a file. */
export function guessEncoding(sample: Buffer, complete: boolean): TextGuess {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  const utf16 = utf16WithoutBom(sample);
  if (utf16) return { encoding: utf16, bomLength: 0 };
  // The sample may end in the middle of a character: leave out up to three trailing bytes.
  const body = complete ? sample : sample.subarray(0, Math.max(0, sample.length - 3));
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return { encoding: 'utf-8', bomLength: 0 };
  } catch {
    return { encoding: 'windows-1252', bomLength: 0 };
  }
}

/**
 * UTF-16 written without a BOM (some exporters, and Excel's "Unicode text" cut by another tool):
 * text in Latin letters has a zero byte beside every character, on the same side. Valid UTF-8 and
 * Windows-1252 text has none. Undefined unless the first 4 KB look so.
 */
function utf16WithoutBom(sample: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = Math.floor(Math.min(sample.length, 4096) / 2);
  if (pairs < 2) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < pairs; i++) {
    if (sample[2 * i] === 0) evenZero++;
    if (sample[2 * i + 1] === 0) oddZero++;
  }
  if (oddZero >= pairs * 0.3 && evenZero <= pairs * 0.05) return 'utf-16le';
  if (evenZero >= pairs * 0.3 && oddZero <= pairs * 0.05) return 'utf-16be';
  return undefined;
}

/** Counts each candidate delimiter outside quotes, line by line, in the first lines of `text`. */
function countsPerLine(text: string, maxLines = 30): Map<string, number[]> {
  const counts = new Map<string, number[]>(DELIMITERS.map((d) => [d, []]));
  let current = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  let lines = 0;
  for (let i = 0; i < text.length && lines < maxLines; i++) {
    const ch = text[i] as string;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n'))) {
      for (const d of DELIMITERS) counts.get(d)?.push(current.get(d) ?? 0);
      current = new Map(DELIMITERS.map((d) => [d, 0]));
      lines++;
    } else if (!quoted && current.has(ch)) current.set(ch, (current.get(ch) ?? 0) + 1);
  }
  if (lines < maxLines && [...current.values()].some((n) => n > 0)) for (const d of DELIMITERS) counts.get(d)?.push(current.get(d) ?? 0);
  return counts;
}

/**
 * The delimiter whose count on the header line is non-zero and repeated on most lines. A decimal
 * comma (733480,00) does not fool it: commas in values vary from line to line, and a header has none.
 */
export function guessDelimiter(text: string): string {
  let best: { delimiter: string; score: number } = { delimiter: ',', score: -1 };
  for (const [delimiter, counts] of countsPerLine(text)) {
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    const same = counts.filter((n) => n === header).length / counts.length;
    const score = same * 1000 + header;
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

/** The delimiter of an Excel `sep=;` first line, or undefined. */
export function sepLine(text: string): string | undefined {
  const match = /^sep=(.)\r?\n/i.exec(text);
  return match?.[1];
}
