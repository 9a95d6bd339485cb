// Every example of the API's Getting Started guide, sent over HTTP to the sandbox.
import { describe, expect, test } from '@jest/globals';
import { KEY, sandbox } from './helpers/sandbox.js';

describe('Getting Started examples against the sandbox', () => {
  test('GET /version answers the same without a key, with ?api_key= and with the API-Key header', async () => {
    const { url } = await sandbox();
    const bare = await fetch(`${url}/version`);
    const query = await fetch(`${url}/version?api_key=${KEY}`);
    const headed = await fetch(`${url}/version`, { headers: { 'API-Key': KEY } });
    for (const response of [bare, query, headed]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    }
    const bodies = await Promise.all([bare.json(), query.json(), headed.json()]);
    expect(bodies[0]).toEqual({ id: '2014-03-18_22-49-26', builduser: 'jenkins', version: '2180' });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  test('a wrong key is refused with 401 text/plain "Invalid API key", on /version too', async () => {
    const { url } = await sandbox();
    for (const path of ['/version', '/job']) {
      const response = await fetch(`${url}${path}`, { headers: { 'API-Key': 'wrong' } });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('Invalid API key');
    }
    const missing = await fetch(`${url}/job`);
    expect(missing.status).toBe(401);
  });

  test('the key and a token are accepted in all four forms', async () => {
    const { url } = await sandbox();
    const forms = [
      fetch(`${url}/job?api_key=${KEY}&api_token=t0ken`),
      fetch(`${url}/job`, { headers: { 'API-Key': KEY, 'API-Token': 't0ken' } }),
      fetch(`${url}/job?api_token=t0ken`, { headers: { 'API-Key': KEY } }),
      fetch(`${url}/job?api_key=${KEY}`, { headers: { 'API-Token': 't0ken' } }),
    ];
    for (const response of await Promise.all(forms)) expect(response.status).toBe(200);
  });

  test('GET /job lists; POST /job {"title":"API Test"} creates a draft with a numeric id, then listed', async () => {
    const { url } = await sandbox();
    const headers = { 'API-Key': KEY, 'Content-Type': 'application/json; charset=UTF-8' };
    const empty = await fetch(`${url}/job`, { headers });
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual([]);

    const created = await fetch(`${url}/job`, { method: 'POST', headers, body: JSON.stringify({ title: 'API Test' }) });
    expect(created.status).toBe(200);
    const job = (await created.json()) as Record<string, unknown>;
    expect(typeof job.id).toBe('number');
    expect(job.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(job.title).toBe('API Test');
    expect(job.state).toBe('DRAFT');

    const list = (await (await fetch(`${url}/job`, { headers })).json()) as Record<string, unknown>[];
    expect(list.map((j) => j.id)).toEqual([job.id]);
  });
});
