// The sandbox's --data file: a write it acknowledged survives a SIGKILL (the sandbox in a process
// of its own, for the kill), and a damaged file is a plain message, exit 2 (in this process).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { CLI, cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { KEY } from './helpers/sandbox.js';

/** Starts `sandbox --data <file>` and resolves with its URL once it listens. */
function startSandbox(data: string): Promise<{ child: ChildProcessWithoutNullStreams; url: string; closed: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--api-key', KEY, '--data', data], { env: { PATH: process.env.PATH } });
    // Never left running, whatever happens to the test.
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const closed = new Promise<number | null>((done) => child.on('close', (code) => {
      clearTimeout(guard);
      done(code);
    }));
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /http:\/\/[^\s"]+\/api\/1/.exec(stdout)?.[0];
      if (url) resolve({ child, url, closed });
    });
    void closed.then((code) => reject(new Error(`the sandbox ended (${code}) before listening: ${stderr}`)));
  });
}

/** Runs `sandbox --data <file>` to its end: one that starts after all is stopped after 10 s. */
function runSandbox(data: string): Promise<{ code: number | null; stderr: string }> {
  return cli(['sandbox', '--port', '0', '--api-key', KEY, '--data', data], {}, { stopAfterMs: 10_000 });
}

describe('sandbox --data', () => {
  test('every write it acknowledged is in the file when it is killed right after the last answer', async () => {
    const data = path.join(await tempDir(), 'jobs.json');
    const first = await startSandbox(data);
    const client = createClient({ baseUrl: first.url, apiKey: KEY });
    const acknowledged: string[] = [];
    // 8 senders at a time, as an import sends; the last answers come in a burst.
    await Promise.all(Array.from({ length: 8 }, async (_, sender) => {
      for (let i = 0; i < 15; i++) acknowledged.push((await client.createJob({ title: `Job ${sender}-${i}` })).uuid as string);
    }));
    first.child.kill('SIGKILL');
    await first.closed;

    const second = await startSandbox(data);
    try {
      const kept = new Set<string>();
      for await (const job of createClient({ baseUrl: second.url, apiKey: KEY }).listJobs()) kept.add(job.uuid as string);
      expect(acknowledged.filter((uuid) => !kept.has(uuid))).toEqual([]);
      expect(kept.size).toBe(120);
    } finally {
      second.child.kill('SIGKILL');
      await second.closed;
    }
  });

  test.each([
    ['{"jobs": [{"id": 1', /it is not valid JSON/],
    ['[]', /expected an object \{"jobs": \[\.\.\.\]\}/],
    ['{"jobs": [{"title": "no id"}]}', /jobs\[0\] is not a job with a numeric id/],
  ])('a damaged data file (%s) is a plain message, exit 2', async (text, problem) => {
    const data = path.join(await tempDir(), 'jobs.json');
    await writeFile(data, text);
    const run = await runSandbox(data);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/The sandbox's data file cannot be loaded: /);
    expect(run.stderr).toMatch(problem);
    expect(run.stderr).not.toMatch(/bug|Unexpected error/i);
  });
});
