import { rowsText } from '../util/plural.js';
/** One run of one schedule entry, as it is told to webhooks, mail and the log. */
export interface RunEvent {
  /** The entry's name in the schedule file. */
  entry: string;
  kind: 'export' | 'import';
  outcome: 'ok' | 'failed';
  /** export: `rows`; import: rows by outcome (created, updated, rejected, failed, …). */
  counts: Record<string, number>;
  /** export: the file written; import: the imported file, where it was moved. */
  file: string | null;
  /** import: its results and errors files. */
  results?: string | null;
  errors?: string | null;
  error: string | null;
  /** ISO 8601 times with the schedule's zone offset. */
  start: string;
  end: string;
  tries: number;
  schedule: string;
  /** The machine that ran it, so that a message says where to look. */
  host: string;
}

const OTHER_COUNTS = ['unchanged', 'skipped', 'not-sent', 'invalid', 'rejected', 'failed', 'unknown'];

/** `12 rows: 10 created, 0 updated, 2 rejected`: created and updated always, the rest when there are any. */
function importCounts(counts: Record<string, number>): string {
  const parts = ['created', 'updated'].map((k) => `${counts[k] ?? 0} ${k}`);
  for (const k of OTHER_COUNTS) if (counts[k]) parts.push(`${counts[k]} ${k.replace('-', ' ')}`);
  return `${rowsText(counts.rows ?? 0)}: ${parts.join(', ')}`;
}

/** The one line Slack, Teams and the mail's subject line show. */
export function eventText(event: RunEvent): string {
  const who = `coredination-batch on ${event.host}: ${event.kind} ${event.entry}`;
  const tries = event.tries > 1 ? ` after ${event.tries} tries` : '';
  if (event.kind === 'export') {
    if (event.outcome === 'ok') return `${who}: wrote ${event.counts.rows ?? 0} jobs to ${event.file}${tries}.`;
    return `${who} FAILED${tries}: ${event.error}`;
  }
  const counts = event.counts.rows !== undefined ? ` (${importCounts(event.counts)})` : '';
  if (event.outcome === 'ok') return `${who}: imported ${event.file}${counts}${tries}.`;
  return `${who} FAILED${tries}: ${event.file ? `${event.file}${counts}: ` : ''}${event.error}`;
}

/** The mail: a subject and a plain-text body with every field. */
export function eventMail(event: RunEvent): { subject: string; text: string } {
  const subject = `[coredination-batch] ${event.kind} ${event.entry} ${event.outcome === 'ok' ? 'done' : 'FAILED'}`;
  const lines = [
    eventText(event),
    '',
    `Entry:    ${event.entry} (${event.kind}) in ${event.schedule}`,
    `Outcome:  ${event.outcome}`,
    `Started:  ${event.start}`,
    `Ended:    ${event.end}`,
    `Tries:    ${event.tries}`,
    `Counts:   ${Object.entries(event.counts).filter(([k, v]) => v || k === 'rows').map(([k, v]) => `${k} ${v}`).join(', ') || '-'}`,
    `File:     ${event.file ?? '-'}`,
    ...(event.results !== undefined ? [`Results:  ${event.results ?? '-'}`] : []),
    ...(event.errors !== undefined ? [`Errors:   ${event.errors ?? '-'}`] : []),
    ...(event.error ? [`Error:    ${event.error}`] : []),
    '',
    `Sent by coredination-batch on ${event.host}.`,
  ];
  return { subject, text: `${lines.join('\n')}\n` };
}
