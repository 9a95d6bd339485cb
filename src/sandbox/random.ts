/** A small seeded generator (mulberry32), so that fault injection and generated data repeat. */
export function seededRandom(seed: number): () => number {
  // Bound once: a global looked up on every call is slow where the global object is a proxy (a vm
  // context, as jest's), and a generated account draws some fifty numbers a job.
  const { imul } = Math;
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One element of a non-empty list, chosen by `random`. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}
