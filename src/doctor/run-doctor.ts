import { API_KEY_HEADER } from '../api/assumptions.js';
import type { CoredinationClient } from '../api/client.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { countAttributes } from './attributes.js';
import { holds, notChecked } from './catalogue.js';
import { checkListFields } from './list-fields.js';
import { checkPaging } from './paging.js';
import { Probe } from './probe.js';
import { checkAllDayDates, checkStates } from './sample-checks.js';
import { Scratch, SCRATCH_TITLE, unseenWarning } from './scratch.js';
import { CHECK_IDS, type CheckResult, type DoctorReport, type ScratchReport } from './types.js';
import { checkWrites, WRITE_CHECKS, type WriteFindings } from './write-checks.js';

/** What `runDoctor` is asked to do. */
export interface DoctorOptions {
  client: CoredinationClient;
  /** Also make two scratch draft jobs to check how writes are answered, and remove them. */
  write?: boolean;
  reporter?: Reporter;
  /** Stops the checks (Ctrl+C): what `write` made is removed all the same, then INTERRUPTED is thrown. */
  signal?: AbortSignal;
  /** The clock (epoch ms). */
  now?: () => number;
}

/** The most requests a run makes, each retried as every call of the client is (removing leftovers adds up to four). */
export const MOST_REQUESTS = { read: 7, write: 15 } as const;

/** Tells what was removed, and what is left for the user, when the checks stop early. */
function tellScratch(reporter: Reporter, scratch: ScratchReport): void {
  for (const job of scratch.removed) reporter.info(`Removed the scratch job ${job.id ?? job.uuid} (uuid ${job.uuid}).`);
  for (const job of scratch.left) reporter.warn(`The scratch job ${job.id === undefined ? '' : `${job.id} `}(uuid ${job.uuid}, "${SCRATCH_TITLE}") may still be there: delete it in Coredination.`);
  if (scratch.unseen) reporter.warn(unseenWarning(scratch.unseen));
}

/**
 * Checks the account the client is configured for against each assumption the tool makes about
 * the API (src/api/assumptions.ts): read-only in at most seven requests (`/version`, the first page
 * of the tool's size, four pages of two, one job read alone); with `write`, two scratch draft jobs
 * are made, asked about and removed, also when a check fails or the run is stopped. A key that
 * is refused or a server that cannot be reached throws, as for every command; a query the
 * server refuses is a finding. The result has one line per assumption, and the attributes of the
 * jobs listed first.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { client } = options;
  const reporter = options.reporter ?? silentReporter;
  const now = options.now ?? Date.now;
  const probe = new Probe(client, reporter, options.signal);
  reporter.info(`Checking the account at ${client.baseUrl} against what coredination-batch assumes of the API (${options.write ? 'with --write: two scratch draft jobs, removed after' : 'read-only'})…`);

  const server = await probe.version();
  const paging = await checkPaging(probe, now());
  const found = new Map<string, CheckResult>([
    ['key', holds('key', `sent as the ${API_KEY_HEADER} header, GET /version and GET /job accepted it`)],
    ['limit', paging.limit],
    ['offset', paging.offset],
    ['modified', paging.modified],
    ['list-fields', await checkListFields(probe, paging.first)],
    ['all-day-dates', checkAllDayDates(paging.first)],
  ]);

  let writes: WriteFindings | undefined;
  let scratch: ScratchReport | undefined;
  if (options.write) {
    const made = new Scratch();
    try {
      writes = await checkWrites(probe, made, now());
    } catch (error) {
      tellScratch(reporter, await made.removeAll(probe.unstoppable()));
      throw error;
    }
    // Normally nothing is left: the delete check removed both.
    scratch = await made.removeAll(probe.unstoppable());
  }
  found.set('states', checkStates(paging.first, writes?.draft));
  for (const check of writes?.checks ?? []) found.set(check.id, check);
  for (const id of WRITE_CHECKS) if (!found.has(id)) found.set(id, notChecked(id, 'needs --write'));

  return {
    baseUrl: client.baseUrl,
    server,
    write: options.write === true,
    checks: CHECK_IDS.map((id) => found.get(id) as CheckResult),
    sample: countAttributes(paging.first),
    ...(scratch ? { scratch } : {}),
    requests: probe.requests,
  };
}
