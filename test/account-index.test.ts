// The keyed import's index of the account, read through the listing proven complete, against the
// sandbox over HTTP with and without the switches.
import { describe, expect, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { AccountIndex } from '../src/import/account-index.js';
import type { Sandbox, SandboxOptions } from '../src/sandbox/server.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const ATTRIBUTES = ['title', 'referenceNo'];

async function indexOf(options: SandboxOptions, pageSize = 100): Promise<{ s: Sandbox; index: AccountIndex }> {
  const s = await sandbox(options);
  const client = createClient({ baseUrl: s.url, apiKey: KEY, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  return { s, index: await AccountIndex.load(client, 'referenceNo', ATTRIBUTES, undefined, { pageSize }) };
}

/** Every job of the account as it is now is found under its key. */
function expectEveryKeyFound(s: Sandbox, index: AccountIndex): void {
  const missing = s.jobs().filter((job) => !index.find(job.referenceNo as string).some((found) => found.uuid === job.uuid));
  expect(missing.map((job) => job.referenceNo)).toEqual([]);
}

describe('the account index', () => {
  test.each([[{}], [{ pageCap: 100 }]])('1,200 jobs read 500 a page from a sandbox %j: all of them, read once', async (switches: { pageCap?: number }) => {
    const { s, index } = await indexOf({ generate: 1200, ...switches }, 500);
    expect(index.size).toBe(1200);
    expect(index.reading).toEqual({ jobs: 1200, readings: 1 });
    expectEveryKeyFound(s, index);
  });

  test('10 jobs deleted (and 10 made) between pages, 20 ms latency: read again, and every key there at the end is found', async () => {
    const { s, index } = await indexOf({ generate: 1490, churn: 10, latency: 20 }, 300);
    expect(index.reading.readings).toBe(2);
    expect(index.reading.why).toMatch(/^the list shifted while it was read/);
    expect(s.jobs()).toHaveLength(1490);
    expectEveryKeyFound(s, index);
  });

  test('without the churn, the same account is read once', async () => {
    const { s, index } = await indexOf({ generate: 1490, latency: 20 }, 300);
    expect(index.reading).toEqual({ jobs: 1490, readings: 1 });
    expectEveryKeyFound(s, index);
  });

  test('a server that ignores modified makes every listing count as changed: read twice, noted', async () => {
    const { s, index } = await indexOf({ generate: 120, ignoreModified: true });
    expect(index.reading).toMatchObject({ jobs: 120, readings: 2, why: expect.stringMatching(/^the server ignores modified/), stillChanging: expect.stringMatching(/^the server ignores modified/) });
    expectEveryKeyFound(s, index);
  });

  test('a job listed without a uuid is a listing error, not left out', async () => {
    await expect(indexOf({ generate: 120, quirks: ['job-without-uuid'] })).rejects.toThrow(/^The server's answer to GET \/job \(offset 0, limit 100\) is not a list of jobs: element \d+ \(id \d+\) has no uuid/);
  });

  test('a job listed twice is one job: its key is held by one job, not two', async () => {
    const { s, index } = await indexOf({ generate: 120, quirks: ['job-listed-twice'] });
    expect(index.size).toBe(120);
    for (const job of s.jobs()) expect(index.find(job.referenceNo as string)).toHaveLength(1);
  });
});
