import { createHash, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_KEY_HEADER, API_TOKEN_HEADER, PUT_CREATES_BY_UUID } from '../api/assumptions.js';
import type { Job, VersionInfo } from '../api/types.js';
import { generateJobs } from './generate-jobs.js';
import { JobStore, listView } from './job-store.js';
import { seededRandom } from './random.js';
import { isUuid } from '../util/uuid.js';
import { validateJobBody } from './validate-job.js';

/** What the sandbox does and which faults it injects. */
export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Keys accepted; default ['sandbox-key']. */
  apiKeys?: string[];
  /** Keys that may read but get 403 on writes. */
  readOnlyKeys?: string[];
  /**
   * Response time in milliseconds: each answer leaves this long after its request arrived, the
   * sandbox's own work being done meanwhile, like a remote server with that response time.
   */
  latency?: number;
  /** Share (0..1) of requests answered 500, 503 or 429 at random. */
  failRate?: number;
  /** Share (0..1) of writes stored, then the connection destroyed with no answer. */
  dropAfterCommit?: number;
  /** Share (0..1) of writes whose connection is destroyed before anything is stored. */
  dropBeforeCommit?: number;
  /** Requests per second beyond which it answers 429. */
  rateLimit?: number;
  /** The `Retry-After` it sends with 429 and 503, in seconds (default 1). */
  retryAfter?: number;
  /** Seed of the fault and data generators (default 1). */
  seed?: number;
  /** PUT replaces the whole job (attributes absent from the body are cleared), the other answer to PUT_IS_PARTIAL. */
  putReplaces?: boolean;
  /** POST makes its own uuid whatever the body says, the other answer to POST_KEEPS_CLIENT_UUID. */
  ignorePostUuid?: boolean;
  /** Share (0..1) of writes stored, then answered 500 (a server that fails after committing). */
  errorAfterCommit?: number;
  /** Start with this many realistic jobs. */
  generate?: number;
  /** A JSON file loaded at start and rewritten atomically before each write is answered. */
  data?: string;
  /** Keep a log of every request (default true); the tests read it. */
  recordRequests?: boolean;
}

/** One request as the sandbox saw it. */
export interface RequestRecord {
  method: string;
  path: string;
  start: number;
  end: number;
  status: number | 'dropped';
}

/** A running sandbox. */
export interface Sandbox {
  /** The base URL, e.g. http://127.0.0.1:41234/api/1 */
  url: string;
  port: number;
  apiKeys: string[];
  store: JobStore;
  /** Every job, full representation. */
  jobs(): Job[];
  /** The request log (when recorded) and the most requests it ever had in flight at once. */
  requests: RequestRecord[];
  maxInFlight(): number;
  /** Changes fault options while running. */
  setFaults(faults: Pick<SandboxOptions, 'latency' | 'failRate' | 'dropAfterCommit' | 'dropBeforeCommit' | 'rateLimit' | 'retryAfter'>): void;
  close(): Promise<void>;
}

export const SANDBOX_KEY = 'sandbox-key';
export const SANDBOX_VERSION: VersionInfo = { id: '2014-03-18_22-49-26', builduser: 'jenkins', version: '2180' };
const PREFIX = '/api/1';
const MAX_BODY = 1 << 20;

class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** The connection is destroyed with no answer. */
const DROP = Symbol('drop');
type Answer = Reply | typeof DROP;

