/**
 * A text field joined from several columns, `template: "{Adress}, {Postnr} {Ort}"`: the columns
 * in braces, the text between them separating them.
 */
export interface TextTemplate {
  /** The columns, in order. */
  names: string[];
  /** The text before, between and after them: one more than there are names. */
  literals: string[];
}

/** A template's parts, or what is wrong with it. */
export function parseTemplate(template: string): TextTemplate | string {
  const names: string[] = [];
  const literals: string[] = [];
  let rest = template;
  for (;;) {
    const open = rest.indexOf('{');
    const close = rest.indexOf('}');
    if (open === -1) {
      if (close !== -1) return `has a "}" without its "{": write each column as {Name}`;
      literals.push(rest);
      break;
    }
    if (close !== -1 && close < open) return `has a "}" without its "{": write each column as {Name}`;
    const end = rest.indexOf('}', open);
    if (end === -1) return `has a "{" without its "}": write each column as {Name}`;
    const name = rest.slice(open + 1, end).trim();
    if (name === '' || name.includes('{')) return `has "${rest.slice(open, end + 1)}", which names no column: write each column as {Name}`;
    literals.push(rest.slice(0, open));
    names.push(name);
    rest = rest.slice(end + 1);
  }
  if (!names.length) return 'names no column: write the columns in braces, e.g. "{Adress}, {Postnr} {Ort}"';
  return { names, literals };
}

/** The columns a template names, or what is wrong with it. */
export function templateColumns(template: string): string[] | string {
  const parsed = parseTemplate(template);
  return typeof parsed === 'string' ? parsed : parsed.names;
}

/**
 * The template filled with the columns' texts. A blank part is left out with the separator
 * after it (the last part, with the one before it), so that `{Adress}, {Postnr} {Ort}` with no
 * postcode is `Ängsvägen 84, Västerås`, not `Ängsvägen 84,  Västerås`; the text before the
 * first part and after the last stays only with that part. All blank: ''.
 */
export function fillTemplate(template: TextTemplate, values: readonly string[]): string {
  const { literals } = template;
  let text = '';
  let previous = -1;
  values.forEach((value, i) => {
    if (value === '') return;
    text += previous === -1 ? (i === 0 ? (literals[0] ?? '') : '') : (literals[previous + 1] ?? '');
    text += value;
    previous = i;
  });
  if (previous === values.length - 1 && previous >= 0) text += literals[values.length] ?? '';
  return text;
}
