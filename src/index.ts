/** The library entry: everything a script needs to use coredination-batch without its CLI. */

/** The HTTP client of the Coredination API. */
export { createClient, type ClientOptions, type CoredinationClient } from './api/client.js';
/** Coredination's job object and list options. */
export type { Job, JobListing, ListingReport, ListJobsOptions, VersionInfo, Destination, Resource } from './api/types.js';
/** Who an account is (base URL and a hash of the key): journals and keyed uuids are its own. */
export { accountId } from './api/account-id.js';
/** Retry policy of the client: when to retry, how long to wait, and when a write's outcome is unknown. */
export { decideRetry, backoffDelay, parseRetryAfter, DEFAULT_RETRY_POLICY, type RetryPolicy, type RetryDecision } from './api/retry-policy.js';
/** The project's error classes. */
export { CdbError, ApiError, isCdbError, type ErrorCode, type ErrorContext } from './errors.js';
/** How the engine tells what it is doing (progress, lines, warnings). */
export { silentReporter, type Reporter } from './reporter.js';

/** Loads and checks a mapping file (every problem at once); without a path, the default mapping. */
export { loadMapping, DEFAULT_MAPPING } from './mapping/load-mapping.js';
/** A loaded mapping and its columns. */
export type { Mapping, ColumnSpec, RowIssue } from './mapping/types.js';
/** Opens a csv, xlsx or ods file and streams its rows. */
export { openSpreadsheet } from './readers/spreadsheet.js';
/** What a reader is asked for and what it hands back. */
export type { OpenSheet, ReadOptions, Detected } from './readers/types.js';

/** Import: check the file, plan every row against the journal or the account, then apply the plan. */
export { runImport, type ImportOptions, type ImportSummary } from './import/run-import.js';
/** The check alone (what a dry run does before planning): every row mapped and checked, no network. */
export { checkFile, type CheckedFile, type FileCheck, type CheckedRow } from './import/check-file.js';
/** A row's planned action and the plan's counts. */
export type { RowAction, PlannedRow, ImportPlan } from './import/actions.js';
/** The files an import writes, named in one place. */
export { importOutputs, type ImportOutputs } from './import/results.js';

/** Undo: plan taking a run back (each job judged against what the run left), then apply it. */
export { planUndo, readRun, type UndoPlan } from './undo/plan-undo.js';
/** Carries out an undo plan, reading each job again right before it is touched. */
export { applyUndo, type UndoSummary } from './undo/apply-undo.js';
/** The run a results file or run id names. */
export { runOf, type UndoTarget } from './undo/run-of.js';
/** One process at a time on a run (its import, or an undo). */
export { lockRun } from './import/run-record.js';

/** Export: every job (or those changed since) to xlsx or csv through a mapping. */
export { runExport, type ExportOptions, type ExportSummary } from './export/run-export.js';
/** Doctor: the account checked against each assumption the tool makes about the API (read-only; `write` adds scratch jobs, removed after). */
export { runDoctor, MOST_REQUESTS, type DoctorOptions } from './doctor/run-doctor.js';
/** What doctor found: one result per assumption, the attributes of the jobs listed first, the scratch jobs. */
export type { DoctorReport, CheckResult, CheckId, Verdict, AttributeSample, ScratchReport } from './doctor/types.js';

/** The state folder the CLI uses (COREDINATION_STATE_DIR, XDG_STATE_HOME, ~/.local/state). */
export { defaultStateDir } from './state/state-dir.js';

/** The local API emulator. */
export { startSandbox, SANDBOX_KEY, type Sandbox, type SandboxOptions, type RequestRecord } from './sandbox/server.js';
/** Realistic generated jobs. */
export { generateJobs } from './sandbox/generate-jobs.js';
