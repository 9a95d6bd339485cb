const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A schedule file's duration (`30m`, `90s`, `1h30m`, `500ms`, or `0`) in milliseconds, or the
 * reason it is not one. A bare number other than 0 is refused: 30 could mean seconds or minutes.
 */
export function parseDuration(value: unknown): number | string {
  if (value === 0 || value === '0') return 0;
  if (typeof value === 'number') return `${value} needs a unit: ${value}s, ${value}m or ${value}h (or 0 for none)`;
  if (typeof value !== 'string') return 'expected a duration like 30s, 5m or 1h';
  const text = value.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(text)) return `"${value}" needs a unit: ${text}s, ${text}m or ${text}h (or 0 for none)`;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return `"${value}" is not a duration; write it like 30s, 5m, 1h or 1h30m`;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(amount) * (UNITS[unit as string] as number);
  return Math.round(ms);
}

/** `2 s`, `5 min`, `1 h 30 min`: a duration as a person says it. */
export function durationText(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}
