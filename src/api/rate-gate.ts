import { realClock, type Clock } from './clock.js';
import type { Gate } from './with-retry.js';

export type { Clock } from './clock.js';

/** A burst of refusals lowers the rate once: at most one decrease a second. */
const DECREASE_EVERY = 1000;
/** After a refusal the rate found is kept this long before it is tried a little higher. */
const KEEP_FOUND_MS = 30_000;
/** Then it climbs by a tenth this often, while nothing is refused. */
const CLIMB_EVERY = 5000;
/** Senders waiting for the first request after a pause give up waiting for its answer after this. */
const PROBE_PATIENCE_MS = 10_000;

/**
 * Spaces request starts to at most `current` per second, and adapts it to the server. On a 429 or
 * 503 every sender pauses for Retry-After (or a backoff), and the rate is lowered: halved the
 * first time (what the server allows is not known yet), by a tenth when refused again near the
 * rate found. After a pause the senders resume one at a time: the first request goes alone, and
 * the others follow (at the rate found) once it is answered, so that they do not all run into the
 * next 429 together. The rate found is kept for 30 s without a refusal, then tried a tenth higher
 * every 5 s up to the ceiling. A ceiling of Infinity means no cap until the server pushes back,
 * and none again once well past the rate it pushed back at.
 */
export class RateGate implements Gate {
  /** Requests per second allowed now. */
  current: number;
  private nextStart = 0;
  private pauseEnd = 0;
  private lastDecrease = Number.NEGATIVE_INFINITY;
  private lastChange = 0;
  private found: number | undefined;
  private refusedAt = 0;
  /** After a pause: one request at a time until one is answered. */
  private probing = false;
  private probeOut = false;
  /** Counts the probes sent, so that a wait for one ends on that one only. */
  private probes = 0;
  private climbed = false;
  private waiting: (() => void)[] = [];
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

  /** Until when every sender is paused (epoch ms), or undefined when no pause is on. */
  pausedUntil(): number | undefined {
    return this.pauseEnd > this.clock.now() ? this.pauseEnd : undefined;
  }

  /** Waits for the next free start slot. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) return;
      this.climb();
      const now = this.clock.now();
      const at = Math.max(this.pauseEnd, Number.isFinite(this.current) ? this.nextStart : 0);
      if (at <= now && this.probing && this.probeOut) {
        await this.probeAnswered(signal);
        continue;
      }
      if (at <= now) {
        if (Number.isFinite(this.current)) this.nextStart = Math.max(now, this.nextStart) + 1000 / this.current;
        if (this.probing) {
          this.probeOut = true;
          this.probes++;
        }
        this.starts.push(now);
        this.firstStart ??= now;
        while ((this.starts[0] ?? now) <= now - 1000) this.starts.shift();
        return;
      }
      await this.clock.sleep(Math.ceil(at - now), signal);
    }
  }

  /** The server said slow down: pause everyone for `waitMs`, and lower the rate. */
  throttled(waitMs: number): void {
    const now = this.clock.now();
    this.throttles++;
    this.pauseEnd = Math.max(this.pauseEnd, now + waitMs);
    this.nextStart = Math.max(this.nextStart, this.pauseEnd);
    this.lastChange = this.pauseEnd;
    this.climbed = false;
    // The next request after the pause goes alone (a refused one that was the probe ends its turn).
    this.probing = true;
    this.probeOut = false;
    this.wake();
    if (now - this.lastDecrease < DECREASE_EVERY) return;
    this.lastDecrease = now;
    // Without a cap, what was actually sent in the last second (or since the start) is the rate refused.
    const span = Math.min(1000, Math.max(now - (this.firstStart ?? now), 100));
    const observed = (this.starts.filter((t) => t > now - 1000).length * 1000) / span;
    const refusedAt = Number.isFinite(this.current) ? this.current : Math.max(observed, this.floor);
    this.found = this.found !== undefined && refusedAt <= this.found * 1.25 ? refusedAt * 0.9 : refusedAt / 2;
    this.refusedAt = refusedAt;
    this.current = Math.max(this.floor, this.found);
  }

  /** An attempt ended with anything but a refusal (answered, failed otherwise, or never sent). */
  passed(): void {
    if (!this.probing || !this.probeOut) return;
    this.probing = false;
    this.probeOut = false;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resume of waiting) resume();
  }

  private async probeAnswered(signal?: AbortSignal): Promise<void> {
    const probe = this.probes;
    const patience = new AbortController();
    const answered = new Promise<void>((resolve) => this.waiting.push(resolve));
    // A probe whose sender never reports (stopped before it left) must not hold everyone forever.
    await Promise.race([answered, this.clock.sleep(PROBE_PATIENCE_MS, signal ? AbortSignal.any([signal, patience.signal]) : patience.signal)]);
    patience.abort();
    if (this.probing && this.probeOut && this.probes === probe) {
      this.probing = false;
      this.probeOut = false;
      this.wake();
    }
  }

  private climb(): void {
    if (this.current >= this.ceiling) return;
    const now = this.clock.now();
    if (now - this.lastChange < (this.climbed ? CLIMB_EVERY : KEEP_FOUND_MS)) return;
    this.current = Math.min(this.ceiling, this.current * 1.1);
    // Without a ceiling, well past the rate once refused: no cap again.
    if (!Number.isFinite(this.ceiling) && this.current > 4 * this.refusedAt) this.current = this.ceiling;
    this.lastChange = now;
    this.climbed = true;
  }
}
