/**
 * Maps a stream with up to `concurrency` calls of `fn` at once, yielding the results in the
 * source's order; the source is read only as far as the calls in flight allow (backpressure).
 */
export async function* mapInOrder<T, U>(source: AsyncIterable<T> | Iterable<T>, fn: (item: T) => Promise<U> | U, concurrency: number): AsyncGenerator<U> {
  const queue: Promise<U>[] = [];
  try {
    for await (const item of source) {
      const result = Promise.resolve().then(() => fn(item));
      result.catch(() => undefined); // awaited in turn below: not unhandled while it waits
      queue.push(result);
      if (queue.length >= concurrency) yield await (queue.shift() as Promise<U>);
    }
    while (queue.length) yield await (queue.shift() as Promise<U>);
  } finally {
    // Stopped early (an error, or the consumer left): let the calls in flight settle quietly.
    await Promise.allSettled(queue);
  }
}
