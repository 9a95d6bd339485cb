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
