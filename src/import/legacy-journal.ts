import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readPrivate } from '../state/private-file.js';
import type { JournalEntry, Outcome } from './journal-entry.js';

/** A line of the journals of earlier versions, which knew rows by their number in one input file. */
type LegacyEntry =
  | { t: 'run' }
  | { t: 'send'; row: number; at: number; hash: string; method: 'POST' | 'PUT'; uuid?: string }
  | { t: 'done'; row: number; at: number; outcome: Outcome; id?: number; uuid?: string; uuidKept?: boolean };

/**
 * What the older journals in a journal's folder (one per input file, by row number) sent, as
 * entries of today's journal: each send under its payload and uuid, and how it ended. Read only,
 * so that an upgrade in the middle of a failed run does not send what that run sent. A line that
 * cannot be read is left out: those journals are not written any more.
 */
export function readLegacyJournals(dir: string, current: string): JournalEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const entries: JournalEntry[] = [];
  for (const name of names.sort()) {
    const file = path.join(dir, name);
    if (!name.endsWith('.jsonl') || file === current) continue;
    const sent = new Map<number, { hash: string; uuid?: string }>();
    for (const line of (readPrivate(file)?.toString('utf8') ?? '').split('\n')) {
      let entry: LegacyEntry;
      try {
        entry = JSON.parse(line) as LegacyEntry;
      } catch {
        continue;
      }
      if (entry?.t === 'send' && typeof entry.hash === 'string') {
        sent.set(entry.row, { hash: entry.hash, uuid: entry.uuid });
        if (entry.uuid) entries.push({ t: 'send', at: entry.at, hash: entry.hash, uuid: entry.uuid.toLowerCase(), method: entry.method });
      } else if (entry?.t === 'done') {
        if (typeof entry.uuidKept === 'boolean') entries.push({ t: 'server', at: entry.at, uuidKept: entry.uuidKept });
        const send = sent.get(entry.row);
        const uuid = entry.uuid ?? send?.uuid;
        if (send && uuid) entries.push({ t: 'done', at: entry.at, hash: send.hash, uuid: uuid.toLowerCase(), outcome: entry.outcome, ...(entry.id === undefined ? {} : { id: entry.id }) });
      }
    }
  }
  return entries;
}
