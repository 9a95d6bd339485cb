// The listing proven complete (src/api/list-jobs.ts), against the sandbox over HTTP with and
// without each of the switches a real server's paging may need.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { createClient, type ClientOptions } from '../src/api/client.js';
import type { Job, JobListing } from '../src/api/types.js';
import { ApiError, CdbError } from '../src/errors.js';
import { runExport } from '../src/export/run-export.js';
import { loadMapping } from '../src/mapping/load-mapping.js';
import type { SandboxOptions } from '../src/sandbox/server.js';
import { readAll, tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const FAST = { baseDelayMs: 5, maxDelayMs: 20 };

async function listAll(listing: JobListing): Promise<Job[]> {
  const jobs: Job[] = [];
  for await (const job of listing) jobs.push(job);
  return jobs;
}

async function failure(listing: JobListing): Promise<ApiError> {
  try {
    await listAll(listing);
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the listing to fail');
}

async function serverAnd(options: SandboxOptions, client: ClientOptions = {}) {
  const s = await sandbox(options);
  return { s, api: createClient({ baseUrl: s.url, apiKey: KEY, retry: FAST, ...client }) };
}

const uuids = (jobs: Job[]) => jobs.map((j) => j.uuid).sort();

describe('a capped page is not the end', () => {
  test.each([[{}], [{ pageCap: 100 }]])('1,200 jobs, limit 500, sandbox %j: every job, once', async (switches: { pageCap?: number }) => {
    const { s, api } = await serverAnd({ generate: 1200, ...switches });
    const listing = api.listJobs({ limit: 500 });
    const jobs = await listAll(listing);
    expect(jobs).toHaveLength(1200);
    expect(uuids(jobs)).toEqual(uuids(s.jobs()));
    expect(listing.report).toMatchObject({ jobs: 1200, pageSize: switches.pageCap ?? 500, changed: false });
  });

  test('an export of 1,200 jobs from a server capping pages at 100 writes all 1,200', async () => {
    const { s, api } = await serverAnd({ generate: 1200, pageCap: 100 });
    const out = path.join(await tempDir(), 'all.csv');
    const summary = await runExport({ client: api, mapping: (await loadMapping()).mapping, output: out, pageSize: 500, stateDir: await tempDir() });
    expect(summary.rows).toBe(1200);
    const written = await readAll(out);
    const column = written.header.indexOf('UUID');
    expect(new Set(written.rows.map((r) => r.cells[column])).size).toBe(1200);
    expect(s.requests.filter((r) => r.path.endsWith('/job')).every((r) => r.status === 200)).toBe(true);
  });
});

describe('a server that ignores offset', () => {
  test('with full pages: one message saying so, no endless listing', async () => {
    const { api } = await serverAnd({ generate: 50, ignoreOffset: true });
    const error = await failure(api.listJobs({ limit: 20 }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe('The server ignores offset: GET /job (offset 19, limit 20) brought only jobs already listed, starting again with the first one, so the list cannot be read page by page.');
  });

  test('a listing that brings more jobs than the limit for one listing: refused, not read on forever', async () => {
    const { api } = await serverAnd({ generate: 50 });
    const error = await failure(api.listJobs({ limit: 20, maxJobs: 30 }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe("The server's answer to GET /job listed more than 30 jobs, this tool's limit for one listing of an account.");
    expect(await listAll(api.listJobs({ limit: 20, maxJobs: 50 }))).toHaveLength(50);
  });

  test('with everything in its first page (it does not page at all): every job, from one request without paging', async () => {
    const { s, api } = await serverAnd({ generate: 5, ignoreOffset: true });
    const jobs = await listAll(api.listJobs({ limit: 20 }));
    expect(uuids(jobs)).toEqual(uuids(s.jobs()));
    expect(s.requests.filter((r) => r.path.endsWith('/job')).map((r) => r.query)).toEqual(['offset=0&limit=20', 'offset=4&limit=20', '', expect.stringMatching(/^modified=\d+&limit=20$/)]);
  });

  test('with pages capped too: one message saying so, never the first page taken for the account', async () => {
    const { api } = await serverAnd({ generate: 120, ignoreOffset: true, pageCap: 10 });
    const error = await failure(api.listJobs({ limit: 20 }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toMatch(/^The server ignores offset and gives at most 10 jobs a page: every page, and the list without paging, brought the same 10 jobs, and the account holds more \(job [0-9a-f-]{36} was not among them\), so the rest of the list cannot be read\.$/);
  });

  test('an export from such a server fails and writes nothing at its path', async () => {
    const { api } = await serverAnd({ generate: 120, ignoreOffset: true, pageCap: 10 });
    const out = path.join(await tempDir(), 'jobs.csv');
    await expect(runExport({ client: api, mapping: (await loadMapping()).mapping, output: out, pageSize: 20, stateDir: await tempDir() })).rejects.toThrow(/ignores offset and gives at most 10 jobs a page/);
    expect(existsSync(out)).toBe(false);
  });

  test('the same account with offset honoured: listed page by page, no request without paging', async () => {
    const { s, api } = await serverAnd({ generate: 50 });
    expect(await listAll(api.listJobs({ limit: 20 }))).toHaveLength(50);
    // 57: asked ahead while the page at 38 came, which turned out short; dropped, perhaps unanswered.
    const queries = s.requests.filter((r) => r.path.endsWith('/job')).map((r) => r.query.replace(/modified=\d+/, 'modified')).filter((query) => query !== 'offset=57&limit=20');
    expect(queries).toEqual(['offset=0&limit=20', 'offset=19&limit=20', 'offset=38&limit=20', 'offset=49&limit=20', 'modified&limit=20']);
  });
});

describe('an account that moves while it is read', () => {
  test('jobs deleted and added between pages: the listing says it changed, and why', async () => {
    const { api } = await serverAnd({ generate: 100, churn: 5 });
    const listing = api.listJobs({ limit: 20 });
    await listAll(listing);
    expect(listing.report.changed).toBe(true);
    expect(listing.report.why).toMatch(/^the list shifted while it was read \(the page at offset 19 did not start with job [0-9a-f-]+, the last one seen\)/);
  });

  test('a job changed behind the cursor is caught by the closing check of modified', async () => {
    const { s, api } = await serverAnd({ generate: 60 });
    const listing = api.listJobs({ limit: 20 });
    let seen = 0;
    for await (const _job of listing) {
      if (++seen === 30) await api.putJob(s.jobs()[2]?.uuid as string, { title: 'Ändrad under läsningen' });
    }
    expect(listing.report).toMatchObject({ jobs: 60, changed: true, why: `job ${s.jobs()[2]?.uuid} was added or changed while the list was read` });
  });

  test('a server that ignores modified: noted, the listing counted as changed', async () => {
    const { api } = await serverAnd({ generate: 30, ignoreModified: true });
    const listing = api.listJobs({ limit: 20 });
    expect(await listAll(listing)).toHaveLength(30);
    expect(listing.report.changed).toBe(true);
    expect(listing.report.why).toMatch(/^the server ignores modified/);
  });

  test('none of it: not changed', async () => {
    const { api } = await serverAnd({ generate: 30 });
    const listing = api.listJobs({ limit: 20 });
    await listAll(listing);
    expect(listing.report).toEqual({ jobs: 30, pages: 4, pageSize: 20, changed: false });
  });
});

describe('answers that are not a list of jobs: one message naming the page', () => {
  test.each([
    ['null-in-list', /^The server's answer to GET \/job \(offset 18, limit 10\) is not a list of jobs: element \d+ is null, not a job\.$/],
    ['job-without-uuid', /^The server's answer to GET \/job \(offset 18, limit 10\) is not a list of jobs: element \d+ \(id \d+\) has no uuid, so it cannot be told apart from the others\.$/],
    ['html', /^The server's answer to GET \/job \(offset 0, limit 10\) is not a list of jobs: it is not a JSON array \(it starts with '<!DOCTYPE html> <html><head>.*'\)\.$/],
  ] as const)('%s', async (quirk, message) => {
    const { api } = await serverAnd({ generate: 40, quirks: [quirk] });
    const error = await failure(api.listJobs({ limit: 10 }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/connection|bug/i);
    expect(error.hint).toMatch(/^Nothing was done with the list\./);
  });

  test('a job listed twice is one job', async () => {
    const { s, api } = await serverAnd({ generate: 40, quirks: ['job-listed-twice'] });
    const jobs = await listAll(api.listJobs({ limit: 10 }));
    expect(uuids(jobs)).toEqual(uuids(s.jobs()));
  });

  test('an export meeting a null writes nothing at its path', async () => {
    const { api } = await serverAnd({ generate: 40, quirks: ['null-in-list'] });
    const out = path.join(await tempDir(), 'jobs.xlsx');
    await expect(runExport({ client: api, mapping: (await loadMapping()).mapping, output: out, pageSize: 10, stateDir: await tempDir() })).rejects.toThrow(/is not a list of jobs: element \d+ is null/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('a listing that trickles, and one that is stopped', () => {
  test('one byte every 20 ms: the page times out after its total time, with a message', async () => {
    const { api } = await serverAnd({ generate: 3, trickle: 20 }, { pageTimeoutMs: 400, idleTimeoutMs: 1000 });
    const started = Date.now();
    const error = await failure(api.listJobs());
    expect(error.message).toMatch(/^The API at http:\/\/127\.0\.0\.1:\d+\/api\/1 took more than 0\.4 s to send one page of GET \/job \(offset 0, limit 500\) \(\d+ bytes came, in a trickle\), this tool's limit for a page\.$/);
    expect(Date.now() - started).toBeLessThan(2000); // not tried again: it would trickle again
  });

  test('the same listing without the trickle is read at once', async () => {
    const { api } = await serverAnd({ generate: 3 }, { pageTimeoutMs: 400, idleTimeoutMs: 1000 });
    expect(await listAll(api.listJobs())).toHaveLength(3);
  });

  test('an abort stops a listing at once, mid-page, with an INTERRUPTED error', async () => {
    const { s, api } = await serverAnd({ generate: 3, trickle: 50 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const error = await failure(api.listJobs({ signal: controller.signal }));
    expect(error).toBeInstanceOf(CdbError);
    expect(error.code).toBe('INTERRUPTED');
    expect(Date.now() - started).toBeLessThan(1000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(s.requests.filter((r) => r.path.endsWith('/job'))).toHaveLength(1); // its connection gone, nothing asked again
  });

  test('an abort during a retry wait ends it at once', async () => {
    const { api } = await serverAnd({ generate: 3, failRate: 1, retryAfter: 100 }, { retry: { ...FAST, maxRetryAfterMs: 100_000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const error = await failure(api.listJobs({ signal: controller.signal }));
    expect(error.code).toBe('INTERRUPTED');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
