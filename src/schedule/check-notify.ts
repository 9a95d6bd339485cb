import type { EmailTarget, NotifyOn, NotifyTarget } from '../notify/targets.js';
import { pathOf, type CheckContext } from './check-context.js';

type Keys = readonly (string | number)[];
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An http(s) URL, or a problem. */
export function checkHttpUrl(value: unknown, keys: Keys, ctx: CheckContext): string | undefined {
  if (typeof value !== 'string' || ctx.faulted.has(pathOf(keys))) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.report(keys, `"${value}" is not a URL; give it whole, starting with https://`);
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    ctx.report(keys, `expected an https:// (or http://) URL, got ${url.protocol}//`);
    return undefined;
  }
  return url.toString();
}

const looksLikeAddress = (text: string) => /^[^\s@<>]+@[^\s@<>]+$/.test(text.replace(/^.*<(.*)>\s*$/, '$1').trim());

function checkEmail(value: Record<string, unknown>, keys: Keys, on: NotifyOn[], ctx: CheckContext): EmailTarget | undefined {
  const to = typeof value.to === 'string' ? [value.to] : Array.isArray(value.to) ? value.to.filter((t): t is string => typeof t === 'string') : [];
  let good = true;
  for (const [i, address] of to.entries()) {
    if (!looksLikeAddress(address)) {
      ctx.report([...keys, 'to', ...(typeof value.to === 'string' ? [] : [i])], `"${address}" is not a mail address`);
      good = false;
    }
  }
  const from = typeof value.from === 'string' ? value.from : '';
  if (from && !looksLikeAddress(from)) {
    ctx.report([...keys, 'from'], `"${from}" is not a mail address`);
    good = false;
  }
  if (typeof value.smtp !== 'string' || !to.length || !from) return undefined; // the schema said why
  let url: URL;
  try {
    url = new URL(value.smtp);
  } catch {
    ctx.report([...keys, 'smtp'], `"${value.smtp}" is not a URL; write smtp://host:port (or smtps://host:465)`);
    return undefined;
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    ctx.report([...keys, 'smtp'], `expected smtp://host:port or smtps://host:port, got ${url.protocol}//`);
    return undefined;
  }
  if (url.password) {
    ctx.report([...keys, 'smtp'], 'holds a password: a schedule file is no place for one. Take it out of the URL and set COREDINATION_SMTP_PASSWORD, or smtpPassword in the config file (chmod 600)');
    return undefined;
  }
  if (!url.hostname) {
    ctx.report([...keys, 'smtp'], 'names no host; write smtp://host:port');
    return undefined;
  }
  const fromUrl = url.username ? decodeURIComponent(url.username) : undefined;
  const user = typeof value.user === 'string' ? value.user : fromUrl;
  if (fromUrl && typeof value.user === 'string' && value.user !== fromUrl) {
    ctx.report([...keys, 'user'], `"${value.user}" differs from the user in smtp: ("${fromUrl}"); give it once`);
    return undefined;
  }
  url.username = '';
  if (!good) return undefined;
  return { kind: 'email', to, from, smtp: `${url.protocol}//${url.host}`, ...(user ? { user } : {}), on };
}

/** A `notify:` list: webhooks and mail, each heard on failures (default) or on successes too. */
export function checkNotify(value: unknown, keys: Keys, ctx: CheckContext): NotifyTarget[] | undefined {
  if (!Array.isArray(value)) return undefined; // absent, or the schema said why
  const targets: NotifyTarget[] = [];
  for (const [i, item] of value.entries()) {
    const at = [...keys, i];
    if (!isObject(item)) continue;
    const on: NotifyOn[] = Array.isArray(item.on) ? item.on.filter((o): o is NotifyOn => o === 'failure' || o === 'success') : ['failure'];
    const kinds = ['webhook', 'email'].filter((k) => item[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.report(at, kinds.length ? 'give webhook: or email:, not both (one of them per item of the list)' : 'give webhook: <url> or email: {to, from, smtp}');
      continue;
    }
    if (item.webhook !== undefined) {
      const url = checkHttpUrl(item.webhook, [...at, 'webhook'], ctx);
      if (url) targets.push({ kind: 'webhook', url, on });
    } else if (isObject(item.email)) {
      const email = checkEmail(item.email, [...at, 'email'], on, ctx);
      if (email) targets.push(email);
    }
  }
  return targets;
}
