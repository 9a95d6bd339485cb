// The memory a listing spends to tell a job seen twice among a million: its set of uuids
// (src/api/uuid-set.ts, 128 bits a job in flat arrays) beside a plain Set of the uuid strings, each
// fed uuids made one by one as a listing parses them (the strings are garbage for the first, kept
// by the second). Run with --expose-gc for exact figures (npm run bench does). Target: well under 100 MB.
import { randomUUID } from 'node:crypto';
import { UuidSet } from '../src/api/uuid-set.js';

const COUNT = 1_000_000;

function usedMb(): number {
  globalThis.gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 1048576;
}

function measure(add: (uuid: string) => void): { mb: number; seconds: number } {
  const before = usedMb();
  const start = process.hrtime.bigint();
  // As parsed from the listing's JSON: a string of its own each.
  for (let i = 0; i < COUNT; i++) add(JSON.parse(`"${randomUUID()}"`) as string);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { mb: usedMb() - before, seconds };
}

export async function seenSet(): Promise<void> {
  const ours = new UuidSet();
  const a = measure((uuid) => ours.add(uuid));
  const plain = new Set<string>();
  const b = measure((uuid) => plain.add(uuid));
  console.log(`${COUNT.toLocaleString('en')} jobs seen: the listing's set of uuids ${a.mb.toFixed(0)} MB (target well under 100 MB; ${a.seconds.toFixed(2)} s with the uuids made); a Set of the strings ${b.mb.toFixed(0)} MB (${b.seconds.toFixed(2)} s)${globalThis.gc ? '' : ' (no --expose-gc: rough)'}; ${ours.size} and ${plain.size} held`);
  await Promise.resolve();
}
