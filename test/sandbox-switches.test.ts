// The sandbox's switches for the answers a real server may give instead of the assumed ones, and its
// hostile answers, seen over HTTP as any client would see them.
import { describe, expect, test } from '@jest/globals';
import { KEY, sandbox } from './helpers/sandbox.js';

const headers = { 'API-Key': KEY, 'Content-Type': 'application/json' };

async function get(url: string) {
  const response = await fetch(url, { headers, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), location: response.headers.get('location'), text, json: () => JSON.parse(text) as ({ id: number; uuid?: string } | null)[] };
}

describe('paging switches', () => {
  test('pageCap: at most n jobs whatever limit asks, and without one', async () => {
    const { url } = await sandbox({ generate: 30, pageCap: 7 });
    expect((await get(`${url}/job?limit=20`)).json()).toHaveLength(7);
    expect((await get(`${url}/job`)).json()).toHaveLength(7);
    expect((await get(`${url}/job?limit=3`)).json()).toHaveLength(3);
  });

  test('ignoreLimit: a page runs to the end of the list', async () => {
    const { url } = await sandbox({ generate: 30, ignoreLimit: true });
    expect((await get(`${url}/job?limit=5&offset=10`)).json()).toHaveLength(20);
  });

  test('ignoreOffset: every page starts at the first job; without it, at the offset', async () => {
    const plain = await sandbox({ generate: 30 });
    const ignoring = await sandbox({ generate: 30, ignoreOffset: true });
    expect((await get(`${plain.url}/job?limit=5&offset=10`)).json()[0]?.id).toBe(100011);
    expect((await get(`${ignoring.url}/job?limit=5&offset=10`)).json()[0]?.id).toBe(100001);
  });

  test('ignoreModified: every job, whatever modified asks', async () => {
    const plain = await sandbox({ generate: 30 });
    const ignoring = await sandbox({ generate: 30, ignoreModified: true });
    const now = Date.now();
    expect((await get(`${plain.url}/job?modified=${now}`)).json()).toHaveLength(0);
    expect((await get(`${ignoring.url}/job?modified=${now}`)).json()).toHaveLength(30);
  });

  test('churn: between the first page of a listing and the next, n oldest jobs go and n new ones come, once', async () => {
    const s = await sandbox({ generate: 30, churn: 4 });
    const first = (await get(`${s.url}/job?limit=10&offset=0`)).json();
    expect(first[0]?.id).toBe(100001);
    const second = (await get(`${s.url}/job?limit=10&offset=9`)).json();
    expect(second[0]?.id).toBe(100014); // 100001–100004 deleted: the list moved by four
    expect(s.jobs()).toHaveLength(30);
    expect(s.jobs().at(-1)?.id).toBe(100034);
    await get(`${s.url}/job?limit=10&offset=19`);
    expect(s.jobs()[0]?.id).toBe(100005); // once a listing
  });

  test('trickle: a listing comes one byte at a time', async () => {
    const { url } = await sandbox({ generate: 1, trickle: 2 });
    const started = Date.now();
    const list = await get(`${url}/job`);
    expect(list.json()).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(list.text.length * 2 * 0.8);
  });
});

