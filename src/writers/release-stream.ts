import { once } from 'node:events';
import type { WriteStream } from 'node:fs';

/** Destroys a file stream and resolves once its descriptor is closed (at once if it already is). */
export async function release(stream: WriteStream): Promise<void> {
  if (stream.closed) return;
  const closed = once(stream, 'close').catch(() => undefined);
  stream.destroy();
  await closed;
}
