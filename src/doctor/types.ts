import type { VersionInfo } from '../api/types.js';

/** What a check found: the assumption holds, does not hold, or could not be checked. */
export type Verdict = 'holds' | 'does-not-hold' | 'not-checked';

/** The checks, one for each assumption of src/api/assumptions.ts that matters to the tool, in the order they are shown. */
export const CHECK_IDS = ['key', 'limit', 'offset', 'modified', 'list-fields', 'states', 'all-day-dates', 'post-uuid', 'put-creates', 'put-partial', 'put-answer', 'delete'] as const;

export type CheckId = (typeof CHECK_IDS)[number];

/** One line of the doctor's report. */
export interface CheckResult {
  id: CheckId;
  /** The constant in src/api/assumptions.ts that the check tests. */
  assumption: string;
  /** The assumption, in words. */
  title: string;
  verdict: Verdict;
  /** What was asked and seen, in one short clause; when not checked, why not. */
  evidence: string;
  /** What the tool does about it and what the user can do: when it does not hold, or how to check it. */
  action?: string;
}

/** How many of the jobs looked at carry an attribute (a value that is not empty). */
export interface AttributeCount {
  name: string;
  jobs: number;
  /** An attribute of the Job interface (src/api/types.ts); the others are kept as they come. */
  known: boolean;
}

/** The attributes of the jobs listed first. */
export interface AttributeSample {
  /** Jobs looked at: the first page, at most the tool's page size. */
  jobs: number;
  /** Every attribute seen, the most carried first. */
  attributes: AttributeCount[];
  /** Attributes the tool knows that none of these jobs has. */
  unseen: string[];
}

/** A scratch job `--write` made (or may have made: a write whose answer was lost). */
export interface ScratchJob {
  uuid: string;
  id?: number;
}

/** What `--write` made, and what became of it. */
export interface ScratchReport {
  made: ScratchJob[];
  removed: ScratchJob[];
  /** Still there (or perhaps there) after every try to remove it: the user's to delete. */
  left: ScratchJob[];
  /**
   * Writes whose answer was lost and whose job is not under the uuid sent: a server that gives
   * jobs uuids of its own may have made one, which only its title can find.
   */
  unseen: number;
}

/** What `runDoctor` found. */
export interface DoctorReport {
  baseUrl: string;
  server: VersionInfo;
  write: boolean;
  checks: CheckResult[];
  sample: AttributeSample;
  /** With `write`. */
  scratch?: ScratchReport;
  /** Requests made (each retried as every call of the client is). */
  requests: number;
}
