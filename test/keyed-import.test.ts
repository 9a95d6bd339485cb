import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { applyUndo } from '../src/undo/apply-undo.js';
import { planUndo } from '../src/undo/plan-undo.js';
import { runOf } from '../src/undo/run-of.js';
import { runImport, type ImportOptions } from '../src/import/run-import.js';
import { checkMapping, loadMapping } from '../src/mapping/load-mapping.js';
import type { Mapping } from '../src/mapping/types.js';
import { cellText } from '../src/readers/cell.js';
import type { Sandbox } from '../src/sandbox/server.js';
import { stopController } from '../src/util/stop-controller.js';
import { readAll, tempDir } from './helpers/files.js';
import { jobsCsv } from './helpers/jobs-file.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50 };

async function keyedMapping(): Promise<Mapping> {
  const { mapping } = await loadMapping();
  return { ...mapping, key: 'Reference no' };
}

function client(s: Sandbox) {
  return createClient({ baseUrl: s.url, apiKey: KEY });
}

async function importInto(s: Sandbox, file: string, extra: Partial<ImportOptions> = {}) {
  return runImport({
    file,
    mapping: extra.mapping ?? (await keyedMapping()),
    client: client(s),
    rate: 0,
    concurrency: 8,
    retry: FAST_RETRY,
    stateDir: extra.stateDir ?? (await tempDir()),
    ...extra,
  });
}

/** Requests that change something, since `mark`. */
const writes = (s: Sandbox, mark: number) => s.requests.slice(mark).filter((r) => r.method !== 'GET');

