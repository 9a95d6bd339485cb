// doctor, read-only: the account checked against each assumption over HTTP, against the sandbox
// and each of its switches for the other answer; the CLI in-process.
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { SandboxOptions } from '../src/sandbox/options.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

interface Check {
  id: string;
  assumption: string;
  title: string;
  verdict: 'holds' | 'does-not-hold' | 'not-checked';
  evidence: string;
  action: string | null;
}
interface Doc {
  status: string;
  baseUrl: string;
  write: boolean;
  checks: Check[];
  sample: { jobs: number; attributes: { name: string; jobs: number; known: boolean }[]; unseen: string[] };
  scratch: unknown;
  requests: number;
}

const READ = ['key', 'limit', 'offset', 'modified', 'list-fields', 'states', 'all-day-dates'];
const WRITE = ['post-uuid', 'put-creates', 'put-partial', 'put-answer', 'delete'];

async function doctor(options: SandboxOptions, args: string[] = []) {
  const s = await sandbox(options);
  const run = await cli(['doctor', '--json', ...args], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY });
  expect(run.stdout + run.stderr).not.toContain(KEY);
  const doc = JSON.parse(run.stdout) as Doc;
  const verdicts = Object.fromEntries(doc.checks.map((check) => [check.id, check.verdict]));
  const check = (id: string) => doc.checks.find((c) => c.id === id) as Check;
  return { s, run, doc, verdicts, check };
}

describe('doctor on a sandbox that answers as assumed', () => {
  test('every read-only check holds, the writes need --write; exit 0; at most 7 requests', async () => {
    const { run, doc, verdicts, s } = await doctor({ generate: 1200 });
    expect(run.code).toBe(0);
    expect(doc).toMatchObject({ status: 'ok', baseUrl: s.url, write: false, scratch: null });
    expect(doc.checks.map((c) => c.id)).toEqual([...READ, ...WRITE]);
    for (const id of READ) expect(verdicts[id]).toBe('holds');
    for (const id of WRITE) expect(doc.checks.find((c) => c.id === id)).toMatchObject({ verdict: 'not-checked', evidence: 'needs --write' });
    expect(doc.requests).toBeLessThanOrEqual(7);
    expect(s.requests.length).toBe(doc.requests);
    // Small pages but the first: the listing is never read whole.
    const pages = s.requests.filter((r) => r.path === '/api/1/job');
    expect(pages.map((r) => new URLSearchParams(r.query).get('limit'))).toEqual(['500', '2', '2', '2']);
  });

  test('each line names its assumption, what was seen and, when it does not hold, what to do', async () => {
    const { check } = await doctor({ generate: 1200, pageCap: 100 });
    expect(check('limit')).toMatchObject({
      assumption: 'LIST_PARAMS.limit',
      evidence: 'asked limit=500, got 100, and offset=99 brought more: the server caps its pages at 100',
      action: expect.stringContaining('reads on past a page shorter than asked'),
    });
    expect(check('offset')).toMatchObject({ assumption: 'LIST_PARAMS.offset', verdict: 'holds', action: null });
  });

  test('the attribute table: each attribute of the first page, how many carry it, known or not', async () => {
    const s = await sandbox({ generate: 30 });
    s.store.insert({ ...(s.jobs()[0] as object), id: 999_999, uuid: '0b8e2c1a-5d4f-4e3b-9a2c-1d0e9f8a7b6c', colour: 'red' });
    const run = await cli(['doctor', '--json'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY });
    const doc = JSON.parse(run.stdout) as Doc;
    expect(doc.sample.jobs).toBe(31);
    expect(doc.sample.attributes.find((a) => a.name === 'colour')).toEqual({ name: 'colour', jobs: 1, known: false });
    expect(doc.sample.attributes.find((a) => a.name === 'referenceNo')).toEqual({ name: 'referenceNo', jobs: 31, known: true });
    expect(doc.sample.unseen).toEqual(expect.arrayContaining(['items', 'events', 'signature']));
  });
});

describe('each switch for the other answer: that line does not hold, exit 3, the others still hold', () => {
  test.each<[string, SandboxOptions, string]>([
    ['--page-cap 100', { pageCap: 100 }, 'limit'],
    ['--ignore-limit', { ignoreLimit: true }, 'limit'],
    ['--ignore-offset', { ignoreOffset: true }, 'offset'],
    ['--ignore-modified', { ignoreModified: true }, 'modified'],
    ['--list-omits referenceNo', { listOmits: ['referenceNo'] }, 'list-fields'],
    ['--draft-state UTKAST', { draftState: 'UTKAST' }, 'states'],
  ])('%s', async (_name, options, id) => {
    const { run, doc, verdicts } = await doctor({ generate: 1200, ...options });
    expect(run.code).toBe(3);
    expect(doc.status).toBe('does-not-hold');
    for (const other of READ) expect([other, verdicts[other]]).toEqual([other, other === id ? 'does-not-hold' : 'holds']);
  });

  test('all-day dates that are not yyyy-MM-dd (a --data file holding such jobs)', async () => {
    const s = await sandbox({ generate: 20 });
    s.store.insert({ ...(s.jobs()[0] as object), id: 999_999, uuid: '0b8e2c1a-5d4f-4e3b-9a2c-1d0e9f8a7b6c', allDay: true, startTime: '03/01/2026', endTime: null });
    const run = await cli(['doctor', '--json'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY });
    expect(run.code).toBe(3);
    const doc = JSON.parse(run.stdout) as Doc;
    expect(doc.checks.find((c) => c.id === 'all-day-dates')).toMatchObject({ verdict: 'does-not-hold', evidence: expect.stringContaining('"03/01/2026" (job 999999)') });
  });

  test('a server that does not page (--ignore-limit): limit does not hold, on a large account and a small one', async () => {
    expect((await doctor({ generate: 1200, ignoreLimit: true })).check('limit')).toMatchObject({ verdict: 'does-not-hold', evidence: 'asked limit=500, got more than 500: the server does not page' });
    const small = await doctor({ generate: 30, ignoreLimit: true });
    expect(small.run.code).toBe(3);
    expect(small.check('limit')).toMatchObject({ verdict: 'does-not-hold', evidence: 'asked limit=2, got more than 2: the server does not page' });
    expect((await doctor({ generate: 30 })).check('limit').evidence).toBe('asked limit=500, got all 30 jobs of the account; limit=2, got 2');
  });

  test('a cap of 2 on an account of 10 is found; a cap of 100 on an account of 37 cannot matter and holds', async () => {
    expect((await doctor({ generate: 10, pageCap: 2 })).check('limit')).toMatchObject({ verdict: 'does-not-hold', evidence: expect.stringContaining('caps its pages at 2') });
    expect((await doctor({ generate: 37, pageCap: 100 })).check('limit')).toMatchObject({ verdict: 'holds', evidence: expect.stringContaining('got all 37 jobs') });
  });
});

