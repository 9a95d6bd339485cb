import { setTimeout as sleep } from 'node:timers/promises';
import { pingHealthcheck, postWebhook, sendMail, smtpServer } from './deliver.js';
import { eventMail, eventText, type RunEvent } from './run-event.js';
import { safeOrigin, type NotifyTarget } from './targets.js';

/** A delivery that did not go through, as logged (one JSON line each). */
export interface NotifyLogLine {
  notification: 'webhook' | 'email' | 'healthcheck';
  /** Where it was going, as much as may be shown: an origin, or the mail's addresses and server. */
  to: string;
  entry: string;
  /** Never delivered by this attempt (a line is logged only then). */
  delivered: false;
  /** The outcome of the run it was telling (not of the delivery). */
  runOutcome: RunEvent['outcome'];
  attempt: number;
  of: number;
  error: string;
  /** The pause before the next attempt; absent when this was the last (given up). */
  retryInMs?: number;
}

/** How the notifier delivers, and to whom it says what failed. */
export interface NotifierOptions {
  /** The SMTP password (from the environment or the config file, never the schedule file). */
  smtpPassword?: string;
  /** Texts that must never leave in a notification (the API key, the SMTP password): cut out of every one. */
  secrets: readonly (string | undefined)[];
  log(line: NotifyLogLine): void;
  /** Pauses between attempts; one attempt more than pauses (default 1 s, 5 s, 15 s: four attempts). */
  pausesMs?: readonly number[];
  /** Each attempt's timeout (default 10 s). */
  timeoutMs?: number;
}

const PAUSES_MS = [1000, 5000, 15_000];

/** The event with every secret cut out of its texts. */
function withoutSecrets(event: RunEvent, secrets: readonly (string | undefined)[]): RunEvent {
  const cut = (text: string) => secrets.reduce<string>((out, secret) => (secret ? out.split(secret).join('***') : out), text);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) out[key] = typeof value === 'string' ? cut(value) : value;
  return out as unknown as RunEvent;
}

/**
 * Tells webhooks, mail and a health check how a run ended, in the background. A delivery that
 * fails is logged and tried again a few times; it never fails the run, and never throws.
 */
export class Notifier {
  private readonly pending = new Set<Promise<void>>();
  private readonly closing = new AbortController();

  constructor(private readonly options: NotifierOptions) {}

  /** Starts telling each target that wants to hear of this outcome, and pings the health check. */
  notify(targets: readonly NotifyTarget[], healthcheck: string | undefined, raw: RunEvent): void {
    const event = withoutSecrets(raw, [...this.options.secrets, this.options.smtpPassword]);
    const text = eventText(event);
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const wanted = event.outcome === 'ok' ? 'success' : 'failure';
    for (const target of targets) {
      if (!target.on.includes(wanted)) continue;
      if (target.kind === 'webhook') {
        this.track('webhook', safeOrigin(target.url), event, () => postWebhook(target.url, { text, ...event }, timeoutMs));
      } else {
        const mail = eventMail(event);
        this.track('email', `${target.to.join(', ')} via ${smtpServer(target)}`, event, () => sendMail(target, this.options.smtpPassword, mail, timeoutMs));
      }
    }
    if (healthcheck) this.track('healthcheck', safeOrigin(healthcheck), event, () => pingHealthcheck(healthcheck, event.outcome !== 'ok', text, timeoutMs));
  }

  /** Resolves when every delivery started has ended, delivered or given up. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Ends the pauses between attempts: each delivery still going gives up after the attempt it is making. */
  close(): void {
    this.closing.abort();
  }

  private track(notification: NotifyLogLine['notification'], to: string, event: RunEvent, attempt: () => Promise<string | undefined>): void {
    const pauses = this.options.pausesMs ?? PAUSES_MS;
    const run = (async () => {
      for (let i = 0; ; i++) {
        const error = await attempt().catch((e: unknown) => `unexpected error: ${(e as Error)?.message ?? String(e)}`);
        if (error === undefined) return;
        const pause = this.closing.signal.aborted ? undefined : pauses[i];
        this.options.log({ notification, to, entry: event.entry, delivered: false, runOutcome: event.outcome, attempt: i + 1, of: pauses.length + 1, error, ...(pause !== undefined ? { retryInMs: pause } : {}) });
        if (pause === undefined) return;
        try {
          await sleep(pause, undefined, { signal: this.closing.signal });
        } catch {
          // closing: one last attempt now, then no more
        }
      }
    })();
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }
}
