/** "Jobs" in the languages of the locales the tool's users have: an exported sheet's default name. */
const JOBS: Record<string, string> = { sv: 'Uppdrag', nb: 'Oppdrag', nn: 'Oppdrag', no: 'Oppdrag', da: 'Opgaver', fi: 'Työt', de: 'Aufträge' };

/**
 * The sheet a mapping's jobs are written to (export, template): the mapping's `sheet` when it is a
 * name (it names the sheet an import reads, so the round trip finds it), else "Jobs" in the
 * mapping's language: Uppdrag under sv-SE, Jobs under en-*.
 */
export function jobsSheetName(mapping: { sheet?: string | number; locale: string }): string {
  if (typeof mapping.sheet === 'string') return mapping.sheet;
  return JOBS[(mapping.locale.split('-')[0] ?? '').toLowerCase()] ?? 'Jobs';
}

/** Why Excel would refuse a sheet name, or undefined when it takes it. */
export function sheetNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'is empty';
  if (name.length > 31) return `is ${name.length} characters long, and Excel allows at most 31`;
  const bad = /[\\/?*[\]:]/.exec(name);
  if (bad) return `contains "${bad[0]}", which Excel does not allow in a sheet name (nor any of \\ / ? * [ ] :)`;
  if (name.startsWith("'") || name.endsWith("'")) return 'starts or ends with an apostrophe, which Excel does not allow';
  if (name.toLowerCase() === 'history') return 'is "History", a name Excel keeps for itself';
  return undefined;
}
