// doctor --write: two scratch draft jobs made, asked about and removed, over HTTP against the
// sandbox and each of its switches for the other answer; removed also when a check fails or the
// run is stopped, and named when they cannot be.
import { spawn } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { runDoctor } from '../src/doctor/run-doctor.js';
import { SCRATCH_TITLE } from '../src/doctor/scratch.js';
import type { Reporter } from '../src/reporter.js';
import type { Sandbox, SandboxOptions } from '../src/sandbox/options.js';
import { cli } from './helpers/cli.js';
import { CLI } from './helpers/cli.js';
import { KEY, sandbox } from './helpers/sandbox.js';

interface Doc {
  status: string;
  checks: { id: string; verdict: string; evidence: string; action: string | null }[];
  scratch: { made: { uuid: string; id?: number }[]; removed: { uuid: string }[]; left: { uuid: string; id?: number }[] } | null;
}

const WRITE = ['post-uuid', 'put-creates', 'put-partial', 'put-answer', 'delete'];
const scratchJobs = (s: Sandbox) => s.jobs().filter((job) => String(job.title).startsWith(SCRATCH_TITLE));

async function doctorWrite(options: SandboxOptions, key = KEY) {
  const s = await sandbox({ generate: 20, ...options });
  const run = await cli(['doctor', '--write', '--json'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: key });
  expect(run.stdout + run.stderr).not.toContain(KEY);
  const doc = JSON.parse(run.stdout) as Doc;
  const check = (id: string) => doc.checks.find((c) => c.id === id);
  return { s, run, doc, check, verdicts: Object.fromEntries(doc.checks.map((c) => [c.id, c.verdict])) };
}

