import type { ColumnSpec } from './types.js';

/** One column of the starter mapping: matched to a field, or left for the user with the reason. */
export interface StarterColumn {
  header: string;
  spec?: ColumnSpec;
  /** Cell text → number for a text column matched to an integer field (Hög/Normal/Låg). */
  map?: Record<string, number>;
  /** Why an unmatched column is left out: the field it names is filled by another column. */
  note?: string;
  /** A date column: the time-of-day column read with it into one datetime (`column: [this, with]`). */
  with?: string;
  /** The street column of a place joined from several: `{Adress}, {Postnr} {Ort}`. */
  template?: string;
  /** A time column or an address part: read into the field of the column named here. */
  joinedInto?: string;
  /** Where the column is in the header. */
  index: number;
}

/** The starter columns, and the column suggested as key (unique order numbers on every row). */
export interface StarterMatch {
  columns: StarterColumn[];
  key?: string;
}

/** What the first rows of a file show about each column, for guesses a header cannot give. */
export interface ColumnSample {
  /** Rows with a value in this column. */
  filled: number;
  /** No value repeats. */
  unique: boolean;
  /** Every value looks like an order number (digits, maybe letters and - / . _, no spaces). */
  orderLike: boolean;
  /** The distinct values in first-seen order, up to a few more than a set of choices holds (init-mapping.ts's FEW_VALUES + 1). */
  values: string[];
  /** Every value is a date without a time of day (a date cell at midnight, 2026-03-01, 1.3.2026). */
  dateOnly: boolean;
  /** Every value is a time of day (a time cell, 08:00, 8.30). */
  timeOfDay: boolean;
}

/** The sampled rows of a file. */
export interface SheetSample {
  rows: number;
  columns: ColumnSample[];
}
