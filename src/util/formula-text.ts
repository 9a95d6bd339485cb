/** What a spreadsheet runs as a formula when a text starts with it. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Text this tool neutralised: the apostrophe it added, then a formula start. */
const NEUTRALISED = /^'[=+\-@\t\r]/;

/**
 * Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading
 * apostrophe, as OWASP advises for csv; the apostrophe shows what was done. Text that already has
 * it is left alone, so that neutralising twice changes nothing.
 */
export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The text before `neutralise`: an apostrophe followed by a formula start loses the apostrophe. */
export function unneutralise(text: string): string {
  return NEUTRALISED.test(text) ? text.slice(1) : text;
}
