import { describe, expect, jest, test } from '@jest/globals';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelay } from '../src/api/retry-policy.js';

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, limit: 5 };

describe('retry policy', () => {
  test('backoff doubles, is capped, and jitters within the upper half', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });

  test('which failures are retried', () => {
    const random = () => 1;
    expect(retryDelay({ attempt: 1, method: 'POST', status: 503 }, policy, random)).toBe(0);
    expect(retryDelay({ attempt: 1, method: 'POST', networkCode: 'ECONNRESET' }, policy, random)).toBe(0);
    expect(retryDelay({ attempt: 1, method: 'GET', networkCode: 'ECONNRESET' }, policy, random)).toBe(100);
    expect(retryDelay({ attempt: 1, method: 'PUT', status: 503, retryAfterMs: 3000 }, policy, random)).toBe(3000);
    expect(retryDelay({ attempt: 2, method: 'GET', status: 429 }, policy, random)).toBe(200);
    expect(retryDelay({ attempt: 1, method: 'GET', status: 500 }, policy, random)).toBe(100);
    expect(retryDelay({ attempt: 2, method: 'GET', status: 500 }, policy, random)).toBe(0);
    expect(retryDelay({ attempt: 1, method: 'GET', status: 404 }, policy, random)).toBe(0);
    expect(retryDelay({ attempt: 1, method: 'GET', status: 406 }, policy, random)).toBe(0);
    expect(retryDelay({ attempt: 6, method: 'GET', status: 503 }, policy, random)).toBe(0);
    expect(retryDelay({ attempt: 1, method: 'GET', status: 429, retryAfterMs: 10 * 60_000 }, policy, random)).toBe(0);
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
