/** `1 row`, `2 rows`: a count with its noun, singular for one. */
export function rowsText(n: number, noun = 'row', nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}
