import { zipArchive } from './zip-writer.js';

/**
 * A zip archive of uncompressed entries, in order: enough to make archives of any layout (an
 * .ods with its `mimetype` first, an .xlsb, a Numbers document) without an office program.
 */
export function storedZip(entries: Record<string, string | Buffer>): Buffer {
  return zipArchive(Object.entries(entries).map(([name, data]) => ({ name, data, store: true })));
}
