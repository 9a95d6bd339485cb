import { createHash } from 'node:crypto';
import { isLoopbackHost } from './base-url.js';

/**
 * Who an account is, as far as this tool can tell: the API's address (spelled one way whatever
 * the user typed: `localhost` and `127.0.0.1` are one host) and a hash of the key, which the
 * service authorises for one customer's group. The key itself never appears in it.
 */
export function accountId(baseUrl: string, apiKey: string | undefined): string {
  let where = baseUrl;
  try {
    const url = new URL(baseUrl);
    const host = isLoopbackHost(url.hostname) ? '127.0.0.1' : url.hostname.toLowerCase();
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    where = `${url.protocol}//${host}:${port}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    // an unparsable URL is refused elsewhere; keep it as it is here
  }
  const key = apiKey ? createHash('sha256').update(apiKey).digest('hex').slice(0, 16) : 'no-key';
  return `${where}#${key}`;
}
