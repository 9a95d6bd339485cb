import got, { RequestError, TimeoutError } from 'got';
import { createTransport } from 'nodemailer';
import { isLoopbackHost } from '../api/base-url.js';
import type { EmailTarget } from './targets.js';

/**
 * One attempt at each kind of delivery. Each resolves with undefined when delivered, or with the
 * reason it was not, in words safe to log: a status, a network code, the SMTP server's answer;
 * never a URL's path (a Slack or ping URL's path is its secret) or a password.
 *
 * Webhooks and pings have an HTTP client of their own, not the API's: they must never carry the
 * API key, and a redirect is not followed, so that a notification goes only where the schedule
 * file says. (Not fetch: it refuses ports such as 25 or 6667, which a webhook inside a company may use.)
 */
const notifyHttp = got.extend({
  headers: { 'user-agent': 'coredination-batch' },
  retry: { limit: 0 },
  followRedirect: false,
  throwHttpErrors: false,
});

async function post(url: string, contentType: string, body: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const response = await notifyHttp.post(url, { headers: { 'content-type': contentType }, body, timeout: { request: timeoutMs } });
    const status = response.statusCode;
    if (status >= 200 && status < 300) return undefined;
    return status >= 300 && status < 400 ? `answered ${status} (a redirect, not followed)` : `answered ${status}`;
  } catch (error) {
    if (error instanceof TimeoutError) return `no answer in ${timeoutMs / 1000} s`;
    // got's errors hold the request's options: only the code, or the first words, are shown.
    return error instanceof RequestError ? (error.code ?? 'the request failed') : String((error as Error)?.message ?? error);
  }
}

/** POSTs a JSON body to a webhook. */
export function postWebhook(url: string, body: unknown, timeoutMs: number): Promise<string | undefined> {
  return post(url, 'application/json', JSON.stringify(body), timeoutMs);
}

/**
 * Pings a health check: its URL on success, `<url>/fail` on failure (healthchecks.io's and
 * its clones' convention), with the run's one line as the body, which their logs show.
 */
export function pingHealthcheck(url: string, failed: boolean, text: string, timeoutMs: number): Promise<string | undefined> {
  let target = url;
  if (failed) {
    const parsed = new URL(url);
    parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/fail`;
    target = parsed.toString();
  }
  return post(target, 'text/plain; charset=utf-8', text, timeoutMs);
}

/** The SMTP host of a target, as a log line may show it. */
export function smtpServer(target: EmailTarget): string {
  const url = new URL(target.smtp);
  return `${url.protocol}//${url.host}`;
}

/**
 * Sends a plain-text mail. smtp:// upgrades with STARTTLS when the server offers it, and must
 * (requireTLS) before a password is sent to a host other than this machine; smtps:// is TLS
 * from the start.
 */
export async function sendMail(target: EmailTarget, password: string | undefined, mail: { subject: string; text: string }, timeoutMs: number): Promise<string | undefined> {
  const url = new URL(target.smtp);
  const secure = url.protocol === 'smtps:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const auth = target.user ? { user: target.user, pass: password } : undefined;
  const transport = createTransport({
    host,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth,
    requireTLS: Boolean(auth) && !secure && !isLoopbackHost(url.hostname),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 2,
  });
  try {
    await transport.sendMail({ from: target.from, to: target.to, subject: mail.subject, text: mail.text });
    return undefined;
  } catch (error) {
    const err = error as Error & { code?: string; responseCode?: number };
    const reason = `${err.code ? `${err.code}: ` : ''}${err.message ?? String(error)}`.replace(/\s+/g, ' ').trim();
    return password ? reason.split(password).join('***') : reason;
  } finally {
    transport.close();
  }
}
