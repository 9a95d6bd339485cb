/**
 * A file name pattern as a test: `*` any run of characters, `?` one, `{csv,xlsx}` either; case
 * is ignored (an ERP on Windows may write JOBS.CSV). Only names, never paths.
 */
export function globMatcher(pattern: string): (name: string) => boolean {
  let source = '';
  let inBraces = false;
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '{' && !inBraces) {
      inBraces = true;
      source += '(?:';
    } else if (char === '}' && inBraces) {
      inBraces = false;
      source += ')';
    } else if (char === ',' && inBraces) source += '|';
    else source += char.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  if (inBraces) source += ')';
  const regex = new RegExp(`^${source}$`, 'is');
  return (name) => regex.test(name);
}

/**
 * Names a watched folder never picks up, whatever the pattern: hidden and editors' lock files
 * (`.*`, Excel's `~$*`) and files still being written under a temporary name (`*.tmp`).
 */
export function isTemporaryName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$') || /\.tmp$/i.test(name);
}