describe('keyed import against the account', () => {
  test('a job made outside the tool is matched by its referenceNo and updated, not duplicated', async () => {
    const s = await sandbox();
    const made = await client(s).createJob({ title: 'Made in the app', referenceNo: '0000001', customerName: 'Kept' });
    const file = await jobsCsv(await tempDir(), 3);
    const summary = await importInto(s, file);
    expect(summary.counts).toMatchObject({ created: 2, updated: 1 });
    expect(s.jobs().filter((j) => j.referenceNo === '0000001')).toHaveLength(1);
    const job = await client(s).getJob(made.uuid as string);
    expect(job.title).toBe('Service av värmepump 1');
    expect(job.customerName).toBe('Kept'); // a field the file does not name is left alone
  });

  test('a re-import of an unchanged file sends nothing; a changed row sends only its changed fields', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const file = await jobsCsv(dir, 40);
    await importInto(s, file);
    let mark = s.requests.length;
    const again = await importInto(s, file, { fresh: true });
    expect(again.counts).toMatchObject({ unchanged: 40, created: 0, updated: 0 });
    expect(writes(s, mark)).toHaveLength(0);

    const text = (await readAll(file)).rows.map((r) => r.cells.map(cellText).join(';'));
    text[4] = text[4]!.replace('Service av värmepump 5', 'Service av värmepump 5, 2 st');
    await writeFile(file, `Title;Reference no;Start;Duration\r\n${text.join('\r\n')}\r\n`);
    mark = s.requests.length;
    const plan = path.join(dir, 'plan.csv');
    const changed = await importInto(s, file, { planFile: plan });
    expect(changed.counts).toMatchObject({ unchanged: 39, updated: 1 });
    expect(changed.plan?.updates).toEqual(['row 6 (0000005): title: "Service av värmepump 5" → "Service av värmepump 5, 2 st"']);
    const sent = writes(s, mark);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe('PUT');
    const results = await readAll(changed.resultsFile as string);
    const row6 = results.rows.find((r) => r.cells[0] === '6');
    expect(row6?.cells.slice(1, 5)).toEqual(['updated', expect.any(String), expect.any(String), 'title']);
    const planned = await readAll(plan);
    expect(planned.header.slice(0, 6)).toEqual(['Row', 'Action', 'Key', 'Job id', 'UUID', 'Changes']);
    expect(planned.rows.map((r) => r.cells[1])).toEqual([...Array<string>(4).fill('unchanged'), 'update', ...Array<string>(35).fill('unchanged')]);
  });

  test('the dry run plans against the account and sends nothing', async () => {
    const s = await sandbox();
    const file = await jobsCsv(await tempDir(), 5);
    await client(s).createJob({ title: 'Old title', referenceNo: '0000002' });
    const mark = s.requests.length;
    const plan = await importInto(s, file, { dryRun: true });
    expect(plan.plan).toMatchObject({ counts: { create: 4, update: 1, unchanged: 0, rejected: 0 }, account: { jobs: 1 } });
    expect(plan.plan?.updates[0]).toMatch(/^row 3 \(0000002\): title: "Old title" → "Service av värmepump 2"/);
    expect(writes(s, mark)).toHaveLength(0);
  });

  test('a key held by several jobs is a problem on that row, with their ids; nothing is sent for it', async () => {
    const s = await sandbox();
    const a = await client(s).createJob({ title: 'A', referenceNo: '0000003' });
    const b = await client(s).createJob({ title: 'B', referenceNo: '0000003' });
    const file = await jobsCsv(await tempDir(), 4);
    const summary = await importInto(s, file);
    expect(summary.counts).toMatchObject({ created: 3, rejected: 1 });
    const results = await readAll(summary.resultsFile as string);
    const reason = results.rows.find((r) => r.cells[0] === '4')?.cells[5];
    expect(reason).toContain(`held by 2 jobs in the account (ids ${a.id}, ${b.id})`);
    expect((await client(s).getJob(a.uuid as string)).title).toBe('A');
  });

  test('two mappings keyed on different fields with the same values never name the same job', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const one = path.join(dir, 'one.csv');
    const two = path.join(dir, 'two.csv');
    await writeFile(one, 'Ordernr;Titel\n0010000;Från affärssystemet\n0010001;Två\n');
    await writeFile(two, 'Order nr;Titel\n0010000;Från ett annat system\n0010002;Tre\n');
    const { mapping: first } = await checkMapping({ key: 'Ordernr', columns: [{ column: 'Ordernr', field: 'referenceNo' }, { column: 'Titel', field: 'title' }] }, 'one');
    const { mapping: second } = await checkMapping({ key: 'Order nr', columns: [{ column: 'Order nr', field: 'description' }, { column: 'Titel', field: 'title' }] }, 'two');
    await importInto(s, one, { mapping: first });
    const summary = await importInto(s, two, { mapping: second });
    expect(summary.counts).toMatchObject({ created: 2, updated: 0 });
    expect(s.jobs()).toHaveLength(4);
    expect(s.jobs().find((j) => j.referenceNo === '0010000')?.title).toBe('Från affärssystemet');
  });

  test('new jobs get uuids unique to the account: the same file in two accounts names different jobs', async () => {
    const s = await sandbox();
    const file = await jobsCsv(await tempDir(), 2);
    const a = await importInto(s, file, { account: 'account-a' });
    const uuidsA = s.jobs().map((j) => j.uuid);
    const t = await sandbox();
    await importInto(t, file, { account: 'account-b' });
    expect(a.counts.created).toBe(2);
    expect(t.jobs().map((j) => j.uuid).some((u) => uuidsA.includes(u))).toBe(false);
  });

  test('a key on a field the job list leaves out (customFields) is refused before anything is read', async () => {
    const s = await sandbox();
    const { mapping } = await checkMapping({ key: 'Nr', columns: [{ column: 'Nr', field: 'customFields.nr' }, { column: 'Title', field: 'title' }] }, 'custom');
    const dir = await tempDir();
    const file = path.join(dir, 'c.csv');
    await writeFile(file, 'Nr;Title\n1;A\n');
    await expect(importInto(s, file, { mapping })).rejects.toThrow(/leaves out/);
  });

  test('a job whose key was changed in the app is not overwritten as new: its uuid names it, and it is updated', async () => {
    const s = await sandbox();
    const file = await jobsCsv(await tempDir(), 3);
    await importInto(s, file);
    const job = s.jobs().find((j) => j.referenceNo === '0000002');
    await client(s).putJob(job?.uuid as string, { referenceNo: 'renamed' });
    const again = await importInto(s, file);
    expect(again.counts).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    expect(s.jobs()).toHaveLength(3);
  });

  test('an unchanged re-import leaves a second destination and the people on a job alone', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const file = path.join(dir, 'p.csv');
    await writeFile(file, 'Title;Reference no;Place;Resources\nA;0000001;Storgatan 1;Anna Lind; Bo Ek\n'.replace('Anna Lind; Bo Ek', '"Anna Lind; Bo Ek"'));
    const { mapping } = await checkMapping({ key: 'Reference no', columns: [{ column: 'Title', field: 'title' }, { column: 'Reference no', field: 'referenceNo' }, { column: 'Place', field: 'destinations[0].location.placeName' }, { column: 'Resources', field: 'resources[].name' }] }, 'p');
    await importInto(s, file, { mapping });
    const made = s.jobs()[0];
    await client(s).putJob(made?.uuid as string, { destinations: [{ location: { placeName: 'Storgatan 1' } }, { location: { placeName: 'Second stop' } }] });
    const mark = s.requests.length;
    const again = await importInto(s, file, { mapping });
    expect(again.counts).toMatchObject({ unchanged: 1, updated: 0 });
    expect(writes(s, mark)).toHaveLength(0);
    expect(s.jobs()[0]?.destinations).toHaveLength(2);
  });

  test.each([
    ['partial PUT', false],
    ['PUT that replaces the job', true],
  ])('an update under a %s never clears a field the file does not name', async (_name, replaces) => {
    const s = await sandbox({ putReplaces: replaces });
    const made = await client(s).createJob({ title: 'Old', referenceNo: '0000001', customerName: 'Bostads AB', description: 'Keep me' });
    const file = await jobsCsv(await tempDir(), 1);
    const summary = await importInto(s, file, { putIsPartial: !replaces });
    expect(summary.counts.updated).toBe(1);
    const job = await client(s).getJob(made.uuid as string);
    expect(job).toMatchObject({ title: 'Service av värmepump 1', customerName: 'Bostads AB', description: 'Keep me' });
  });

  test('a run stopped while it reads jobs before writing them leaves those rows not sent, not failed', async () => {
    const s = await sandbox({ latency: 20 });
    const dir = await tempDir();
    const file = await jobsCsv(dir, 60);
    await importInto(s, file);
    // Every row changed: each is an update, the job read again right before its PUT.
    await writeFile(file, (await readFile(file, 'utf8')).replaceAll('Service av', 'Översyn av'));
    const controller = stopController();
    const stopped = await importInto(s, file, {
      concurrency: 4,
      signal: controller.signal,
      reporter: { info() {}, detail() {}, warn() {}, progress: (p) => void (p.done === 6 && controller.abort()) },
    });
    expect(stopped.status).toBe('interrupted');
    expect(stopped.counts.failed).toBe(0);
    expect(stopped.counts.updated + stopped.counts['not-sent']).toBe(60);
    expect(stopped.errorsFile).toBeUndefined();
    const again = await importInto(s, file);
    expect(again.counts).toMatchObject({ updated: stopped.counts['not-sent'], failed: 0, created: 0 });
    expect(s.jobs().filter((job) => job.title?.startsWith('Översyn'))).toHaveLength(60);
  });
});

