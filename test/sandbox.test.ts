import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from '@jest/globals';
import { KEY, sandbox } from './helpers/sandbox.js';

const headers = { 'API-Key': KEY, 'Content-Type': 'application/json' };
const UUID = '0b9a4f7e-2c1d-4e8f-9a6b-3c5d7e9f1a2b';

async function call(url: string, method: string, body?: unknown) {
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), text, json: <T = Record<string, unknown>>() => JSON.parse(text) as T };
}

describe('sandbox jobs', () => {
  test('PUT to a new uuid creates it; PUT again updates only the fields sent', async () => {
    const { url } = await sandbox();
    const created = await call(`${url}/job/${UUID}`, 'PUT', { title: 'Byte av blandare', referenceNo: '00123' });
    expect(created.status).toBe(200);
    expect(created.json()).toMatchObject({ uuid: UUID, title: 'Byte av blandare', referenceNo: '00123', state: 'DRAFT' });
    const id = created.json<{ id: number }>().id;

    const updated = await call(`${url}/job/${UUID}`, 'PUT', { title: 'Byte av blandare i kök' });
    expect(updated.json()).toMatchObject({ id, uuid: UUID, title: 'Byte av blandare i kök', referenceNo: '00123' });
    expect(updated.json().modified as number).toBeGreaterThan(created.json().modified as number);

    const byId = await call(`${url}/job/${id}`, 'GET');
    const byUuid = await call(`${url}/job/${UUID}`, 'GET');
    expect(byId.json()).toEqual(byUuid.json());
    expect((await call(`${url}/job`, 'GET')).json()).toHaveLength(1);
  });

  test('DELETE answers 204, then the job is 404', async () => {
    const { url } = await sandbox();
    const job = (await call(`${url}/job`, 'POST', { title: 'x' })).json<{ id: number }>();
    expect((await call(`${url}/job/${job.id}`, 'DELETE')).status).toBe(204);
    const gone = await call(`${url}/job/${job.id}`, 'GET');
    expect(gone.status).toBe(404);
    expect(gone.type).toMatch(/^text\/plain/);
    expect((await call(`${url}/job/${job.id}`, 'DELETE')).status).toBe(404);
    expect((await call(`${url}/job/999999`, 'PUT', { title: 'y' })).status).toBe(404);
    expect((await call(`${url}/nothing`, 'GET')).status).toBe(404);
  });

  test.each([
    ['not JSON', '{"title": '],
    ['not an object', '[1,2]'],
    ['title not a string', { title: 5 }],
    ['startTime not a time', { startTime: 'tomorrow' }],
    ['duration negative', { duration: -5 }],
    ['allDay not a boolean', { allDay: 'yes' }],
    ['resources not an array', { resources: {} }],
    ['destinations not an array', { destinations: 'Storgatan 1' }],
    ['id set by the client', { id: 5 }],
    ['state set by the client', { state: 'FINISHED' }],
    ['reported set by the client', { reported: true }],
  ])('406 naming the attribute: %s', async (_name, body) => {
    const { url } = await sandbox();
    const response = await fetch(`${url}/job`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    expect(response.status).toBe(406);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const message = await response.text();
    if (typeof body === 'object') expect(message).toContain(Object.keys(body)[0]);
  });

  test('a date-only startTime on an allDay job is accepted', async () => {
    const { url } = await sandbox();
    const response = await call(`${url}/job`, 'POST', { title: 'Heldag', allDay: true, startTime: '2026-03-01', endTime: null });
    expect(response.status).toBe(200);
  });

  test('the list leaves out events, signature, documents, items and customFields; GET /job/:id has them', async () => {
    const { url } = await sandbox({ generate: 3 });
    const list = (await call(`${url}/job`, 'GET')).json<(Record<string, unknown> & { id: number })[]>();
    expect(list).toHaveLength(3);
    for (const job of list) {
      for (const field of ['events', 'signature', 'documents', 'items', 'customFields']) expect(job).not.toHaveProperty(field);
    }
    const full = (await call(`${url}/job/${list[0]?.id}`, 'GET')).json();
    expect(full).toHaveProperty('items');
    expect(full).toHaveProperty('customFields');
  });

  test('limit, offset and modified page and filter; bad values are 400', async () => {
    const { url } = await sandbox({ generate: 25 });
    const page = (q: string) => call(`${url}/job?${q}`, 'GET');
    const first = (await page('limit=10&offset=0')).json<{ id: number }[]>();
    const third = (await page('limit=10&offset=20')).json<{ id: number }[]>();
    expect(first).toHaveLength(10);
    expect(third).toHaveLength(5);
    expect(third[0]?.id).toBe((first[0]?.id ?? 0) + 20);

    const before = Date.now();
    await sleep(5);
    const changed = (await call(`${url}/job/${first[3]?.id}`, 'PUT', { title: 'Ändrad' })).json();
    const since = (await page(`modified=${before}`)).json<{ id: number }[]>();
    expect(since.map((j) => j.id)).toEqual([changed.id]);
    expect((await page(`modified=${new Date(before).toISOString()}`)).json()).toHaveLength(1);

    for (const bad of ['limit=-1', 'limit=ten', 'offset=1.5', 'modified=yesterday']) {
      const response = await page(bad);
      expect(response.status).toBe(400);
      expect(response.text).toContain(bad.split('=')[0]);
    }
  });

  test('generate makes realistic Swedish jobs, the same for the same seed', async () => {
    const a = await sandbox({ generate: 50, seed: 7 });
    const b = await sandbox({ generate: 50, seed: 7 });
    const jobs = a.jobs();
    expect(jobs).toHaveLength(50);
    expect(jobs.map((j) => [j.title, j.referenceNo, j.uuid])).toEqual(b.jobs().map((j) => [j.title, j.referenceNo, j.uuid]));
    expect(jobs.some((j) => /[åäöÅÄÖ]/.test(`${j.title}${j.customerName}${j.destinations?.[0]?.location?.placeName}`))).toBe(true);
    expect(jobs.every((j) => /^\d{7}$/.test(j.referenceNo ?? ''))).toBe(true);
    expect(jobs.some((j) => j.referenceNo?.startsWith('0'))).toBe(true);
    expect(new Set(jobs.map((j) => j.state))).toEqual(new Set(['DRAFT', 'SCHEDULED', 'FINISHED']));
  });

  test('data: loaded at start and written atomically after changes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cdb-sandbox-'));
    const data = path.join(dir, 'jobs.json');
    const first = await sandbox({ data });
    await call(`${first.url}/job`, 'POST', { title: 'Sparad' });
    await first.close();
    const saved = JSON.parse(await readFile(data, 'utf8')) as { jobs: { title: string }[] };
    expect(saved.jobs.map((j) => j.title)).toEqual(['Sparad']);

    const second = await sandbox({ data });
    expect(second.jobs().map((j) => j.title)).toEqual(['Sparad']);
    const next = (await call(`${second.url}/job`, 'POST', { title: 'Nästa' })).json();
    expect(next.id).toBeGreaterThan(second.jobs()[0]?.id as number);
  });

  test('a read-only key may list but gets 403 on writes', async () => {
    const { url } = await sandbox({ readOnlyKeys: ['reader'] });
    const list = await fetch(`${url}/job`, { headers: { 'API-Key': 'reader' } });
    expect(list.status).toBe(200);
    const post = await fetch(`${url}/job`, { method: 'POST', headers: { 'API-Key': 'reader' }, body: '{}' });
    expect(post.status).toBe(403);
  });
});

