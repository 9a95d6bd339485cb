import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { runImport, type ImportOptions } from '../src/import/run-import.js';
import { describeImport } from '../src/cli/render/import-summary.js';
import { keyNamespace, uuidForKey } from '../src/import/key-uuid.js';
import { loadMapping } from '../src/mapping/load-mapping.js';
import { cellText } from '../src/readers/cell.js';
import type { Sandbox } from '../src/sandbox/server.js';
import { readAll, tempDir } from './helpers/files.js';
import { jobsCsv } from './helpers/jobs-file.js';
import { KEY, sandbox, untrustedServer } from './helpers/sandbox.js';
import { STATE_DIR } from './helpers/state-dir.js';

const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50 };

async function importInto(s: Sandbox, file: string, extra: Partial<ImportOptions> = {}) {
  const { mapping } = await loadMapping();
  return runImport({
    file,
    mapping,
    client: createClient({ baseUrl: s.url, apiKey: KEY }),
    rate: 0,
    concurrency: 8,
    retry: FAST_RETRY,
    stateDir: STATE_DIR,
    ...extra,
  });
}

/** The reference numbers of the sandbox's jobs: every row once means no duplicates. */
function references(s: Sandbox): string[] {
  return s.jobs().map((j) => j.referenceNo as string).sort();
}

const expectedRefs = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1).padStart(7, '0'));