describe('hostile answers', () => {
  test('null-in-list, job-without-uuid, job-listed-twice: in the middle of the account', async () => {
    const nulls = await sandbox({ generate: 10, quirks: ['null-in-list'] });
    const list = (await get(`${nulls.url}/job`)).json();
    expect(list).toHaveLength(11);
    expect(list[6]).toBeNull();
    const noUuid = (await get(`${(await sandbox({ generate: 10, quirks: ['job-without-uuid'] })).url}/job`)).json();
    expect(noUuid.filter((job) => job?.uuid === undefined).map((job) => job?.id)).toEqual([100006]);
    const twice = (await get(`${(await sandbox({ generate: 10, quirks: ['job-listed-twice'] })).url}/job`)).json();
    expect(twice.map((job) => job?.id).filter((id) => id === 100006)).toHaveLength(2);
  });

  test('html: 200 text/html for everything under /job', async () => {
    const { url } = await sandbox({ generate: 2, quirks: ['html'] });
    for (const path of ['/job', '/job/100001']) {
      const answer = await get(`${url}${path}`);
      expect(answer).toMatchObject({ status: 200, type: 'text/html; charset=UTF-8' });
      expect(answer.text).toMatch(/^<!DOCTYPE html>/);
    }
  });

  test('redirect-writes: 303 to a login page answering 200 JSON; nothing stored', async () => {
    const s = await sandbox({ quirks: ['redirect-writes'] });
    const post = await fetch(`${s.url}/job`, { method: 'POST', headers, body: '{"title":"x"}', redirect: 'manual' });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe('/login');
    const login = await fetch(new URL('/login', s.url));
    expect(login.status).toBe(200);
    expect(await login.json()).toEqual({ login: 'required', next: '/api/1/job' });
    expect(s.jobs()).toHaveLength(0);
  });

  test('empty-lookup: GET /job/:id answers 200 {}, for a job there and one not', async () => {
    const { url } = await sandbox({ generate: 1, quirks: ['empty-lookup'] });
    for (const id of ['100001', '999']) {
      const answer = await get(`${url}/job/${id}`);
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('{}');
    }
  });
});

describe('switches for the other answers doctor looks for', () => {
  const send = async (url: string, method: string, body?: unknown) => {
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };
  const uuid = '6f1c2b9e-3d4a-4c5b-8e7f-0a1b2c3d4e5f';

  test('putNoCreate: PUT to a uuid no job has is 404, nothing stored; PUT to a job still updates', async () => {
    const s = await sandbox({ generate: 1, putNoCreate: true });
    expect((await send(`${s.url}/job/${uuid}`, 'PUT', { title: 'x' })).status).toBe(404);
    expect(s.jobs()).toHaveLength(1);
    expect((await send(`${s.url}/job/100001`, 'PUT', { title: 'y' })).json()).toMatchObject({ id: 100001, title: 'y' });
  });

  test('ignoreDelete: DELETE answers 204 and the job stays', async () => {
    const s = await sandbox({ generate: 1, ignoreDelete: true });
    expect((await send(`${s.url}/job/100001`, 'DELETE')).status).toBe(204);
    expect((await get(`${s.url}/job/100001`)).status).toBe(200);
  });

  test('listOmits: the listing leaves the attribute out, the job alone has it', async () => {
    const s = await sandbox({ generate: 2, listOmits: ['referenceNo'] });
    expect((await get(`${s.url}/job`)).json().map((job) => job && 'referenceNo' in job)).toEqual([false, false]);
    expect((await send(`${s.url}/job/100001`, 'GET')).json().referenceNo).toMatch(/^\d{7}$/);
  });

  test('hideCreated: no created in any answer; the store keeps it', async () => {
    const s = await sandbox({ generate: 1, hideCreated: true });
    expect((await send(`${s.url}/job/100001`, 'GET')).json()).not.toHaveProperty('created');
    expect((await send(`${s.url}/job/${uuid}`, 'PUT', { title: 'x' })).json()).not.toHaveProperty('created');
    expect((await get(`${s.url}/job`)).json()[0]).not.toHaveProperty('created');
    expect(s.jobs()[0]).toHaveProperty('created');
  });

  test('draftState: a job without resources is answered in that state, listed and alone', async () => {
    const s = await sandbox({ draftState: 'UTKAST' });
    const made = (await send(`${s.url}/job`, 'POST', { title: 'x' })).json();
    expect(made.state).toBe('UTKAST');
    expect((await get(`${s.url}/job`)).json()[0]).toMatchObject({ state: 'UTKAST' });
    expect(s.jobs()[0]?.state).toBe('DRAFT');
  });

  test('readOnlyKeys: reads work, writes are 403', async () => {
    const s = await sandbox({ generate: 1, readOnlyKeys: ['ro-key'] });
    const ro = { 'API-Key': 'ro-key', 'Content-Type': 'application/json' };
    expect((await fetch(`${s.url}/job`, { headers: ro })).status).toBe(200);
    expect((await fetch(`${s.url}/job`, { method: 'POST', headers: ro, body: '{}' })).status).toBe(403);
  });
});
