// A bare got + p-limit script posting prepared payloads, run as a process of its own, so that
// the whole import command can be set beside the same stack with nothing of ours:
//   node dist/bench/post-child.js <baseUrl> <payloads.jsonl> <concurrency>
import { readFile } from 'node:fs/promises';
import got from 'got';
import pLimit from 'p-limit';
import { BENCH_KEY } from './sandbox-process.js';

const [url, file, concurrency] = process.argv.slice(2) as [string, string, string];
const payloads = (await readFile(file, 'utf8')).trim().split('\n').map((line) => (JSON.parse(line) as { job: Record<string, unknown> }).job);
const api = got.extend({ prefixUrl: url, headers: { 'API-Key': BENCH_KEY }, retry: { limit: 0 } });
const limit = pLimit(Number(concurrency));
await Promise.all(payloads.map((json) => limit(() => api.post('job', { json }).json())));
console.log(JSON.stringify({ rows: payloads.length }));
