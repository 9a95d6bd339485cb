import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { RateGate, type Clock } from '../src/api/rate-gate.js';

/** A clock on jest's fake timers; a sleep ends early on its signal, as the real one does. */
const fakeClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    }),
};

/** `count` requests one after the other, each answered at once; when each started. */
async function startsOf(gate: RateGate, count: number): Promise<number[]> {
  const at: number[] = [];
  const run = (async () => {
    for (let i = 0; i < count; i++) {
      await gate.acquire();
      at.push(Date.now());
      gate.passed();
    }
  })();
  await jest.runAllTimersAsync();
  await run;
  return at;
}

beforeEach(() => {
  jest.useFakeTimers({ now: 0 });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('rate gate (fake timers: arithmetic only)', () => {
  test('spaces starts 1000/rate ms apart', async () => {
    const gate = new RateGate(10, fakeClock);
    expect(await startsOf(gate, 5)).toEqual([0, 100, 200, 300, 400]);
  });

  test('a throttle pauses everyone for Retry-After and halves the rate; it says until when', async () => {
    const gate = new RateGate(10, fakeClock);
    await startsOf(gate, 2);
    const now = Date.now();
    gate.throttled(2000);
    gate.throttled(2000); // a burst of refusals halves the rate once
    expect(gate.current).toBe(5);
    expect(gate.pausedUntil()).toBe(now + 2000);
    jest.setSystemTime(now + 2000);
    expect(gate.pausedUntil()).toBeUndefined();
  });

  test('after a pause the first request goes alone; the others follow, at the rate found, once it is answered', async () => {
    const gate = new RateGate(10, fakeClock);
    gate.throttled(1000);
    const started: [string, number][] = [];
    const senders = ['a', 'b', 'c'].map((name) => gate.acquire().then(() => started.push([name, Date.now()])));
    await jest.advanceTimersByTimeAsync(3000);
    expect(started).toEqual([['a', 1000]]);
    gate.passed(); // a's answer came
    await jest.advanceTimersByTimeAsync(1000);
    await Promise.all(senders);
    expect(started.map(([name]) => name)).toEqual(['a', 'b', 'c']);
    expect((started[2]?.[1] as number) - (started[1]?.[1] as number)).toBe(200); // 5 per second
  });

  test('a refused probe pauses again; a probe never answered holds the others 10 s at most', async () => {
    const gate = new RateGate(10, fakeClock);
    gate.throttled(1000);
    const started: string[] = [];
    void gate.acquire().then(() => started.push('a'));
    const b = gate.acquire().then(() => started.push('b'));
    await jest.advanceTimersByTimeAsync(1000);
    expect(started).toEqual(['a']);
    gate.throttled(1000); // the probe met a 429 too
    await jest.advanceTimersByTimeAsync(1500);
    expect(started).toEqual(['a', 'b']); // b is the next probe
    const c = gate.acquire().then(() => started.push('c'));
    await jest.advanceTimersByTimeAsync(9000);
    expect(started).toEqual(['a', 'b']);
    await jest.advanceTimersByTimeAsync(1500);
    await Promise.all([b, c]);
    expect(started).toEqual(['a', 'b', 'c']);
  });

  test('the rate found is kept for 30 s, then climbs a tenth every 5 s; refused again near it, it drops a tenth, not half', async () => {
    const gate = new RateGate(20, fakeClock);
    gate.throttled(1000);
    expect(gate.current).toBe(10);
    jest.setSystemTime(1000 + 29_000);
    await startsOf(gate, 1);
    expect(gate.current).toBe(10);
    jest.setSystemTime(1000 + 30_000);
    await startsOf(gate, 1);
    expect(gate.current).toBe(11);
    jest.setSystemTime(1000 + 34_000);
    await startsOf(gate, 1);
    expect(gate.current).toBe(11);
    jest.setSystemTime(1000 + 35_000);
    await startsOf(gate, 1);
    expect(gate.current).toBeCloseTo(12.1);
    gate.throttled(1000);
    expect(gate.current).toBeCloseTo(12.1 * 0.9);
  });

  test('without a ceiling: no spacing until pushed back, then half the observed rate, and no cap again once well past it', async () => {
    const gate = new RateGate(Number.POSITIVE_INFINITY, fakeClock);
    expect(await startsOf(gate, 50)).toEqual(new Array(50).fill(0));
    jest.setSystemTime(500);
    gate.throttled(0);
    expect(gate.current).toBe(50); // 50 starts in half a second: 100 per second, halved
    jest.setSystemTime(31_000);
    for (let second = 31; gate.current < Number.POSITIVE_INFINITY && second < 200; second += 5) {
      jest.setSystemTime(second * 1000);
      await startsOf(gate, 1);
    }
    expect(gate.current).toBe(Number.POSITIVE_INFINITY); // past 4 × 100: a tenth every 5 s, from 50
  });
});
