// The same prepared payloads as post-child.ts, posted over node:http alone (no got), in a process
// of its own: what sending costs on this machine below the HTTP client the project uses.
//   node dist/bench/http-post-child.js <baseUrl> <payloads.jsonl> <concurrency>
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { BENCH_KEY } from './sandbox-process.js';

const [url, file, concurrency] = process.argv.slice(2) as [string, string, string];
const payloads = (await readFile(file, 'utf8')).trim().split('\n').map((line) => (JSON.parse(line) as { job: Record<string, unknown> }).job);
const target = new URL(`${url}/job`);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function post(job: Record<string, unknown>): Promise<unknown> {
  const body = JSON.stringify(job);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { hostname: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), accept: 'application/json', 'API-Key': BENCH_KEY } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => (response.statusCode === 201 || response.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`status ${response.statusCode}`))));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

let next = 0;
async function sender(): Promise<void> {
  while (next < payloads.length) await post(payloads[next++] as Record<string, unknown>);
}
await Promise.all(Array.from({ length: Number(concurrency) }, sender));
agent.destroy();
console.log(JSON.stringify({ rows: payloads.length }));