describe('import', () => {
  test('every row created once; results hold every row with outcome, id and uuid; a re-run skips them all', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const file = await jobsCsv(dir, 50);
    const first = await importInto(s, file);
    expect(first.status).toBe('done');
    expect(first.counts).toMatchObject({ created: 50, rejected: 0, failed: 0, unknown: 0 });
    expect(references(s)).toEqual(expectedRefs(50));
    const results = await readAll(first.resultsFile as string);
    expect(results.header.slice(0, 8)).toEqual(['Row', 'Outcome', 'Job id', 'UUID', 'Changed', 'Reason', 'Run', 'Title']);
    expect(results.rows.map((r) => r.cells[0])).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 2)));
    expect(results.rows.every((r) => r.cells[1] === 'created' && /^\d+$/.test(cellText(r.cells[2])))).toBe(true);

    const again = await importInto(s, file);
    expect(again.counts).toMatchObject({ skipped: 50, created: 0 });
    expect(s.jobs()).toHaveLength(50);
  });

  test('concurrency and rate are never exceeded (the sandbox records every request)', async () => {
    const s = await sandbox({ latency: 30 });
    const file = await jobsCsv(await tempDir(), 40);
    const summary = await importInto(s, file, { concurrency: 3, rate: 20 });
    expect(summary.counts.created).toBe(40);
    expect(s.maxInFlight()).toBeLessThanOrEqual(3);
    const starts = s.requests.map((r) => r.start).sort((a, b) => a - b);
    let most = 0;
    for (let i = 0; i < starts.length; i++) most = Math.max(most, starts.filter((t) => t >= (starts[i] as number) && t < (starts[i] as number) + 1000).length);
    expect(most).toBeLessThanOrEqual(21); // 20 per second; one of tolerance for arrival jitter
  });

  test('429 with Retry-After is honoured: everyone pauses, every row still created once', async () => {
    const s = await sandbox({ rateLimit: 10, retryAfter: 1 });
    const file = await jobsCsv(await tempDir(), 25);
    const summary = await importInto(s, file, { concurrency: 8, rate: 0 });
    expect(summary.counts.created).toBe(25);
    expect(summary.throttles).toBeGreaterThan(0);
    expect(references(s)).toEqual(expectedRefs(25));
    // after the first 429 (Retry-After: 1) every sender pauses: a second with no request at all
    const first429 = s.requests.find((r) => r.status === 429) as { end: number };
    const starts = s.requests.map((r) => r.start).filter((t) => t >= first429.end).sort((a, b) => a - b);
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] as number));
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(900);
  });

  test('keyed rows (PUT) under 429s: the uploader, not the client, retries, so every sender slows down', async () => {
    const s = await sandbox({ rateLimit: 10, retryAfter: 1 });
    const file = await jobsCsv(await tempDir(), 25);
    const summary = await importInto(s, file, { mapping: { ...(await loadMapping()).mapping, key: 'Reference no' } });
    expect(summary.counts.created).toBe(25);
    expect(summary.throttles).toBeGreaterThan(0);
    expect(references(s)).toEqual(expectedRefs(25));
  });

  test('failRate 0.2: every row created exactly once', async () => {
    const s = await sandbox({ failRate: 0.2, seed: 4 });
    const file = await jobsCsv(await tempDir(), 120);
    const summary = await importInto(s, file);
    expect(summary.counts).toMatchObject({ created: 120, unknown: 0, failed: 0 });
    expect(summary.retries).toBeGreaterThan(10);
    expect(references(s)).toEqual(expectedRefs(120));
  });

  test('dropAfterCommit with a key: PUT is repeated and every row ends exactly once', async () => {
    const s = await sandbox({ dropAfterCommit: 0.3, seed: 2 });
    const file = await jobsCsv(await tempDir(), 60);
    // Enough retries that no row's every answer is lost (the drops fall in arrival order, which varies).
    const summary = await importInto(s, file, { mapping: { ...(await loadMapping()).mapping, key: 'Reference no' }, retry: { ...FAST_RETRY, limit: 12 } });
    expect(summary.counts.unknown).toBe(0);
    expect(summary.counts.created + summary.counts.updated).toBe(60);
    expect(references(s)).toEqual(expectedRefs(60));
    const namespace = keyNamespace(s.url, 'referenceNo');
    expect(s.jobs().map((j) => j.uuid).sort()).toEqual(expectedRefs(60).map((k) => uuidForKey(k, namespace)).sort());
  });

  test('dropAfterCommit without a key: each lost answer is settled by looking up the uuid the POST carried; no duplicate', async () => {
    const s = await sandbox({ dropAfterCommit: 0.25, seed: 6 });
    const file = await jobsCsv(await tempDir(), 60);
    const first = await importInto(s, file);
    expect(first.counts).toMatchObject({ created: 60, unknown: 0 });
    expect(references(s)).toEqual(expectedRefs(60)); // the dropped ones were stored: none sent twice
    const results = await readAll(first.resultsFile as string);
    const settled = results.rows.filter((r) => cellText(r.cells[5]).includes('found on the server by its uuid'));
    expect(settled.length).toBeGreaterThan(5);

    s.setFaults({ dropAfterCommit: 0 });
    const second = await importInto(s, file);
    expect(second.counts).toMatchObject({ skipped: 60, unknown: 0, created: 0 });
    expect(references(s)).toEqual(expectedRefs(60));
  });

  test('dropBeforeCommit without a key: a lost row is looked up by its uuid, not there, and sent again, never twice', async () => {
    const s = await sandbox({ dropBeforeCommit: 0.25, seed: 8 });
    const file = await jobsCsv(await tempDir(), 40);
    const first = await importInto(s, file);
    expect(first.counts).toMatchObject({ created: 40, unknown: 0 });
    expect(references(s)).toEqual(expectedRefs(40));
    s.setFaults({ dropBeforeCommit: 0 });
    const second = await importInto(s, file);
    expect(second.counts).toMatchObject({ created: 0, skipped: 40 });
    expect(references(s)).toEqual(expectedRefs(40));
  });

  test('406 answers are the row\'s fault: rejected with the server message, in the errors file; the run goes on', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const file = await jobsCsv(dir, 10);
    const { mapping } = await loadMapping();
    // a description that is not a string: the sandbox answers 406 for every row that sends it
    mapping.columns.push({ field: 'description', value: 5, aliases: [], required: false, trim: true, readOnly: false, type: 'integer' });
    const summary = await importInto(s, file, { mapping });
    expect(summary.counts.rejected).toBe(10);
    const errors = await readAll(summary.errorsFile as string);
    expect(errors.rows).toHaveLength(10);
    expect(errors.rows[0]?.cells.at(-1)).toBe('Attribute description must be a string');
  });

  test('invalid rows stop the run before anything is sent; --skip-invalid sends the rest and reports them rejected', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const file = path.join(dir, 'mixed.csv');
    await (await import('node:fs/promises')).writeFile(file, 'Title;Start\nEtt;2026-03-01 08:00\n;2026-03-01 09:00\nTre;tomorrow\nFyra;2026-03-01 10:00\n');
    const stopped = await importInto(s, file);
    expect(stopped.status).toBe('invalid');
    expect(s.requests).toHaveLength(0);
    const skipped = await importInto(s, file, { skipInvalid: true });
    expect(skipped.counts).toMatchObject({ created: 2, rejected: 2 });
    expect(s.jobs().map((j) => j.title).sort()).toEqual(['Ett', 'Fyra']);
  });

  test('a file too large to keep is read again for sending, with the same outcomes (a repeated key stays rejected)', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'keyed.csv');
    const lines = ['Title;Reference no', ...Array.from({ length: 30 }, (_, i) => `Jobb ${i + 1};${String(i + 1).padStart(7, '0')}`), 'Dubblett;0000007'];
    await (await import('node:fs/promises')).writeFile(file, `${lines.join('\n')}\n`);
    const { mapping } = await loadMapping();
    mapping.key = 'Reference no';
    const outcomes = async (keepRows: number) => {
      const s = await sandbox();
      const summary = await importInto(s, file, { mapping, skipInvalid: true, keepRows, fresh: true, resultsFile: path.join(dir, `results-${keepRows}.csv`) });
      const results = await readAll(summary.resultsFile as string);
      return { counts: summary.counts, jobs: s.jobs().length, outcomes: results.rows.map((r) => `${cellText(r.cells[0])} ${cellText(r.cells[1])}`) };
    };
    const kept = await outcomes(1000);
    const readAgain = await outcomes(10);
    expect(kept.counts).toMatchObject({ created: 30, rejected: 1 });
    expect(kept.jobs).toBe(30);
    expect(readAgain).toEqual(kept);
  });

  test('--limit sends only the first N valid rows; the next run sends the rest', async () => {
    const s = await sandbox();
    const file = await jobsCsv(await tempDir(), 20);
    const canary = await importInto(s, file, { limit: 5 });
    expect(canary.limited).toBe(true);
    expect(canary.counts.created).toBe(5);
    expect(references(s)).toEqual(expectedRefs(5));
    const rest = await importInto(s, file);
    expect(rest.counts).toMatchObject({ skipped: 5, created: 15 });
  });

  test('a server certificate the machine does not trust aborts the run at once, nothing retried', async () => {
    const server = await untrustedServer();
    const file = await jobsCsv(await tempDir(), 20);
    const { mapping } = await loadMapping();
    const summary = await runImport({ file, mapping, client: createClient({ baseUrl: server.url, apiKey: KEY }), rate: 0, concurrency: 4, retry: FAST_RETRY, stateDir: STATE_DIR });
    expect(summary.status).toBe('aborted');
    expect(summary.error?.message).toMatch(/TLS certificate was not accepted/);
    expect(summary.counts.unknown).toBe(0); // the handshake failed: nothing was sent
    expect(server.connections()).toBeLessThanOrEqual(4); // one attempt per row in flight
  });

  test('a refused key aborts the run with the journal intact', async () => {
    const s = await sandbox();
    const file = await jobsCsv(await tempDir(), 10);
    const { mapping } = await loadMapping();
    const summary = await runImport({ file, mapping, client: createClient({ baseUrl: s.url, apiKey: 'wrong', retry: { limit: 0 } }), rate: 0, stateDir: STATE_DIR });
    expect(summary.status).toBe('aborted');
    expect(summary.error?.code).toBe('AUTH');
    expect(s.jobs()).toHaveLength(0);
    expect(summary.journalFile).toBeDefined();
    // A run-wide failure is not the rows' fault: none goes to the errors file, all are in the results.
    expect(summary.errorsFile).toBeUndefined();
    expect(summary.counts).toMatchObject({ 'not-sent': 10, failed: 0 });
    const lines = describeImport(summary).join('\n');
    expect(lines).toContain('Run the same command again');
    expect(lines).not.toContain('fix them there');
  });

  test('an aborted signal stops sending; the re-run finishes the job', async () => {
    const s = await sandbox({ latency: 20 });
    const file = await jobsCsv(await tempDir(), 100);
    const controller = new AbortController();
    const run = importInto(s, file, { concurrency: 4, signal: controller.signal });
    setTimeout(() => controller.abort(), 150);
    const first = await run;
    expect(first.status).toBe('interrupted');
    expect(s.jobs().length).toBeLessThan(100);
    const second = await importInto(s, file);
    expect(second.status).toBe('done');
    expect(references(s)).toEqual(expectedRefs(100));
  });

  test('the key appears in no results or journal file', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const file = await jobsCsv(dir, 5);
    await importInto(s, file);
    for (const name of await readdir(dir)) expect(await readFile(path.join(dir, name), 'utf8')).not.toContain(KEY);
  });
});

describe('key uuids', () => {
  test('UUID v5 under the project namespace, stable; a uuid key is used as it is', () => {
    expect(uuidForKey('0010037')).toBe('84a519e6-4be0-5bfe-98c0-480974b83e91'); // as the uuid package computes it
    expect(uuidForKey(' Åsa ')).toBe('10636459-4054-554b-bbf9-0fa00776f445');
    expect(uuidForKey('6F772632-716C-4306-9C43-A8C3B7CF3C25')).toBe('6f772632-716c-4306-9c43-a8c3b7cf3c25');
  });
});
