/** The library entry: everything a script needs to use coredination-batch without its CLI. */

/** The HTTP client of the Coredination API. */
export { createClient, type ClientOptions, type CoredinationClient } from './api/client.js';
/** Coredination's job object and list options. */
export type { Job, ListJobsOptions, VersionInfo, Destination, Resource } from './api/types.js';
/** Retry policy of the client: when to retry and how long to wait. */
export { retryDelay, backoffDelay, parseRetryAfter, DEFAULT_RETRY_POLICY, type RetryPolicy } from './api/retry-policy.js';
/** The project's error classes. */
export { CdbError, ApiError, isCdbError, type ErrorCode, type ErrorContext } from './errors.js';
/** The local API emulator. */
export { startSandbox, SANDBOX_KEY, type Sandbox, type SandboxOptions, type RequestRecord } from './sandbox/server.js';
/** Realistic generated jobs. */
export { generateJobs } from './sandbox/generate-jobs.js';