describe('not fooled by an account with few jobs, or one that moves', () => {
  test.each([
    [0, 'the account has no jobs', 'the account has no jobs'],
    [1, 'the account has too few jobs to tell (1; it takes 3)', 'the account has too few jobs to tell (1; it takes 2)'],
    [2, 'the account has too few jobs to tell (2; it takes 3)', undefined],
  ])('%i jobs: paging not checked, exit 0', async (jobs, limit, offset) => {
    const { run, check } = await doctor({ generate: jobs });
    expect(run.code).toBe(0);
    expect(check('limit')).toMatchObject({ verdict: 'not-checked', evidence: limit });
    if (offset) expect(check('offset')).toMatchObject({ verdict: 'not-checked', evidence: offset });
    else expect(check('offset').verdict).toBe('holds');
    if (jobs === 0) for (const id of ['modified', 'list-fields', 'states', 'all-day-dates']) expect(check(id).verdict).toBe('not-checked');
  });

  test('another user at work while it reads (--churn): not checked, run again; nothing does not hold', async () => {
    const { run, check } = await doctor({ generate: 1200, churn: 5 });
    expect(run.code).toBe(0);
    expect(check('offset')).toMatchObject({ verdict: 'not-checked', evidence: expect.stringContaining('the list changed between two requests') });
  });
});

describe('doctor at the CLI', () => {
  test('human lines: the server, one line per assumption, the table, the counts', async () => {
    const s = await sandbox({ generate: 1200, pageCap: 100 });
    const run = await cli(['doctor'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY });
    expect(run.code).toBe(3);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`Coredination API at ${s.url}: version 2180 (build 2014-03-18_22-49-26).`);
    expect(lines).toContain('✗ does not hold  GET /job gives as many jobs as limit asks (LIST_PARAMS.limit): asked limit=500, got 100, and offset=99 brought more: the server caps its pages at 100. The tool reads on past a page shorter than asked until a page brings nothing new: nothing to do.');
    expect(lines).toContain('– not checked    POST /job keeps the uuid the client sends (POST_KEEPS_CLIENT_UUID): needs --write.');
    expect(lines.filter((line) => /^(✓|✗|–) /.test(line))).toHaveLength(12);
    expect(lines).toContain('Attributes of the first 100 jobs listed (one page), by how many carry a value:');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}referenceNo +100$/));
    expect(lines).toContain('12 assumptions: 6 hold, 1 does not hold, 5 not checked (7 requests, read-only).');
    expect(run.stderr).toContain(`Checking the account at ${s.url}`);
  });

  test('an unreachable server: exit 1, says so; --json gives the failure document', async () => {
    const s = await sandbox();
    const url = s.url;
    await s.close();
    const run = await cli(['doctor'], { COREDINATION_BASE_URL: url, COREDINATION_API_KEY: KEY });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Could not reach the API at ${url} (connection refused)`);
    const json = await cli(['doctor', '--json'], { COREDINATION_BASE_URL: url, COREDINATION_API_KEY: KEY });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'failed', error: { code: 'UNREACHABLE' } });
  });

  test('a wrong key: exit 1 with the message every command gives, no key, no stack', async () => {
    const s = await sandbox({ generate: 3 });
    const run = await cli(['doctor', '--write'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: 'wrong-key-xyz' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Error: The API at ${s.url} refused the API key (401 Invalid API key).`);
    expect(run.stderr).not.toContain('wrong-key-xyz');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(s.jobs()).toHaveLength(3);
  });

  test('the base URL and key from a config file, a flag winning over the environment, as for every command', async () => {
    const s = await sandbox({ generate: 5 });
    const config = path.join(await tempDir(), 'config.yaml');
    await writeFile(config, `baseUrl: ${s.url}\napiKey: ${KEY}\n`);
    await chmod(config, 0o600);
    expect((await cli(['doctor', '--config', config], {})).code).toBe(0);
    const flag = await cli(['doctor', '--base-url', s.url, '--api-key', KEY], { COREDINATION_BASE_URL: 'http://127.0.0.1:9/api/1', COREDINATION_API_KEY: 'other' });
    expect(flag.code).toBe(0);
    expect(flag.stdout + flag.stderr).not.toContain(KEY);
  });

  test('no key: exit 2, says where to put it; --help needs none', async () => {
    expect(await cli(['doctor'], {})).toMatchObject({ code: 2, stderr: expect.stringContaining('COREDINATION_API_KEY') });
    const help = await cli(['doctor', '--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--write');
    expect(help.stdout).toContain('--base-url');
  });
});
