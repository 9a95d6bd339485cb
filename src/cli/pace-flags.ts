import { CdbError } from '../errors.js';

/** What was given, in words: yargs reads a number flag that is not a number as NaN. */
const given = (value: unknown): string => (typeof value === 'number' && Number.isNaN(value) ? 'something that is not a number' : JSON.stringify(value));

/** --concurrency (a whole number above 0) and --rate (0 or more: 0 is no cap), checked alike for every command that takes them. */
export function checkPace(args: { concurrency?: unknown; rate?: unknown }): void {
  const { concurrency, rate } = args;
  if (concurrency !== undefined && !(typeof concurrency === 'number' && Number.isInteger(concurrency) && concurrency > 0)) {
    throw new CdbError('USAGE', `--concurrency takes a whole number above 0, got ${given(concurrency)}.`);
  }
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