const text = (status: number, message: string): Reply => new Reply(status, message);

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
    if (write && faults.dropBeforeCommit && random() < faults.dropBeforeCommit) return DROP;

    const reply = route(method, path, url.searchParams, body);
    // With --data, a write is answered only once it is saved: acknowledged means kept.
    if (write && reply.status < 300) await store.committed();
    if (write && reply.status < 300 && faults.dropAfterCommit && random() < faults.dropAfterCommit) return DROP;
    if (write && reply.status < 300 && faults.errorAfterCommit && random() < faults.errorAfterCommit) return text(500, 'Internal server error');
    return reply;
  }

  function route(method: string, path: string, query: URLSearchParams, body: ParsedBody | undefined): Reply {
    if (path === '/job') {
      if (method === 'GET') return listJobs(query);
      if (method === 'POST') {
        const invalid = body?.error ?? validateJobBody(body?.value);
        if (invalid) return text(406, invalid);
        const job = body?.value as Job;
        if (faults.ignorePostUuid) delete job.uuid;
        if (typeof job.uuid === 'string' && store.get(job.uuid)) return text(406, `Attribute uuid: a job with uuid ${job.uuid} exists`);
        return new Reply(200, store.create(job));
      }
      return text(405, 'Method not allowed');
    }
    const match = /^\/job\/([^/]+)$/.exec(path);
    if (!match) return text(404, 'Not found');
    const id = decodeURIComponent(match[1] as string);
    const job = store.get(id);
    if (method === 'GET') return job ? new Reply(200, job) : text(404, `Job ${id} not found`);
    if (method === 'DELETE') {
      if (!job) return text(404, `Job ${id} not found`);
      store.delete(job);
      return new Reply(204);
    }
    if (method === 'PUT') {
      const invalid = body?.error ?? validateJobBody(body?.value);
      if (invalid) return text(406, invalid);
      const update = body?.value as Job;
      if (typeof update.uuid === 'string' && update.uuid.toLowerCase() !== (job?.uuid ?? id.toLowerCase())) {
        return text(406, 'Attribute uuid does not match the uuid in the path');
      }
      if (job) return new Reply(200, store.update(job, update, faults.putReplaces));
      if (PUT_CREATES_BY_UUID && isUuid(id)) return new Reply(200, store.create(update, id));
      return text(404, `Job ${id} not found`);
    }
    return text(405, 'Method not allowed');
  }

  function listJobs(query: URLSearchParams): Reply {
    const limit = nonNegativeInteger(query.get('limit'));
    const offset = nonNegativeInteger(query.get('offset'));
    const modified = query.get('modified');
    if (limit === null) return text(400, 'Bad query parameter limit: expected a whole number of 0 or more');
    if (offset === null) return text(400, 'Bad query parameter offset: expected a whole number of 0 or more');
    let modifiedSince: number | undefined;
    if (modified !== null) {
      modifiedSince = /^\d+$/.test(modified) ? Number(modified) : Date.parse(modified);
      if (Number.isNaN(modifiedSince)) return text(400, 'Bad query parameter modified: expected a timestamp in milliseconds or a date');
    }
    return new Reply(200, new JobList(store.list({ limit, offset, modifiedSince })));
  }

  async function send(res: ServerResponse, reply: Reply): Promise<number> {
    res.statusCode = reply.status;
    for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
    if (reply.body === undefined) {
      res.end();
    } else if (typeof reply.body === 'string') {
      res.setHeader('content-type', 'text/plain; charset=UTF-8');
      res.end(reply.body);
    } else if (reply.body instanceof JobList) {
      res.setHeader('content-type', 'application/json; charset=UTF-8');
      await writeList(res, reply.body.jobs);
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
    answer(req)
      .then((answer) => respond(res, answer, arrived))
      .catch((error: unknown) => {
        if (!res.headersSent) return send(res, text(500, `Sandbox error: ${(error as Error).message}`));
        res.destroy();
        return 500;
      })
      .then((status) => {
        inFlight--;
        if (record) requests.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0] ?? '', start, end: Date.now(), status });
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

class JobList {
  constructor(readonly jobs: Job[]) {}
}

interface ParsedBody {
  value?: unknown;
  error?: string;
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

/** Writes a large array in slices, waiting for the socket to drain between them. */
async function writeList(res: ServerResponse, jobs: Job[]): Promise<void> {
  const SLICE = 500;
  res.write('[');
  for (let i = 0; i < jobs.length; i += SLICE) {
    const part = jobs.slice(i, i + SLICE).map((job) => JSON.stringify(listView(job))).join(',');
    const ok = res.write(i === 0 ? part : `,${part}`);
    if (!ok) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end(']');
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** undefined when absent, null when not a whole number of 0 or more. */
function nonNegativeInteger(value: string | null): number | undefined | null {
  if (value === null) return undefined;
  return /^\d+$/.test(value) ? Number(value) : null;
}
