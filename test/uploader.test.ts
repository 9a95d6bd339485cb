// The uploader's requests through the one retry engine and the shared rate gate, over HTTP.
import { describe, expect, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { RateGate } from '../src/api/rate-gate.js';
import { Uploader } from '../src/import/uploader.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const FAST = { baseDelayMs: 5, maxDelayMs: 20 };

describe('the uploader under 429s', () => {
  test('everyone pauses, the progress hears until when, and after the pause the senders resume one at a time', async () => {
    const s = await sandbox({ rateLimit: 5, retryAfter: 1 });
    const api = createClient({ baseUrl: s.url, apiKey: KEY });
    const gate = new RateGate(Number.POSITIVE_INFINITY);
    const paused: number[] = [];
    const uploader = new Uploader(api, gate, { concurrency: 4, retry: FAST, onRetry: (r) => void (r.paused !== undefined && paused.push(r.paused - Date.now())) });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => uploader.send({ title: `Jobb ${i}` }, undefined, () => undefined)));
    expect(results.every((r) => r.outcome === 'created')).toBe(true);
    expect(s.jobs()).toHaveLength(12);
    expect(paused.length).toBeGreaterThan(0);
    expect(Math.max(...paused)).toBeGreaterThan(500);
    expect(Math.max(...paused)).toBeLessThanOrEqual(1000);
    // The first request after a pause goes alone: the next one starts only once it is answered.
    const first429 = s.requests.find((r) => r.status === 429) as { end: number };
    const after = s.requests.filter((r) => r.start >= first429.end + 900).sort((a, b) => a.start - b.start);
    expect(after[0]?.status).toBe(200);
    expect(after[1]?.start).toBeGreaterThanOrEqual(after[0]?.end as number);
  });

  test('a key refused stops the run: that row failed, the rows after it not sent', async () => {
    const s = await sandbox();
    const api = createClient({ baseUrl: s.url, apiKey: 'wrong-key' });
    const uploader = new Uploader(api, new RateGate(Number.POSITIVE_INFINITY), { concurrency: 1, retry: FAST });
    const results = await Promise.all([uploader.send({ title: 'a' }, undefined, () => undefined), uploader.send({ title: 'b' }, undefined, () => undefined)]);
    expect(results.map((r) => r.outcome)).toEqual(['failed', 'not-sent']);
    expect(uploader.fatal?.code).toBe('AUTH');
    expect(s.requests).toHaveLength(1);
  });

  test('a 406 rejects the row with the server’s words; a 500 to a POST leaves it unknown, not sent again', async () => {
    const s = await sandbox({ errorAfterCommit: 1 });
    const api = createClient({ baseUrl: s.url, apiKey: KEY });
    const uploader = new Uploader(api, new RateGate(Number.POSITIVE_INFINITY), { concurrency: 2, retry: FAST });
    const rejected = await uploader.send({ title: 5 as unknown as string }, undefined, () => undefined);
    expect(rejected).toEqual({ outcome: 'rejected', reason: 'Attribute title must be a string', status: 406 });
    const unknown = await uploader.send({ title: 'x' }, undefined, () => undefined);
    expect(unknown).toMatchObject({ outcome: 'unknown', status: 500, reason: expect.stringMatching(/answered 500: Internal server error: the job may or may not have been created$/) });
    expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(s.jobs()).toHaveLength(1);
  });

  test('stopped by its signal while waiting out a pause: a row sent is unknown, one never sent is not-sent', async () => {
    const s = await sandbox({ rateLimit: 1, retryAfter: 60 });
    const api = createClient({ baseUrl: s.url, apiKey: KEY });
    const controller = new AbortController();
    const uploader = new Uploader(api, new RateGate(Number.POSITIVE_INFINITY), { concurrency: 1, retry: FAST, signal: controller.signal });
    const first = await uploader.send({ title: 'a' }, undefined, () => undefined);
    expect(first.outcome).toBe('created');
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const [second, third] = await Promise.all([uploader.send({ title: 'b' }, undefined, () => undefined), uploader.send({ title: 'c' }, undefined, () => undefined)]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(second.outcome).toBe('unknown'); // it was sent, met a 429, and the run stopped in the pause
    expect(third.outcome).toBe('not-sent');
  });
});
