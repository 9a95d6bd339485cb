import { CdbError } from '../errors.js';

/** What was given, in words: yargs reads a number flag that is not a number as NaN. */
const given = (value: unknown): string => (typeof value === 'number' && Number.isNaN(value) ? 'something that is not a number' : JSON.stringify(value));

/** A flag that takes a whole number of `least` or more (1: "above 0"), when it is given. */
export function checkWholeNumber(flag: string, value: unknown, least: 0 | 1): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= least)) {
    throw new CdbError('USAGE', `--${flag} takes a whole number ${least === 1 ? 'above 0' : 'of 0 or more'}, got ${given(value)}.`);
  }
}

/** --concurrency (a whole number above 0) and --rate (0 or more: 0 is no cap), checked alike for every command that takes them. */
export function checkPace(args: { concurrency?: unknown; rate?: unknown }): void {
  const { concurrency, rate } = args;
  checkWholeNumber('concurrency', concurrency, 1);
  if (rate !== undefined && !(typeof rate === 'number' && Number.isFinite(rate) && rate >= 0)) {
    throw new CdbError('USAGE', `--rate takes requests per second (0 for no cap), got ${given(rate)}.`);
  }
}

/** Whether a time zone name is one this machine knows (IANA: Europe/Stockholm). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
