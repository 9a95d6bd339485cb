import { setTimeout as sleep } from 'node:timers/promises';

/** Clock and sleep, injectable so that the arithmetic can be tested with fake timers. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};

/** How often the rate may change: at most one decrease a second, one increase a quarter second. */
const DECREASE_EVERY = 1000;
const INCREASE_EVERY = 250;

/**
 * Spaces request starts to at most `current` per second, and adapts it to the server: on 429 or
 * 503 every sender pauses for Retry-After (or a backoff) and the rate halves (at most once a
 * second, so a burst of refusals counts once); then it climbs back by a quarter every quarter
 * second without a refusal, up to the ceiling. A ceiling of Infinity means no cap until the
 * server pushes back, and no cap again once well past the rate it pushed back at.
 */
export class RateGate {
  /** Requests per second allowed now. */
  current: number;
  private nextStart = 0;
  private pausedUntil = 0;
  private lastDecrease = Number.NEGATIVE_INFINITY;
  private lastChange = 0;
  private pushedBackAt = 0;
  private readonly starts: number[] = [];
  private firstStart: number | undefined;
  throttles = 0;

  constructor(
    readonly ceiling: number,
    private readonly clock: Clock = realClock,
    readonly floor = 1,
  ) {
    this.current = ceiling;
  }

  /** Waits for the next free start slot. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      this.climb();
      const now = this.clock.now();
      const at = Math.max(this.pausedUntil, Number.isFinite(this.current) ? this.nextStart : 0);
      if (at <= now) {
        if (Number.isFinite(this.current)) this.nextStart = Math.max(now, this.nextStart) + 1000 / this.current;
        this.starts.push(now);
        this.firstStart ??= now;
        while ((this.starts[0] ?? now) <= now - 1000) this.starts.shift();
        return;
      }
      await this.clock.sleep(Math.ceil(at - now), signal);
      if (signal?.aborted) return;
    }
  }

  /** The server said slow down: pause everyone for `waitMs`, and halve the rate. */
  throttled(waitMs: number): void {
    const now = this.clock.now();
    this.throttles++;
    this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
    this.nextStart = Math.max(this.nextStart, this.pausedUntil);
    if (now - this.lastDecrease < DECREASE_EVERY) return;
    this.lastDecrease = now;
    this.lastChange = this.pausedUntil;
    // Without a cap, halve what was actually sent in the last second (or since the start).
    const span = Math.min(1000, Math.max(now - (this.firstStart ?? now), 100));
    const observed = (this.starts.filter((t) => t > now - 1000).length * 1000) / span;
    this.pushedBackAt = Number.isFinite(this.current) ? this.current : Math.max(observed, this.floor);
    this.current = Math.max(this.floor, this.pushedBackAt / 2);
  }

  private climb(): void {
    if (this.current >= this.ceiling) return;
    const now = this.clock.now();
    if (now - this.lastChange < INCREASE_EVERY) return;
    this.current += Math.max(1, this.current / 4);
    if (this.current >= this.ceiling || (!Number.isFinite(this.ceiling) && this.current > 4 * this.pushedBackAt)) this.current = this.ceiling;
    this.lastChange = now;
  }
}