describe('doctor --write', () => {
  test('every assumption holds on the sandbox; both scratch jobs made and removed; exit 0', async () => {
    const { s, run, doc, verdicts } = await doctorWrite({});
    expect(run.code).toBe(0);
    expect(Object.values(verdicts)).toEqual(Array(12).fill('holds'));
    expect(doc.scratch?.made).toHaveLength(2);
    expect(doc.scratch?.removed).toEqual(doc.scratch?.made);
    expect(doc.scratch?.left).toEqual([]);
    expect(scratchJobs(s)).toEqual([]);
    expect(s.jobs()).toHaveLength(20);
    // The draft it made had a client uuid, kept; a DELETE each, then a GET answered 404.
    const writes = s.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.status}`);
    expect(writes).toEqual(['POST 200', 'PUT 200', 'PUT 200', 'DELETE 204', 'DELETE 204']);
  });

  test('the human report says what it made and removed', async () => {
    const s = await sandbox({ generate: 5 });
    const run = await cli(['doctor', '--write'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Scratch jobs: made 2 \(100006, 100007\), removed both\.$/m);
    expect(run.stdout).toMatch(/^✓ holds {10}PUT leaves the attributes its body does not name as they are \(PUT_IS_PARTIAL\): PUT to job 100006 with only a title left its description as it was\.$/m);
  });

  test.each<[string, SandboxOptions, string, RegExp]>([
    ['--ignore-post-uuid', { ignorePostUuid: true }, 'post-uuid', /made job \d+ under another/],
    ['--put-no-create', { putNoCreate: true }, 'put-creates', /a uuid no job has, answered 404/],
    ['--put-replaces', { putReplaces: true }, 'put-partial', /cleared its description/],
    ['--hide-created', { hideCreated: true }, 'put-answer', /answered no created: an update looks like a create/],
    ['--draft-state UTKAST', { draftState: 'UTKAST' }, 'states', /made without resources, is in state "UTKAST", not DRAFT/],
  ])('%s: that line does not hold, exit 3, the others hold, nothing left', async (_name, options, id, evidence) => {
    const { s, run, doc, verdicts, check } = await doctorWrite(options);
    expect(run.code).toBe(3);
    for (const other of Object.keys(verdicts)) expect([other, verdicts[other]]).toEqual([other, other === id ? 'does-not-hold' : 'holds']);
    expect(check(id)?.evidence).toMatch(evidence);
    expect(check(id)?.action).toEqual(expect.any(String));
    expect(doc.scratch?.left).toEqual([]);
    expect(scratchJobs(s)).toEqual([]);
  });

  test('--put-replaces says which flag to give', async () => {
    const { check } = await doctorWrite({ putReplaces: true });
    expect(check('put-partial')?.action).toMatch(/^Give import --put-replaces/);
  });

  test('--ignore-delete: the delete does not hold, and the jobs it could not remove are named for the user', async () => {
    const s = await sandbox({ generate: 3, ignoreDelete: true });
    const run = await cli(['doctor', '--write'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY });
    expect(run.code).toBe(3);
    const left = scratchJobs(s);
    expect(left).toHaveLength(2);
    for (const job of left) expect(run.stdout).toContain(`The scratch job ${job.id} (uuid ${job.uuid}) could not be removed: delete it in Coredination.`);
    expect(run.stdout).toMatch(/^✗ does not hold {2}DELETE \/job\/\{id\} removes the job, GET answers 404 after \(DELETE_REMOVES\): DELETE of job 100004 was answered as done, but GET still has the job\./m);
  });

  test('a read-only key: the writes are not checked, the key may not write; nothing made; exit 0', async () => {
    const { s, run, doc, check } = await doctorWrite({ readOnlyKeys: ['read-only-key'] }, 'read-only-key');
    expect(run.code).toBe(0);
    for (const id of WRITE) expect(check(id)).toMatchObject({ verdict: 'not-checked', evidence: 'the key may not write (POST /job answered 403)' });
    expect(doc.scratch).toEqual({ made: [], removed: [], left: [], unseen: 0 });
    expect(s.jobs()).toHaveLength(20);
  });
});

describe('what --write made is removed whatever happens', () => {
  /** A reporter that runs `on` before each request the doctor makes, with its label. */
  const hearing = (on: (label: string) => void, lines: string[] = []): Reporter => ({
    info: (line) => lines.push(line),
    warn: (line) => lines.push(`warn: ${line}`),
    detail: (line) => on(line.replace(/^doctor: /, '')),
  });

  test('a failure mid-way (a web page answers the PUT): the run fails, the draft made before is removed, and said', async () => {
    const s = await sandbox({ generate: 3 });
    const lines: string[] = [];
    const reporter = hearing((label) => s.setFaults({ quirks: label.startsWith('PUT') ? ['html'] : [] }), lines);
    const client = createClient({ baseUrl: s.url, apiKey: KEY, retry: { baseDelayMs: 1 } });
    await expect(runDoctor({ client, write: true, reporter })).rejects.toMatchObject({ code: 'HTTP', message: expect.stringContaining('PUT /job/') });
    expect(scratchJobs(s)).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(/^Removed the scratch job 100004 \(uuid [0-9a-f-]{36}\)\.$/));
  });

  test('the POST answer lost on a server that gives jobs uuids of its own: the job it may have made is named by its title', async () => {
    const s = await sandbox({ generate: 3, ignorePostUuid: true, dropAfterCommit: 1 });
    const lines: string[] = [];
    const client = createClient({ baseUrl: s.url, apiKey: KEY, retry: { baseDelayMs: 1 } });
    await expect(runDoctor({ client, write: true, reporter: hearing(() => undefined, lines) })).rejects.toMatchObject({ code: 'UNREACHABLE' });
    // Made under the server's own uuid, which no answer told: it cannot be found to be removed.
    expect(scratchJobs(s)).toHaveLength(1);
    expect(lines).toContainEqual(`warn: A write of a scratch job went unanswered, and no job holds the uuid sent: a server that gives jobs uuids of its own may have made one all the same. Look for "${SCRATCH_TITLE}" in Coredination and delete what you find.`);
  });

  test('stopped (Ctrl+C) before the first PUT: INTERRUPTED, and the draft the POST made is removed', async () => {
    const s = await sandbox({ generate: 3 });
    const controller = new AbortController();
    const reporter = hearing((label) => label.startsWith('PUT') && controller.abort());
    const client = createClient({ baseUrl: s.url, apiKey: KEY });
    await expect(runDoctor({ client, write: true, reporter, signal: controller.signal })).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(scratchJobs(s)).toEqual([]);
    expect(s.jobs()).toHaveLength(3);
  });

  test('SIGINT to the command while it writes: it removes its scratch job before it exits 1', async () => {
    // Its own process: the signal. Each answer takes 150 ms, so the POST is answered while the test looks.
    const s = await sandbox({ generate: 3, latency: 150 });
    const child = spawn(process.execPath, [CLI, 'doctor', '--write'], { env: { PATH: process.env.PATH, COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (!scratchJobs(s).length) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(scratchJobs(s)).toEqual([]);
    expect(stderr).toMatch(/Removed the scratch job 10000\d/);
    expect(stderr).toMatch(/Interrupted while/);
  });
});
