// Every answer checked: a write counts as done only when its answer is the job sent, a lookup as
// found only when it returns that job. Against the sandbox's hostile answers, and without them.
import { describe, expect, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { RateGate } from '../src/api/rate-gate.js';
import { readJob } from '../src/api/read-job.js';
import { ApiError } from '../src/errors.js';
import { runImport } from '../src/import/run-import.js';
import { Uploader } from '../src/import/uploader.js';
import { loadMapping } from '../src/mapping/load-mapping.js';
import type { SandboxOptions } from '../src/sandbox/server.js';
import { readAll, tempDir } from './helpers/files.js';
import { jobsCsv } from './helpers/jobs-file.js';
import { cliProcess } from './helpers/cli.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const FAST = { baseDelayMs: 5, maxDelayMs: 20 };
const UUID = '5d7e9f1a-0b9a-4f7e-8c1d-2b3c4d5e6f70';

async function serverAnd(options: SandboxOptions) {
  const s = await sandbox(options);
  return { s, api: createClient({ baseUrl: s.url, apiKey: KEY, retry: FAST }) };
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a rejection');
}

describe('a write redirected (303) to a login page that answers 200 JSON', () => {
  test('is not followed, and not taken for created: its outcome is unknown', async () => {
    const { s, api } = await serverAnd({ quirks: ['redirect-writes'] });
    const error = await caught(api.createJob({ title: 'Byte av blandare', uuid: UUID }));
    expect(error).toMatchObject({ code: 'HTTP', status: 303, outcomeUnknown: true });
    expect(error.message).toBe('The server answered POST /job with a redirect (303 to /login), not followed: the job may or may not have been created.');
    expect(s.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/1/job']);
    const put = await caught(api.putJob(UUID, { title: 'x' }));
    expect(put).toMatchObject({ status: 303, outcomeUnknown: true });
    expect(s.jobs()).toEqual([]);
  });

  test('the uploader leaves the row unknown, with the reason', async () => {
    const { api } = await serverAnd({ quirks: ['redirect-writes'] });
    const uploader = new Uploader(api, new RateGate(Number.POSITIVE_INFINITY), { concurrency: 2, retry: FAST });
    const [post, put] = await Promise.all([uploader.send({ title: 'a', uuid: UUID }, undefined, () => undefined), uploader.send({ title: 'b' }, UUID, () => undefined)]);
    expect(post).toMatchObject({ outcome: 'unknown', status: 303, reason: expect.stringMatching(/redirect \(303 to \/login\), not followed: the job may or may not have been created/) });
    expect(put).toMatchObject({ outcome: 'unknown', status: 303, reason: expect.stringMatching(/not followed: it may or may not have been applied/) });
    expect(uploader.fatal).toBeUndefined();
  });

  test('an import leaves every row unknown (settled by the next run), where without the redirect each is created', async () => {
    const { mapping } = await loadMapping();
    for (const [quirks, outcome] of [[['redirect-writes'], 'unknown'], [[], 'created']] as const) {
      const { s, api } = await serverAnd({ quirks: [...quirks] });
      // The server is known to keep the uuids POSTs carry: a lookup that finds nothing proves the row was not made.
      const summary = await runImport({ file: await jobsCsv(await tempDir(), 3), mapping, client: api, rate: 0, retry: FAST, stateDir: await tempDir(), postKeepsUuid: true });
      expect(summary.counts[outcome]).toBe(3);
      const results = await readAll(summary.resultsFile as string);
      expect(results.rows.map((r) => r.cells[1])).toEqual([outcome, outcome, outcome]);
      expect(s.jobs()).toHaveLength(outcome === 'created' ? 3 : 0);
    }
  });
});

describe('a first run on a server whose every POST goes unanswered', () => {
  // A process of its own: the fault was a process exiting 13 (a lookup waiting on a timer that did
  // not hold the event loop, for an answer no POST would give), which no in-process run shows.
  test.each([[{ dropBeforeCommit: 1 }], [{ quirks: ['redirect-writes'] as SandboxOptions['quirks'] }]])('%j: every row unknown, said, results written, exit 3, at once', async (faults: SandboxOptions) => {
    const s = await sandbox({ ...faults, recordRequests: true });
    const dir = await tempDir();
    const file = await jobsCsv(dir, 3);
    const run = await cliProcess(['import', file, '--json', '--rate', '0', '--base-url', s.url], { COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: await tempDir() });
    expect(run.code).toBe(3);
    const summary = JSON.parse(run.stdout) as { counts: Record<string, number>; resultsFile: string };
    expect(summary.counts.unknown).toBe(3);
    expect((await readAll(summary.resultsFile)).rows.map((r) => r.cells[1])).toEqual(['unknown', 'unknown', 'unknown']);
  });
});

describe('answers with status 200 that are not a job', () => {
  test('HTML to a POST: unknown, with the start of the page; to a GET: an error, never "the connection was lost"', async () => {
    const { api } = await serverAnd({ quirks: ['html'] });
    const post = await caught(api.createJob({ title: 'x' }));
    expect(post).toMatchObject({ status: 200, outcomeUnknown: true });
    expect(post.message).toBe("The server answered POST /job with something that is not a job (it starts with '<!DOCTYPE html> <html><head><title>Sign …'): the job may or may not have been created.");
    const get = await caught(api.getJob(UUID));
    expect(get).toMatchObject({ status: 200, outcomeUnknown: false });
    expect(get.message).toMatch(/^The server answered GET \/job\/5d7e9f1a-0b9a-4f7e-8c1d-2b3c4d5e6f70 with something that is not a job \(it starts with '<!DOCTYPE html>/);
    expect(get.message).not.toMatch(/connection/);
    expect(get.hint).toMatch(/Check the base URL \(http:\/\/127\.0\.0\.1:\d+\/api\/1\)/);
  });

  test('a lookup answered 200 {} is neither found nor missing: an error', async () => {
    const { api } = await serverAnd({ quirks: ['empty-lookup'] });
    const error = await caught(readJob(api, UUID));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe(`The server answered GET /job/${UUID} with something that is not a job (it is {}).`);
  });

  test('without the quirk, a lookup is the job, or null when there is none', async () => {
    const { api } = await serverAnd({});
    expect(await readJob(api, UUID)).toBeNull();
    await api.putJob(UUID, { title: 'Finns' });
    expect(await readJob(api, UUID)).toMatchObject({ uuid: UUID, title: 'Finns' });
  });

  test('a lost answer looked up and answered {} leaves the row unknown, where a real lookup settles it', async () => {
    const { mapping } = await loadMapping();
    for (const [quirks, settled] of [[['empty-lookup'], false], [[], true]] as const) {
      const { s, api } = await serverAnd({ dropAfterCommit: 1, quirks: [...quirks] });
      const summary = await runImport({ file: await jobsCsv(await tempDir(), 2), mapping, client: api, rate: 0, retry: FAST, stateDir: await tempDir() });
      expect(s.jobs()).toHaveLength(2);
      if (settled) expect(summary.counts.created).toBe(2);
      else expect(summary.counts.unknown).toBe(2);
    }
  });

  test('a POST answered with the server’s own uuid (it ignores the client’s) and an id counts as created', async () => {
    const { api } = await serverAnd({ ignorePostUuid: true });
    const job = await api.createJob({ title: 'x', uuid: UUID });
    expect(job.uuid).not.toBe(UUID);
    expect(typeof job.id).toBe('number');
  });
});

describe('one read, bounded', () => {
  test('a read that keeps failing makes at most the policy’s retries, plus the first try', async () => {
    const { s, api } = await serverAnd({ failRate: 1, seed: 3 });
    await expect(readJob(api, UUID, { retry: { limit: 2, throttleLimit: 3 } })).rejects.toThrow(ApiError);
    expect(s.requests.length).toBeLessThanOrEqual(4);
    expect(s.requests.length).toBeGreaterThan(1);
  });
});
