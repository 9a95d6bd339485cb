// The keyed import's index of the account, read through the listing proven complete, against the
// sandbox over HTTP with and without the switches.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { AccountIndex } from '../src/import/account-index.js';
import { generateJobs } from '../src/sandbox/generate-jobs.js';
import { runImport } from '../src/import/run-import.js';
import { loadMapping } from '../src/mapping/load-mapping.js';
import type { Sandbox, SandboxOptions } from '../src/sandbox/server.js';
import { tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const ATTRIBUTES = ['title', 'referenceNo'];

async function indexOf(options: SandboxOptions, pageSize = 100): Promise<{ s: Sandbox; index: AccountIndex }> {
  const s = await sandbox(options);
  const client = createClient({ baseUrl: s.url, apiKey: KEY, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  return { s, index: await AccountIndex.load(client, 'referenceNo', ATTRIBUTES, undefined, { pageSize }) };
}

/** The jobs a sandbox starts with (seed 1). */
const generated = (count: number) => generateJobs(count, { firstId: 100_001, seed: 1 });

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
    // The second reading was disturbed too (the sandbox's other user is at work in every listing).
    expect(index.reading.stillChanging).toMatch(/^the list shifted while it was read/);
    expect(Math.abs(index.size - 1490)).toBeLessThanOrEqual(10);
    expectEveryKeyFound(s, index);
    // The 10 deleted during the first reading are still matched, and marked: only it listed them
    // (as are those the second reading's own shift kept out of its sight).
    const deleted = generated(10);
    expect(deleted.every((job) => index.byJobUuid(job.uuid as string)?.unconfirmed === true)).toBe(true);
    expect(generated(1490).filter((job) => index.byJobUuid(job.uuid as string)?.unconfirmed === undefined).length).toBeGreaterThan(1400);
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

describe('a keyed import over such a listing, end to end', () => {
  /** A csv holding every job of the account by its referenceNo, each with a new title. */
  async function everyJobAgain(s: Sandbox): Promise<string> {
    const lines = ['Title;Reference no;Start;Duration'];
    for (const job of s.jobs()) lines.push(`${job.title} (ny);${job.referenceNo};2026-12-01 08:00;60`);
    const file = path.join(await tempDir(), 'again.csv');
    await writeFile(file, `${lines.join('\r\n')}\r\n`);
    return file;
  }

  const importKeyed = async (s: Sandbox, file: string) =>
    runImport({ file, mapping: { ...(await loadMapping()).mapping, key: 'Reference no' }, client: createClient({ baseUrl: s.url, apiKey: KEY }), rate: 0, concurrency: 8, retry: { baseDelayMs: 5, maxDelayMs: 20 }, stateDir: await tempDir() });

  /** referenceNos held by more than one job. */
  const doubled = (s: Sandbox) => {
    const count = new Map<string, number>();
    for (const job of s.jobs()) count.set(job.referenceNo as string, (count.get(job.referenceNo as string) ?? 0) + 1);
    return [...count].filter(([, n]) => n > 1);
  };

  test('pages capped at 50: every row matched and updated, not one job created', async () => {
    const s = await sandbox({ generate: 300, pageCap: 50 });
    const summary = await importKeyed(s, await everyJobAgain(s));
    expect(summary.counts).toMatchObject({ created: 0, updated: 300 });
    expect(s.jobs()).toHaveLength(300);
    expect(doubled(s)).toEqual([]);
  });

  test('10 jobs deleted and 10 made between the first and second page of 500: no key gets a second job', async () => {
    const s = await sandbox({ generate: 1490, churn: 10, latency: 5 });
    const file = await everyJobAgain(s);
    const summary = await importKeyed(s, file);
    // The 9 jobs that slid from the second page into the first were found by reading again: none
    // created. The 20 deleted meantime (10 in each reading) are rows whose job went away.
    expect(summary.counts).toMatchObject({ created: 0, updated: 1470, rejected: 20 });
    expect(doubled(s)).toEqual([]);
  }, 60_000);
});
