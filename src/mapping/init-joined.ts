import { ADDRESS_PART_NAMES, looseHeader, PLACE_FALLBACK_NAMES } from './header-names.js';
import type { ColumnSample, SheetSample, StarterColumn } from './starter-types.js';
import type { ColumnSpec } from './types.js';

/**
 * Headers of a time of day, in the languages `mapping init` knows, for a time column that no
 * field's names claim (`Tid` beside `Datum`). Compared by {@link looseHeader}.
 */
const TIME_OF_DAY_NAMES = new Set(['Tid', 'Klockslag', 'Klockan', 'Kl', 'Starttid', 'Sluttid', 'Tidspunkt', 'Klokkeslett', 'Klokkeslæt', 'Kellonaika', 'Aika', 'Uhrzeit', 'Zeit', 'Time', 'Start time', 'End time', 'Time of day'].map(looseHeader));
const DATE_HINT = /(datum|date|dato|paiva|tag)$/;
const TIME_HINT = /(tid|time|zeit|aika|klockslag|klockan|klokkeslett|tidspunkt)$/;

/** Whether a column holds dates alone (its rows say so; without rows, its name). */
function dateColumn(column: StarterColumn, sample: SheetSample | undefined): boolean {
  const values: ColumnSample | undefined = sample?.columns[column.index];
  return values && values.filled > 0 ? values.dateOnly : DATE_HINT.test(looseHeader(column.header));
}

/** Whether a column holds times of day (its rows say so; without rows, its name). */
function timeColumn(column: StarterColumn, sample: SheetSample | undefined): boolean {
  const values = sample?.columns[column.index];
  return values && values.filled > 0 ? values.timeOfDay : TIME_HINT.test(looseHeader(column.header));
}

/**
 * A date column and a time-of-day column for the same start (or end), such as `Startdatum` and
 * `Starttid`, become one field read from both (`column: [Startdatum, Starttid]`): the date column
 * gets the field and names the time column in `with`.
 */
export function proposeDateAndTime(columns: StarterColumn[], specs: readonly ColumnSpec[], names: ReadonlyMap<ColumnSpec, ReadonlySet<string>>, sample?: SheetSample): void {
  for (const spec of specs.filter((s) => s.type === 'datetime')) {
    const holder = columns.find((c) => c.spec === spec);
    if (!holder) continue;
    const others = columns.filter((c) => c !== holder && !c.spec && !c.joinedInto && (names.get(spec)?.has(looseHeader(c.header)) || TIME_OF_DAY_NAMES.has(looseHeader(c.header))));
    for (const other of others) {
      const [date, time] = dateColumn(holder, sample) && timeColumn(other, sample) ? [holder, other] : dateColumn(other, sample) && timeColumn(holder, sample) ? [other, holder] : [];
      if (!date || !time) continue;
      holder.spec = undefined;
      date.spec = spec;
      date.with = time.header;
      date.note = undefined;
      time.joinedInto = date.header;
      time.note = undefined;
      break;
    }
  }
}

/** Puts a YAML plain scalar in a flow sequence only when it needs no quotes. */
function flowScalar(text: string): string {
  return /^[\p{L}\p{N}][\p{L}\p{N} ()._/-]*$/u.test(text) && !/\s$/.test(text) ? text : JSON.stringify(text);
}

/** `[Startdatum, Starttid]`. */
export function flowList(items: readonly string[]): string {
  return `[${items.map(flowScalar).join(', ')}]`;
}

/**
 * A street column that fills the place, beside postcode and town columns (`Adress`, `Postnr`,
 * `Ort`), becomes a template that joins them: `{Adress}, {Postnr} {Ort}`. The parts name the
 * street column in `joinedInto`.
 */
export function proposeAddress(columns: StarterColumn[], place: ColumnSpec | undefined): void {
  const street = columns.find((c) => c.spec === place);
  if (!place || !street || new Set(PLACE_FALLBACK_NAMES.map(looseHeader)).has(looseHeader(street.header))) return;
  const towns = new Set(PLACE_FALLBACK_NAMES.map(looseHeader));
  const postcodes = new Set(ADDRESS_PART_NAMES.map(looseHeader).filter((n) => !towns.has(n)));
  const free = (c: StarterColumn) => !c.spec && !c.joinedInto;
  const postcode = columns.find((c) => free(c) && postcodes.has(looseHeader(c.header)));
  const town = columns.find((c) => free(c) && towns.has(looseHeader(c.header)));
  if (!postcode && !town) return;
  const rest = [postcode, town].filter((c): c is StarterColumn => c !== undefined);
  street.template = `{${street.header}}, ${rest.map((c) => `{${c.header}}`).join(' ')}`;
  for (const part of rest) {
    part.joinedInto = street.header;
    part.note = undefined;
  }
}
