import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from '@jest/globals';
import { ANSWER_LIMITS, createClient } from '../src/api/client.js';
import { ApiError } from '../src/errors.js';
import { KEY } from './helpers/sandbox.js';

const FAST = { baseDelayMs: 5, maxDelayMs: 20 };
const MB = 1048576;

const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A server on loopback, port 0, answering every request with `reply`; gives the API's base URL. */
async function serve(reply: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<string> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => reply(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/1`;
}

/** Writes `head`, then `bytes` spaces (minding backpressure, stopping when the client goes), then `tail`. */
async function writeHuge(res: http.ServerResponse, head: string, bytes: number, tail: string): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(head);
  const spaces = Buffer.alloc(64 * 1024, ' ');
  for (let sent = 0; sent < bytes && !res.destroyed; sent += spaces.length) {
    if (!res.write(spaces)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done).off('close', done);
          resolve();
        };
        res.on('drain', done).on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end(tail);
}

/** Runs `work` and returns what it threw, and how far the resident memory rose above where it started. */
async function peakGrowth(work: () => Promise<unknown>): Promise<{ error: unknown; growthMb: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  let error: unknown;
  try {
    await work();
  } catch (caught) {
    error = caught;
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { error, growthMb: (peak - before) / MB };
}

describe('answer bodies are bounded', () => {
  test('a 40 MB answer to GET /version is an error naming the limit, read no further than it', async () => {
    const baseUrl = await serve((_req, res) => void writeHuge(res, '{"version":"', 40 * MB, '"}'));
    const client = createClient({ baseUrl, apiKey: KEY, retry: FAST });
    const { error, growthMb } = await peakGrowth(() => client.version());
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe("The server's answer to GET /version is larger than 16 MB, this tool's limit.");
    expect((error as ApiError).code).toBe('HTTP');
    expect(growthMb).toBeLessThan(100);
  });

  test('a 40 MB answer to a POST is the same error, and the outcome is unknown (the job may exist)', async () => {
    const baseUrl = await serve((_req, res) => void writeHuge(res, '{"id":1,"title":"', 40 * MB, '"}'));
    const client = createClient({ baseUrl, apiKey: KEY, retry: FAST });
    const { error, growthMb } = await peakGrowth(() => client.createJob({ title: 'x' }));
    expect((error as ApiError).message).toBe("The server's answer to POST /job is larger than 16 MB, this tool's limit.");
    expect((error as ApiError).outcomeUnknown).toBe(true);
    expect(growthMb).toBeLessThan(100);
  });

  test('a listing may be long, but one 40 MB job in it is an error naming the limit', async () => {
    const baseUrl = await serve((_req, res) => void writeHuge(res, '[{"id":1,"uuid":"u-1","title":"a"},{"id":2,"uuid":"u-2","title":"', 40 * MB, '"}]'));
    const client = createClient({ baseUrl, apiKey: KEY, retry: FAST });
    const seen: unknown[] = [];
    const { error, growthMb } = await peakGrowth(async () => {
      for await (const job of client.listJobs()) seen.push(job);
    });
    expect((error as ApiError).message).toBe(`A job in the server's answer to GET /job is larger than ${ANSWER_LIMITS.listElement / MB} MB, this tool's limit.`);
    expect(seen).toEqual([{ id: 1, uuid: 'u-1', title: 'a' }]);
    expect(growthMb).toBeLessThan(150);
  });
});

describe('a streamed listing times out on silence, not on its length', () => {
  test('a listing that takes longer than the whole-request timeout, a job every 100 ms, completes', async () => {
    const baseUrl = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      // Jobs 1 to 15 from the offset asked, one every 100 ms.
      let n = Number(new URL(req.url ?? '', 'http://x').searchParams.get('offset') ?? 0);
      if (n >= 15) return void res.end(']');
      const timer = setInterval(() => {
        n++;
        if (res.destroyed) return clearInterval(timer);
        if (n < 15) return void res.write(`{"id":${n},"uuid":"u-${n}"},`);
        clearInterval(timer);
        res.end(`{"id":${n},"uuid":"u-${n}"}]`);
      }, 100);
    });
    const client = createClient({ baseUrl, apiKey: KEY, retry: FAST, timeoutMs: 500, idleTimeoutMs: 1000 });
    const ids: unknown[] = [];
    for await (const job of client.listJobs()) ids.push(job.id);
    expect(ids).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  test('a listing that stalls is an error naming the idle timeout', async () => {
    const baseUrl = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[{"id":1,"uuid":"u-1"},');
    });
    const client = createClient({ baseUrl, apiKey: KEY, retry: { ...FAST, limit: 1 }, timeoutMs: 10_000, idleTimeoutMs: 300 });
    const ids: unknown[] = [];
    const started = Date.now();
    const error = await (async () => {
      for await (const job of client.listJobs()) ids.push(job.id);
    })().then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe(`The API at ${baseUrl} stopped sending GET /job (offset 0, limit 500): no bytes came for 0.3 s, this tool's idle timeout for a listing.`);
    expect(ids).toEqual([1]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
