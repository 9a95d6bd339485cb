// Requests per second the sandbox sustains for POST /job over loopback, from the project's own
// client and from a bare got + p-limit loop (the ceiling the uploader is held to).
import http from 'node:http';
import got from 'got';
import pLimit from 'p-limit';
import { createClient } from '../src/api/client.js';
import { BENCH_KEY, startSandboxProcess, timed } from './sandbox-process.js';

const REQUESTS = 4000;

async function run(concurrency: number, send: (i: number) => Promise<unknown>): Promise<number> {
  const limit = pLimit(concurrency);
  const seconds = await timed(() => Promise.all(Array.from({ length: REQUESTS }, (_, i) => limit(() => send(i)))));
  return REQUESTS / seconds;
}

/** The lightest possible client (node:http, keep-alive): what the sandbox itself can take. */
function bareHttp(url: string, concurrency: number) {
  const target = new URL(`${url}/job`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  return (i: number) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ title: `Service ${i}` });
      const request = http.request(target, { method: 'POST', agent, headers: { 'API-Key': BENCH_KEY, 'content-type': 'application/json' } }, (response) => {
        response.resume();
        response.on('end', resolve);
      });
      request.on('error', reject);
      request.end(body);
    });
}

export async function apiThroughput(): Promise<void> {
  const sandbox = await startSandboxProcess();
  try {
    const client = createClient({ baseUrl: sandbox.url, apiKey: BENCH_KEY });
    const raw = got.extend({ prefixUrl: sandbox.url, headers: { 'API-Key': BENCH_KEY }, retry: { limit: 0 } });
    const payload = (i: number) => ({ title: `Service av värmepump ${i}`, referenceNo: String(i).padStart(7, '0'), duration: 60 });
    await run(8, (i) => client.createJob(payload(i))); // warm up both sides
    console.log('POST /job against the sandbox (own process), 4,000 requests each');
    console.log('concurrency | client req/s | got+p-limit req/s | client/raw | node:http req/s (sandbox ceiling)');
    for (const concurrency of [1, 8, 32]) {
      const ours = await run(concurrency, (i) => client.createJob(payload(i)));
      const bare = await run(concurrency, (i) => raw.post('job', { json: payload(i) }).json());
      const ceiling = await run(concurrency, bareHttp(sandbox.url, concurrency));
      console.log(
        `${String(concurrency).padStart(11)} | ${ours.toFixed(0).padStart(12)} | ${bare.toFixed(0).padStart(17)} | ${(ours / bare).toFixed(2).padStart(10)} | ${ceiling.toFixed(0).padStart(8)}`,
      );
    }
  } finally {
    await sandbox.stop();
  }
}
