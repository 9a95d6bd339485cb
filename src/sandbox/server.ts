import { createHash, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_KEY_HEADER, API_TOKEN_HEADER } from '../api/assumptions.js';
import type { VersionInfo } from '../api/types.js';
import { generateJobs } from './generate-jobs.js';
import { JobStore } from './job-store.js';
import { SANDBOX_KEY, type RequestRecord, type Sandbox, type SandboxOptions } from './options.js';
import { seededRandom } from './random.js';
import { DROP, HTML_PAGE, JobList, Raw, Reply, text, type Answer } from './reply.js';
import { route, type ParsedBody } from './routes.js';
import { writeList } from './write-list.js';

export { QUIRKS, type Faults, type Quirk, type RequestRecord, type Sandbox, type SandboxOptions } from './options.js';

export { SANDBOX_KEY } from './options.js';
export const SANDBOX_VERSION: VersionInfo = { id: '2014-03-18_22-49-26', builduser: 'jenkins', version: '2180' };
const PREFIX = '/api/1';
const MAX_BODY = 1 << 20;
/** Where the `redirect-writes` quirk sends writes: a login page on the same host. */
const LOGIN_PATH = '/login';

const digest = (key: string): Buffer => createHash('sha256').update(key).digest();

/**
 * A set of keys looked up in constant time: equal-length digests compared with timingSafeEqual,
 * every key each time, so that the answer's timing does not tell how much of a key was right.
 */
function keyMatcher(keys: readonly string[]): (key: string | undefined) => boolean {
  const digests = keys.map(digest);
  return (key) => {
    if (key === undefined) return false;
    const candidate = digest(key);
    let found = false;
    for (const known of digests) found = timingSafeEqual(known, candidate) || found;
    return found;
  };
}

