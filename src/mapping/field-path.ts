/** Stands for "every element" in a path such as `resources[].name` (joined in one cell). */
export const EACH = '[]';

/** `destinations[0].location.placeName` → ['destinations', 0, 'location', 'placeName']. */
export function parseFieldPath(path: string): (string | number)[] | undefined {
  if (!/^[A-Za-z_$][\w$]*(\[\d*\]|\.[A-Za-z_$][\w$]*)*$/.test(path)) return undefined;
  if (path.split(EACH).length > 2) return undefined;
  const parts: (string | number)[] = [];
  for (const match of path.matchAll(/([A-Za-z_$][\w$]*)|\[(\d*)\]/g)) parts.push(match[1] ?? (match[2] === '' ? EACH : Number(match[2])));
  return parts;
}

/**
 * Path segments that would reach an object's prototype (`__proto__.x` writes Object.prototype):
 * refused in mappings, and never written by setPath.
 */
export const UNSAFE_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/** The first segment of a parsed path that reaches a prototype, or undefined when it is safe. */
export function unsafeSegment(parts: readonly (string | number)[]): string | undefined {
  return parts.find((part): part is string => typeof part === 'string' && UNSAFE_SEGMENTS.has(part));
}

/**
 * Sets a value at a path, creating the objects and arrays on the way. A path through an unsafe
 * segment is not written at all: mappings refuse them when loaded, this guards every other caller.
 */
export function setPath(target: Record<string, unknown>, parts: readonly (string | number)[], value: unknown): void {
  if (unsafeSegment(parts) !== undefined) return;
  if (parts.length === 1) {
    target[parts[0] as string] = value;
    return;
  }
  let node: Record<string | number, unknown> = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i] as string | number;
    const nextIsIndex = typeof parts[i + 1] === 'number';
    if (node[key] === undefined || node[key] === null || typeof node[key] !== 'object') node[key] = nextIsIndex ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[parts[parts.length - 1] as string | number] = value;
}

/** Reads the value at a path, or undefined; through `[]`, the array of every element's value. */
export function getPath(source: unknown, parts: readonly (string | number)[]): unknown {
  let node: unknown = source;
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i] as string | number;
    if (node === null || typeof node !== 'object') return undefined;
    if (key === EACH) {
      if (!Array.isArray(node)) return undefined;
      const rest = parts.slice(i + 1);
      return node.map((element) => getPath(element, rest)).filter((v) => v !== undefined && v !== null);
    }
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** Sets each value of a list through a path with `[]`: element i gets values[i]. */
export function setEach(target: Record<string, unknown>, parts: readonly (string | number)[], values: unknown[]): void {
  const at = parts.indexOf(EACH);
  values.forEach((value, i) => setPath(target, parts.map((p, j) => (j === at ? i : p)), value));
}
