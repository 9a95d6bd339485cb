/** The value types a column can have. */
export const FIELD_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'enum'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** What an empty cell does to a job a keyed import updates: leave its value (keep), or clear it. */
export const EMPTY_CHOICES = ['keep', 'clear'] as const;
export type EmptyChoice = (typeof EMPTY_CHOICES)[number];

/** One column of a mapping, normalised (defaults filled in). */
export interface ColumnSpec {
  /** The spreadsheet column's header; absent for a constant and for a field read from several columns. */
  column?: string;
  /**
   * The columns a field is read from when it is read from several: a date column and a time-of-day
   * column for a datetime (`column: [Startdatum, Starttid]`), or the columns a `template` names.
   */
  from?: string[];
  /** Text joined from columns, e.g. `{Adress}, {Postnr} {Ort}`; blank parts are left out with their separator. */
  template?: string;
  /** An empty cell: keep the job's value (undefined means keep), or clear it (keyed imports). */
  empty?: EmptyChoice;
  /** Text of digits shorter than this gets leading zeros (a key that lost them: 50000 → 0050000). */
  pad?: number;
  /** Export: the time of day of a datetime only (the time column of `column: [date, time]`). */
  timeOfDay?: boolean;
  /** Other headers that mean the same column. */
  aliases: string[];
  /** The job field, as a path such as `destinations[0].location.placeName`. */
  field: string;
  type: FieldType;
  /** A luxon format such as `yyyy-MM-dd HH:mm` for date and datetime text. */
  format?: string;
  required: boolean;
  /** Import: white space off both ends of text (default); false keeps the text as written. */
  trim: boolean;
  /** A constant sent for every row instead of a column. */
  value?: unknown;
  /** Cell text → value (matched ignoring case), e.g. `{ Ja: true, Nej: false }`. */
  map?: Record<string, unknown>;
  /** The allowed values of an enum. */
  values?: string[];
  /** Export: how the elements of an array field are joined in one cell. */
  join?: string;
  /** Set by the server (id, state, …): exported, never sent. */
  readOnly: boolean;
  /** The field is one this tool does not list, named on purpose: sent as it is, not refused. */
  passthrough?: boolean;
}

/** A loaded and checked mapping file. */
export interface Mapping {
  resource: 'job';
  /** xlsx: sheet name or 1-based index. */
  sheet?: string | number;
  headerRow: number;
  locale: string;
  timezone: string;
  /** The column whose value identifies a row across runs. */
  key?: string;
  /** What an empty cell does, for the columns that do not say (default keep). */
  empty?: EmptyChoice;
  /** The UUID namespace of the jobs a keyed import creates (unique to this mapping). */
  namespace?: string;
  /** csv: override the detected delimiter and encoding. */
  delimiter?: string;
  encoding?: string;
  columns: ColumnSpec[];
  /** Import: requests in flight and per second, unless flags say otherwise. */
  concurrency?: number;
  rate?: number;
  /** Where it was loaded from, for messages. */
  source: string;
}

/** A problem with one row, as data (it goes to the errors file and the counts). */
export interface RowIssue {
  row: number;
  column?: string;
  field?: string;
  message: string;
}

/**
 * A value a writer puts in a cell, as the mapping turns a job's field into one (to-cell.ts). Dates
 * are wall-clock times (their UTC fields are what shows).
 */
export type OutCell = string | number | boolean | Date | null | undefined;