describe('undo', () => {
  test('after 500 created and 500 updated, with one job changed in between: deletes, restores, leaves that one alone', async () => {
    const s = await sandbox();
    const stateDir = await tempDir();
    const c = client(s);
    for (let i = 1; i <= 500; i++) await c.createJob({ title: `Before ${i}`, referenceNo: String(i).padStart(7, '0'), customerName: 'Kund' });
    const file = await jobsCsv(await tempDir(), 1000);
    const summary = await importInto(s, file, { stateDir });
    expect(summary.counts).toMatchObject({ created: 500, updated: 500 });
    const touched = s.jobs().find((j) => j.referenceNo === '0000007');
    await c.putJob(touched?.uuid as string, { title: 'Changed by a planner' });

    const { run } = await runOf(summary.resultsFile as string, stateDir);
    expect(run).toBe(summary.run);
    const plan = await planUndo(c, stateDir, run);
    expect(plan.deletes).toHaveLength(500);
    expect(plan.restores).toHaveLength(499);
    expect(plan.changed).toEqual([{ item: expect.objectContaining({ row: 8 }), fields: ['title'], why: 'changed since the run' }]);
    const done = await applyUndo(c, stateDir, plan, { concurrency: 8 });
    expect(done).toMatchObject({ deleted: 500, restored: 499, failed: [] });
    expect(s.jobs()).toHaveLength(500);
    expect(s.jobs().find((j) => j.referenceNo === '0000003')?.title).toBe('Before 3');
    expect(s.jobs().find((j) => j.referenceNo === '0000007')?.title).toBe('Changed by a planner');

    // An undo run again has nothing left to do.
    const again = await planUndo(c, stateDir, run);
    expect(again.deletes.length + again.restores.length).toBe(0);
    expect(again.alreadyUndone).toBe(999);
    expect(again.changed).toHaveLength(1);
  }, 60_000);

  test.each([
    ['partial PUT', false],
    ['PUT that replaces the job', true],
  ])('undo under a %s puts back exactly what the run changed', async (_name, replaces) => {
    const s = await sandbox({ putReplaces: replaces });
    const stateDir = await tempDir();
    const c = client(s);
    await c.createJob({ title: 'Before', referenceNo: '0000001', description: 'Stays' });
    const summary = await importInto(s, await jobsCsv(await tempDir(), 1), { stateDir, putIsPartial: !replaces });
    const plan = await planUndo(c, stateDir, summary.run as string);
    // The record knows how the server's PUT behaves: no flag to remember.
    expect(plan.header.putIsPartial).toBe(!replaces);
    await applyUndo(c, stateDir, plan);
    expect(s.jobs()[0]).toMatchObject({ title: 'Before', description: 'Stays', referenceNo: '0000001' });
  });
});
