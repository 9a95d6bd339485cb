import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach } from '@jest/globals';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { PACKAGE_ROOT } from '../../src/tool-version.js';

export const KEY = 'test-key-7f3a9c';

const running: Sandbox[] = [];

/** A sandbox on a free loopback port, closed after the test. */
export async function sandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const started = await startSandbox({ port: 0, apiKeys: [KEY], retryAfter: 0, ...options });
  running.push(started);
  return started;
}

const servers: https.Server[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  for (const server of servers.splice(0)) server.close();
});

/**
 * An https server whose certificate is self-signed (test/fixtures), so that this machine does not
 * trust it; it counts the connections made to it. Closed after the test.
 */
export async function untrustedServer(): Promise<{ url: string; connections: () => number }> {
  const fixture = (name: string) => readFileSync(path.join(PACKAGE_ROOT, 'test', 'fixtures', name));
  const server = https.createServer({ key: fixture('self-signed.key.pem'), cert: fixture('self-signed.cert.pem') }, (_req, res) => res.end('{}'));
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `https://localhost:${(server.address() as AddressInfo).port}/api/1`, connections: () => connections };
}
