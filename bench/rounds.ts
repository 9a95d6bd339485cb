// How the benchmarks compare contenders on a machine whose speed drifts by tens of percent from
// one minute to the next: each contender runs `ROUNDS` times, interleaved (a b a b a b), so that a
// slow spell touches all of them alike, and each keeps its best run (the least disturbed).

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

export const ROUNDS = 3;

/** A measured run of one contender. */
export interface Run {
  rows: number;
  seconds: number;
  /** Non-null cells read, when the run counted them. */
  cells?: number;
  /** Peak RSS of the run's own process, when it had one. */
  maxRssMb?: number;
}

/** The best run (most rows per second), with the highest peak RSS of all the runs. */
export interface Best extends Run {
  rate: number;
}

/** Runs each contender `rounds` times, interleaved; returns each one's best run, in order. */
export async function interleaved(contenders: (() => Promise<Run>)[], rounds = ROUNDS): Promise<Best[]> {
  const runs: Run[][] = contenders.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, contender] of contenders.entries()) runs[i]?.push(await contender());
  }
  return runs.map((all) => {
    const fastest = all.reduce((a, b) => (b.rows / b.seconds > a.rows / a.seconds ? b : a));
    const rss = all.map((r) => r.maxRssMb ?? 0);
    return { ...fastest, rate: fastest.rows / fastest.seconds, maxRssMb: Math.max(...rss) || undefined };
  });
}

/**
 * This process's own peak RSS in MB. On Linux `process.resourceUsage().maxRSS` is no good in a
 * child: the kernel carries the parent's peak at the fork over into the child's, so a child of a
 * 470 MB parent reports at least 470 MB. /proc/self/status's VmHWM is the peak of this process's
 * own memory since its exec; elsewhere, fall back to maxRSS.
 */
export function peakRssMb(): number {
  try {
    const kb = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * Each contender's median time over `rounds` runs taken in pairs (a b, a b, …), so that a slow
 * spell of the machine touches both alike: for ratios of whole commands to a baseline.
 */
export async function pairedMedians(contenders: (() => Promise<number>)[], rounds = 9): Promise<number[]> {
  const times: number[][] = contenders.map(() => []);
  for (let round = 0; round < rounds; round++) for (const [i, contender] of contenders.entries()) times[i]?.push(await contender());
  return times.map((all) => {
    const sorted = [...all].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] as number;
  });
}

const exec = promisify(execFile);

/** Seconds to start node and do nothing (`node -e 0`): the floor of any command. */
export async function nodeStart(): Promise<number> {
  const start = process.hrtime.bigint();
  await exec(process.execPath, ['-e', '0']);
  return Number(process.hrtime.bigint() - start) / 1e9;
}
