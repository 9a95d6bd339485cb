/** What a locale means for reading numbers and dates in cells. */
export interface LocaleRules {
  locale: string;
  decimal: '.' | ',';
  /** Dates like 01/03/2026 are day first (true for most of Europe). */
  dayFirst: boolean;
  /** csv: the delimiter Excel uses under this locale. */
  listSeparator: ',' | ';';
}

const cache = new Map<string, LocaleRules>();

/** True when Intl knows the locale tag. */
export function isKnownLocale(locale: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale]).length > 0;
  } catch {
    return false;
  }
}

/** The rules of a locale, from Intl. */
export function localeRules(locale: string): LocaleRules {
  const cached = cache.get(locale);
  if (cached) return cached;
  const decimal = new Intl.NumberFormat(locale).formatToParts(1.5).find((part) => part.type === 'decimal')?.value === ',' ? ',' : '.';
  const order = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(Date.UTC(2026, 2, 1)));
  const at = (type: string) => order.findIndex((part) => part.type === type);
  // Only month-day-year locales (en-US) write the month first; year-first ones (sv-SE: 2026-03-01)
  // write 01.03.2026 day first, like the rest of Europe.
  const dayFirst = !(at('month') < at('day') && at('year') > at('day'));
  const rules: LocaleRules = { locale, decimal, dayFirst, listSeparator: decimal === ',' ? ';' : ',' };
  cache.set(locale, rules);
  return rules;
}
