/** When a target hears of a run: failures only (the default), or successes too. */
export type NotifyOn = 'failure' | 'success';

/** A JSON POST to a URL (Slack and Teams incoming webhooks display its `text`). */
export interface WebhookTarget {
  kind: 'webhook';
  url: string;
  on: NotifyOn[];
}

/** A mail through an SMTP server; the password comes from the environment or the config file. */
export interface EmailTarget {
  kind: 'email';
  to: string[];
  from: string;
  /** smtp://host:port (STARTTLS when the server offers it) or smtps://host:port, without a password. */
  smtp: string;
  /** The SMTP user, from the URL (smtp://user@host) or the `user` setting. */
  user?: string;
  on: NotifyOn[];
}

/** Where a schedule's runs are told. */
export type NotifyTarget = WebhookTarget | EmailTarget;

/** What a log line may show of a URL: its origin, never its path (a Slack or ping URL's path is its secret). */
export function safeOrigin(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(not a URL)';
  }
}