describe('sandbox faults', () => {
  test('failRate answers 500, 503 and 429 (the last two with Retry-After), reproducibly for a seed', async () => {
    const statuses = async (seed: number) => {
      const { url } = await sandbox({ failRate: 0.5, seed, retryAfter: 2 });
      const out: string[] = [];
      for (let i = 0; i < 60; i++) {
        const response = await fetch(`${url}/job`, { headers });
        out.push(`${response.status}:${response.headers.get('retry-after') ?? ''}`);
      }
      return out;
    };
    const first = await statuses(42);
    expect(await statuses(42)).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['200:', '500:', '503:2', '429:2']));
  });

  test('rateLimit answers 429 with Retry-After beyond n requests per second', async () => {
    const { url } = await sandbox({ rateLimit: 5, retryAfter: 1 });
    const responses = await Promise.all(Array.from({ length: 12 }, () => fetch(`${url}/job`, { headers })));
    const limited = responses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(12 - 10); // at most 5 per second, the burst may straddle two seconds
    expect(limited[0]?.headers.get('retry-after')).toBe('1');
  });

  test('dropAfterCommit stores the job and destroys the connection; dropBeforeCommit stores nothing', async () => {
    const after = await sandbox({ dropAfterCommit: 1 });
    await expect(fetch(`${after.url}/job`, { method: 'POST', headers, body: '{"title":"x"}' })).rejects.toThrow();
    expect(after.jobs()).toHaveLength(1);

    const before = await sandbox({ dropBeforeCommit: 1 });
    await expect(fetch(`${before.url}/job`, { method: 'POST', headers, body: '{"title":"x"}' })).rejects.toThrow();
    expect(before.jobs()).toHaveLength(0);
  });

  test('latency delays every answer and the request log records it', async () => {
    const s = await sandbox({ latency: 60 });
    const started = Date.now();
    await fetch(`${s.url}/job`, { headers });
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]).toMatchObject({ method: 'GET', status: 200 });
  });

  test('holds 100,000 generated jobs and pages through them', async () => {
    const s = await sandbox({ generate: 100_000, recordRequests: false });
    const last = await call(`${s.url}/job?limit=1000&offset=99000`, 'GET');
    expect(last.json()).toHaveLength(1000);
  });
});
