import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { privateDir } from '../state/private-file.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** How far back each `--since last` run looks before the last watermark. */
export const OVERLAP_MS = 5 * 60_000;

/** Where an export stopped: the newest `modified` it wrote, and the jobs near it (to not double them). */
export interface Watermark {
  /** The newest `modified` timestamp (server time) of an exported job. */
  modified: number;
  /** id → modified of the jobs within the overlap before `modified`. */
  near: Record<string, number>;
  /** When the export finished (this machine's clock). */
  finishedAt: number;
}

/** The identity of an export: its output pattern, mapping and base URL. */
export function exportKey(output: string, mapping: string, baseUrl: string): string {
  return createHash('sha256').update([path.resolve(output), path.resolve(mapping), baseUrl].join('\0')).digest('hex').slice(0, 16);
}

/** Watermarks of every export, in one JSON file written atomically. */
export class WatermarkStore {
  readonly file: string;
  constructor(dir: string) {
    this.file = path.join(dir, 'watermarks.json');
  }

  private async all(): Promise<Record<string, Watermark>> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as Record<string, Watermark>;
    } catch {
      return {};
    }
  }

  async get(key: string): Promise<Watermark | undefined> {
    return (await this.all())[key];
  }

  async set(key: string, watermark: Watermark): Promise<void> {
    const all = await this.all();
    all[key] = watermark;
    privateDir(path.dirname(this.file));
    await writeFileAtomic(this.file, `${JSON.stringify(all, null, 1)}\n`, 0o600);
  }
}
