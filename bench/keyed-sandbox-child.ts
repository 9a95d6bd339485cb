// The sandbox in a process of its own, holding the jobs of a data file ({"jobs": [...]}, the
// format of `sandbox --data`) in memory only, and counting the requests it answers:
//   node dist/bench/keyed-sandbox-child.js <data.json>
// Prints {"url", "jobs"} once listening; then reads commands on stdin, one a line, and answers
// each with one JSON line:
//   count  → the requests answered since the last count, by method ({"GET": 201, "PUT": 1000})
//   reset  → the account as the data file has it again (after an import changed it)
// Not `sandbox --data`: that one rewrites its data file after every change, which would put
// writing 100,000 jobs into the time of each update the import sends.
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Job } from '../src/api/types.js';
import { startSandbox } from '../src/sandbox/server.js';
import { BENCH_KEY } from './sandbox-process.js';

const [dataFile] = process.argv.slice(2) as [string];
const text = await readFile(dataFile, 'utf8');
const sandbox = await startSandbox({ port: 0, apiKeys: [BENCH_KEY], recordRequests: true });

function load(): void {
  for (const job of sandbox.store.all()) sandbox.store.delete(job);
  for (const job of (JSON.parse(text) as { jobs: Job[] }).jobs) sandbox.store.insert(job);
}

load();
console.log(JSON.stringify({ url: sandbox.url, jobs: sandbox.store.size }));

for await (const line of createInterface({ input: process.stdin })) {
  const command = line.trim();
  if (command === 'count') {
    const counts: Record<string, number> = {};
    for (const request of sandbox.requests) counts[request.method] = (counts[request.method] ?? 0) + 1;
    sandbox.requests.length = 0;
    console.log(JSON.stringify(counts));
  } else if (command === 'reset') {
    load();
    sandbox.requests.length = 0;
    console.log(JSON.stringify({ jobs: sandbox.store.size }));
  } else {
    console.log(JSON.stringify({ error: `unknown command ${JSON.stringify(command)}` }));
  }
}
await sandbox.close();
