/**
 * A file name as printed: control characters (a newline in a name could forge a line of the
 * summary) shown escaped, the rest as it is.
 */
export function shownName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/**
 * A file name as a shell argument that pastes back as the same name: plain names as they are,
 * others in single quotes; a name starting with `-` gets `./` so that it is not read as a flag.
 * Control characters are shown escaped (such a name cannot be pasted faithfully anyway).
 */
export function shellQuote(name: string): string {
  const safe = name.startsWith('-') && !name.startsWith('/') ? `./${name}` : name;
  if (/^[\w./,:@%+=-]+$/.test(safe)) return safe;
  return `'${shownName(safe).replace(/'/g, `'\\''`)}'`;
}
