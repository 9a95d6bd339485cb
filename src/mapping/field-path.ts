/** `destinations[0].location.placeName` → ['destinations', 0, 'location', 'placeName']. */
export function parseFieldPath(path: string): (string | number)[] | undefined {
  if (!/^[A-Za-z_$][\w$]*(\[\d+\]|\.[A-Za-z_$][\w$]*)*$/.test(path)) return undefined;
  const parts: (string | number)[] = [];
  for (const match of path.matchAll(/([A-Za-z_$][\w$]*)|\[(\d+)\]/g)) parts.push(match[1] ?? Number(match[2]));
  return parts;
}

/** Sets a value at a path, creating the objects and arrays on the way. */
export function setPath(target: Record<string, unknown>, parts: readonly (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i] as string | number;
    const nextIsIndex = typeof parts[i + 1] === 'number';
    if (node[key] === undefined || node[key] === null || typeof node[key] !== 'object') node[key] = nextIsIndex ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[parts[parts.length - 1] as string | number] = value;
}

/** Reads the value at a path, or undefined. */
export function getPath(source: unknown, parts: readonly (string | number)[]): unknown {
  let node: unknown = source;
  for (const key of parts) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}
