import { CdbError } from '../errors.js';

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

/** True for hosts that never leave this machine. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * Checks a base URL and returns it without a trailing slash. Plain http is refused unless it
 * goes to loopback or `insecure` is set, because the API key would cross the network in clear.
 */
export function checkBaseUrl(baseUrl: string, insecure = false): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new CdbError('USAGE', `The base URL "${baseUrl}" is not a URL.`, {
      hint: 'Give a full URL such as https://app.coredination.net/api/1 (--base-url or COREDINATION_BASE_URL).',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CdbError('USAGE', `The base URL must start with https:// (got ${url.protocol}//).`);
  }
  if (url.username || url.password) {
    throw new CdbError('USAGE', 'The base URL must not hold a user name or password.', {
      hint: 'Give the API key with --api-key or COREDINATION_API_KEY instead.',
    });
  }
  if (url.protocol === 'http:' && !insecure && !isLoopbackHost(url.hostname)) {
    throw new CdbError('INSECURE_URL', `Refusing to send the API key over plain http to ${url.host}.`, {
      hint: 'Use an https:// base URL, or pass --insecure if this network is trusted.',
    });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
