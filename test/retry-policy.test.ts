import { describe, expect, jest, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { backoffDelay, cappedRetryAfter, decideRetry, DEFAULT_RETRY_POLICY, parseRetryAfter, type FailedAttempt } from '../src/api/retry-policy.js';
import { RateGate } from '../src/api/rate-gate.js';
import { Uploader } from '../src/import/uploader.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, limit: 5 };

describe('retry policy', () => {
  test('backoff doubles, is capped, and jitters within the upper half', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });

  test('which failures are retried, after how long, and when a write is unknown', () => {
    const random = () => 1;
    const decide = (failure: FailedAttempt) => {
      const decision = decideRetry(failure, policy, random);
      return decision.action === 'wait' ? decision.ms : decision.action;
    };
    // 429 and 503: nothing was done, so any method waits, Retry-After first.
    expect(decide({ attempt: 1, method: 'POST', status: 503 })).toBe(100);
    expect(decide({ attempt: 1, method: 'PUT', status: 503, retryAfterMs: 3000 })).toBe(3000);
    expect(decide({ attempt: 2, method: 'GET', status: 429 })).toBe(200);
    expect(decide({ attempt: 1, method: 'GET', status: 429, retryAfterMs: 10 * 60_000 })).toBe(120_000);
    expect(decide({ attempt: 13, throttled: 13, method: 'GET', status: 429 })).toBe('give-up');
    // A network error: a POST that never left is sent again; one that may have landed is unknown.
    expect(decide({ attempt: 1, method: 'POST', networkCode: 'ECONNREFUSED', mayHaveLanded: false })).toBe(100);
    expect(decide({ attempt: 1, method: 'POST', networkCode: 'ECONNRESET', mayHaveLanded: true })).toBe('unknown');
    expect(decide({ attempt: 1, method: 'GET', networkCode: 'ECONNRESET', mayHaveLanded: true })).toBe(100);
    expect(decide({ attempt: 1, method: 'PUT', networkCode: 'ECONNRESET', mayHaveLanded: true })).toBe(100);
    expect(decide({ attempt: 6, method: 'PUT', networkCode: 'ECONNRESET', mayHaveLanded: true })).toBe('unknown');
    expect(decide({ attempt: 6, method: 'GET', networkCode: 'ECONNRESET', mayHaveLanded: true })).toBe('give-up');
    expect(decide({ attempt: 6, method: 'POST', networkCode: 'ECONNREFUSED', mayHaveLanded: false })).toBe('give-up');
    // 5xx: a POST may have been stored before the failure; the others are tried again.
    expect(decide({ attempt: 1, method: 'POST', status: 500, mayHaveLanded: true })).toBe('unknown');
    expect(decide({ attempt: 1, method: 'POST', status: 502, mayHaveLanded: true })).toBe('unknown');
    expect(decide({ attempt: 1, method: 'GET', status: 500 })).toBe(100);
    expect(decide({ attempt: 2, method: 'PUT', status: 504 })).toBe(200);
    expect(decide({ attempt: 6, method: 'PUT', status: 500 })).toBe('give-up');
    // Throttles do not use up the other retries.
    expect(decide({ attempt: 8, throttled: 5, method: 'GET', status: 500 })).toBe(400);
    // An answer that is not what was asked (a redirect, HTML, {}): unknown for a write, final for a read.
    expect(decide({ attempt: 1, method: 'POST', status: 303, mayHaveLanded: true })).toBe('unknown');
    expect(decide({ attempt: 1, method: 'PUT', status: 200, mayHaveLanded: true })).toBe('unknown');
    expect(decide({ attempt: 1, method: 'GET', status: 200 })).toBe('give-up');
    // Refusals of the request, and certificates, are final.
    for (const status of [400, 401, 403, 404, 406]) expect(decide({ attempt: 1, method: 'GET', status })).toBe('give-up');
    expect(decide({ attempt: 1, method: 'GET', networkCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' })).toBe('give-up');
  });

  test('Retry-After is capped, one rule for everyone', () => {
    expect(cappedRetryAfter(3000)).toBe(3000);
    expect(cappedRetryAfter(999_999_000)).toBe(120_000);
    expect(cappedRetryAfter(999_999_000, { ...policy, maxRetryAfterMs: 200 })).toBe(200);
    expect(cappedRetryAfter(-5)).toBe(0);
    expect(decideRetry({ attempt: 1, method: 'GET', status: 503, retryAfterMs: 999_999_000 }, policy)).toEqual({ action: 'wait', ms: 120_000, throttle: true });
  });

  test('Retry-After as seconds or as an HTTP date', () => {
    jest.useFakeTimers({ now: Date.parse('2026-03-01T08:00:00Z') });
    try {
      expect(parseRetryAfter('2')).toBe(2000);
      expect(parseRetryAfter('0')).toBe(0);
      expect(parseRetryAfter('Sun, 01 Mar 2026 08:00:05 GMT')).toBe(5000);
      expect(parseRetryAfter('soon')).toBeUndefined();
      expect(parseRetryAfter(undefined)).toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('a server asking to wait for days (Retry-After: 999999)', () => {
  const capped = { baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 200 };

  test('the import waits only the cap, then sends: every row created', async () => {
    const s = await sandbox({ rateLimit: 1, retryAfter: 999_999 });
    const client = createClient({ baseUrl: s.url, apiKey: KEY });
    const waits: number[] = [];
    const uploader = new Uploader(client, new RateGate(Number.POSITIVE_INFINITY), { concurrency: 3, retry: capped, onRetry: (r) => waits.push(r.delayMs) });
    const results = await Promise.all(['a', 'b', 'c'].map((title) => uploader.send({ title }, undefined, () => undefined)));
    expect(results.map((r) => r.outcome)).toEqual(['created', 'created', 'created']);
    expect(s.jobs()).toHaveLength(3);
    expect(waits.length).toBeGreaterThan(0);
    expect(Math.max(...waits)).toBeLessThanOrEqual(200);
  }, 15_000);

  test('the client waits the same cap and retries, where it used to give up', async () => {
    const s = await sandbox({ rateLimit: 1, retryAfter: 999_999 });
    const api = createClient({ baseUrl: s.url, apiKey: KEY, retry: { ...capped, limit: 10 } });
    await api.version();
    await api.version(); // 429 with Retry-After: 999999, then 200 within the next second
    expect(s.requests.map((r) => r.status)[1]).toBe(429);
    expect(s.requests.at(-1)?.status).toBe(200);
  }, 15_000);
});