/** Starts the Coredination API emulator on loopback. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const faults = { ...options };
  const apiKeys = options.apiKeys?.length ? options.apiKeys : [SANDBOX_KEY];
  const known = keyMatcher([...apiKeys, ...(options.readOnlyKeys ?? [])]);
  const readOnly = keyMatcher(options.readOnlyKeys ?? []);
  const random = seededRandom(options.seed ?? 1);
  const store = new JobStore(options.data);
  await store.load();
  if (options.generate) {
    for (const job of generateJobs(options.generate, { firstId: store.peekNextId(), seed: options.seed })) store.insert(job);
  }
  let seed = (options.seed ?? 1) * 1000;
  const context = { store, faults, nextSeed: () => ++seed };
  const requests: RequestRecord[] = [];
  const record = options.recordRequests ?? true;
  let inFlight = 0;
  let maxInFlight = 0;
  let windowSecond = 0;
  let windowCount = 0;

  const retryAfterHeader = (): string => String(faults.retryAfter ?? 1);

  function overRateLimit(now: number): boolean {
    if (!faults.rateLimit) return false;
    const second = Math.floor(now / 1000);
    if (second !== windowSecond) {
      windowSecond = second;
      windowCount = 0;
    }
    windowCount++;
    return windowCount > faults.rateLimit;
  }

  /** What to answer (any change to the store is made here, at once). */
  async function answer(req: IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = req.method ?? 'GET';
    const limited = overRateLimit(Date.now());
    const body = method === 'POST' || method === 'PUT' ? await readBody(req) : undefined;

    if (url.pathname === LOGIN_PATH && faults.quirks?.includes('redirect-writes')) return new Reply(200, { login: 'required', next: `${PREFIX}/job` });
    if (!url.pathname.startsWith(`${PREFIX}/`)) return text(404, 'Not found');
    const path = url.pathname.slice(PREFIX.length);
    if (limited) return new Reply(429, 'Too many requests', { 'retry-after': retryAfterHeader() });
    if (faults.failRate && random() < faults.failRate) {
      const status = [500, 503, 429][Math.floor(random() * 3)] as number;
      const headers: Record<string, string> = status === 500 ? {} : { 'retry-after': retryAfterHeader() };
      return new Reply(status, status === 500 ? 'Internal server error' : 'Service unavailable, try again in a while', headers);
    }

    const key = header(req, API_KEY_HEADER) ?? url.searchParams.get('api_key') ?? undefined;
    // A token (header or api_token) is accepted and not needed: this tool never sends one.
    void (header(req, API_TOKEN_HEADER) ?? url.searchParams.get('api_token'));
    if (path === '/version') {
      if (method !== 'GET') return text(405, 'Method not allowed');
      if (key !== undefined && !known(key)) return text(401, 'Invalid API key');
      return new Reply(200, SANDBOX_VERSION);
    }
    if (key === undefined || !known(key)) return text(401, 'Invalid API key');

    const write = method === 'POST' || method === 'PUT' || method === 'DELETE';
    if (write && readOnly(key)) return text(403, 'The API key has no permission to change jobs');
    if (path.startsWith('/job') && faults.quirks?.includes('html')) return new Reply(200, new Raw(HTML_PAGE, 'text/html; charset=UTF-8'));
    if (write && path.startsWith('/job') && faults.quirks?.includes('redirect-writes')) return new Reply(303, undefined, { location: LOGIN_PATH });
    if (write && faults.dropBeforeCommit && random() < faults.dropBeforeCommit) return DROP;

    const reply = route(context, method, path, url.searchParams, body);
    // With --data, a write is answered only once it is saved: acknowledged means kept.
    if (write && reply.status < 300) await store.committed();
    if (write && reply.status < 300 && faults.dropAfterCommit && random() < faults.dropAfterCommit) return DROP;
    if (write && reply.status < 300 && faults.errorAfterCommit && random() < faults.errorAfterCommit) return text(500, 'Internal server error');
    return reply;
  }

  async function send(res: ServerResponse, reply: Reply): Promise<number> {
    res.statusCode = reply.status;
    for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
    if (reply.body === undefined) {
      res.end();
    } else if (typeof reply.body === 'string') {
      res.setHeader('content-type', 'text/plain; charset=UTF-8');
      res.end(reply.body);
    } else if (reply.body instanceof Raw) {
      res.setHeader('content-type', reply.body.type);
      res.end(reply.body.text);
    } else if (reply.body instanceof JobList) {
      res.setHeader('content-type', 'application/json; charset=UTF-8');
      await writeList(res, reply.body.items, reply.body.view, faults.trickle);
    } else {
      res.setHeader('content-type', 'application/json; charset=UTF-8');
      res.end(JSON.stringify(reply.body));
    }
    return reply.status;
  }

  async function respond(res: ServerResponse, answer: Answer, arrived: number): Promise<number | 'dropped'> {
    const wait = (faults.latency ?? 0) - (performance.now() - arrived);
    if (wait > 0) await sleep(wait);
    if (answer === DROP) {
      res.socket?.destroy();
      return 'dropped';
    }
    return send(res, answer);
  }

  const server = http.createServer((req, res) => {
    const arrived = performance.now();
    const start = Date.now();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    void answer(req)
      .then((answer) => respond(res, answer, arrived))
      .catch((error: unknown) => {
        if (!res.headersSent) return send(res, text(500, `Sandbox error: ${(error as Error).message}`));
        res.destroy();
        return 500;
      })
      .then((status) => {
        inFlight--;
        const [path = '', query = ''] = (req.url ?? '').split('?');
        if (record) requests.push({ method: req.method ?? '', path, query, start, end: Date.now(), status });
      });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}${PREFIX}`,
    port: address.port,
    apiKeys,
    store,
    jobs: () => store.all(),
    requests,
    maxInFlight: () => maxInFlight,
    setFaults: (changes) => Object.assign(faults, changes),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.flush();
    },
  };
}

async function readBody(req: IncomingMessage): Promise<ParsedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return { error: 'Body is larger than 1 MiB' };
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks).toString('utf8');
  if (raw.trim() === '') return { error: 'Body must be a JSON object' };
  try {
    return { value: JSON.parse(raw) };
  } catch {
    return { error: 'Body is not valid JSON' };
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
