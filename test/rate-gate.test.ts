import { describe, expect, jest, test } from '@jest/globals';
import { RateGate, type Clock } from '../src/api/rate-gate.js';

/** A clock on jest's fake timers. */
const fakeClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

async function startsOf(gate: RateGate, count: number): Promise<number[]> {
  const at: number[] = [];
  const run = (async () => {
    for (let i = 0; i < count; i++) {
      await gate.acquire();
      at.push(Date.now());
    }
  })();
  await jest.runAllTimersAsync();
  await run;
  return at;
}

describe('rate gate (fake timers: arithmetic only)', () => {
  test('spaces starts 1000/rate ms apart', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const gate = new RateGate(10, fakeClock);
      expect(await startsOf(gate, 5)).toEqual([0, 100, 200, 300, 400]);
    } finally {
      jest.useRealTimers();
    }
  });

  test('a throttle pauses everyone for Retry-After and halves the rate, then it climbs back to the ceiling', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const gate = new RateGate(10, fakeClock);
      await startsOf(gate, 2);
      gate.throttled(2000);
      gate.throttled(2000); // a burst of refusals halves the rate once
      expect(gate.current).toBe(5);
      const [first, second] = await startsOf(gate, 2);
      expect(first).toBeGreaterThanOrEqual(2100);
      expect((second as number) - (first as number)).toBeGreaterThanOrEqual(160); // 1000/5, climbing
      jest.setSystemTime(Date.now() + 5000);
      await startsOf(gate, 12);
      expect(gate.current).toBe(10);
    } finally {
      jest.useRealTimers();
    }
  });

  test('without a ceiling: no spacing until pushed back, then half the observed rate, then no cap again', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const gate = new RateGate(Number.POSITIVE_INFINITY, fakeClock);
      expect(await startsOf(gate, 50)).toEqual(new Array(50).fill(0));
      jest.setSystemTime(500);
      gate.throttled(0);
      expect(gate.current).toBe(50); // 50 starts in half a second: 100 per second, halved
      jest.setSystemTime(20_000);
      await startsOf(gate, 400); // climbing a quarter every quarter second: past 4 × 100 within 3 s
      expect(gate.current).toBe(Number.POSITIVE_INFINITY);
    } finally {
      jest.useRealTimers();
    }
  });
});
