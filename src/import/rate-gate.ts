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

/**
 * Spaces request starts to at most `current` per second, and adapts it to the server: on 429 or
 * 503 every sender pauses for Retry-After (or a backoff) and the rate halves; after each calm
 * second it climbs back by a tenth of the ceiling (additive increase, multiplicative decrease).
 * A ceiling of Infinity means no cap until the server pushes back.
 */
export class RateGate {
  /** Requests per second allowed now. */
  current: number;
  private nextStart = 0;
  private pausedUntil = 0;
  private lastChange = 0;
  private readonly starts: number[] = [];
  throttles = 0;

  constructor(
    readonly ceiling: number,
    private readonly clock: Clock = realClock,
    readonly floor = 0.5,
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
        while ((this.starts[0] ?? now) < now - 1000) this.starts.shift();
        return;
      }
      await this.clock.sleep(at - now, signal);
      if (signal?.aborted) return;
    }
  }

  /** The server said slow down: pause everyone and halve the rate. */
  throttled(waitMs: number): void {
    const now = this.clock.now();
    this.throttles++;
    this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
    const observed = Math.max(this.starts.length, 1);
    this.current = Math.max(this.floor, Math.min(Number.isFinite(this.current) ? this.current : observed, observed) / 2);
    this.nextStart = this.pausedUntil;
    this.lastChange = now + waitMs;
  }

  private climb(): void {
    if (this.current >= this.ceiling) return;
    const now = this.clock.now();
    if (now - this.lastChange < 1000) return;
    const step = Number.isFinite(this.ceiling) ? Math.max(this.ceiling / 10, 0.5) : Math.max(this.current / 10, 1);
    this.current = this.current + step;
    // Without a ceiling, once well past the rate the server pushed back at, stop spacing at all.
    if (this.current >= this.ceiling || (!Number.isFinite(this.ceiling) && this.current > 1000)) this.current = this.ceiling;
    this.lastChange = now;
  }
}
