import { chmod, lstat, mkdir, readdir, readFile, rename, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { CdbError } from '../src/errors.js';
import { followMovedJournal, journalDir, payloadHash } from '../src/import/journal.js';
import { runExport } from '../src/export/run-export.js';
import { runImport, type ImportOptions } from '../src/import/run-import.js';
import { DEFAULT_MAPPING, loadMapping } from '../src/mapping/load-mapping.js';
import type { Sandbox } from '../src/sandbox/server.js';
import { readAll, tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const HEADER = 'Title;Reference no;Start;Duration';
const line = (i: number, title = `Service av värmepump ${i}`) => `${title};${String(i).padStart(7, '0')};2026-12-${String(1 + (i % 28)).padStart(2, '0')} 08:00;45`;

async function csv(dir: string, lines: string[], name = 'jobs.csv'): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `${[HEADER, ...lines].join('\r\n')}\r\n`);
  return file;
}

async function importInto(s: Sandbox, file: string, stateDir: string, extra: Partial<ImportOptions> = {}) {
  const { mapping } = await loadMapping();
  return runImport({ file, mapping, client: createClient({ baseUrl: s.url, apiKey: KEY }), rate: 0, concurrency: 8, retry: { baseDelayMs: 5, maxDelayMs: 50 }, stateDir, ...extra });
}

const titles = (s: Sandbox) => s.jobs().map((j) => j.title as string).sort();

describe('unkeyed rows are known by what they send', () => {
  test('an export imported again without a key: every row names its job by uuid, so none is made a second time; --key UUID matches them', async () => {
    const s = await sandbox({ generate: 6 });
    const dir = await tempDir();
    const { mapping } = await loadMapping();
    const file = path.join(dir, 'export.csv');
    await runExport({ client: createClient({ baseUrl: s.url, apiKey: KEY }), mapping, output: file, stateDir: await tempDir() });
    const again = await importInto(s, file, await tempDir());
    expect(again.counts).toMatchObject({ created: 0, rejected: 6 });
    expect(s.jobs()).toHaveLength(6);
    expect(again.plan?.rejections.shown[0]).toMatch(/^row 2: it gives the uuid of a job \([0-9a-f-]{36}\), as an export writes it, .*Give --key UUID to update the job it names/);
    const keyed = await importInto(s, file, await tempDir(), { mapping: { ...mapping, key: 'UUID' } });
    expect(keyed.counts).toMatchObject({ unchanged: 6, created: 0 });
    // A job added to the export has no uuid yet: keyed on UUID, the row says where it belongs.
    await writeFile(file, `${(await readFile(file, 'utf8')).trimEnd()}\r\nNytt jobb${';'.repeat(15)}\r\n`);
    const added = await importInto(s, file, await tempDir(), { mapping: { ...mapping, key: 'UUID' }, dryRun: true });
    expect(added.check.invalid).toBe(1);
    expect(added.check.issues[0]?.message).toMatch(/^is the key column and is empty: keyed on UUID, each row names a job that exists\. A new job has no uuid yet: import new rows in a file of their own, without --key UUID$/);
  });

  test('a job added at the top of the sheet: the new one is created, the others are done, none is rejected', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await csv(dir, [1, 2, 3, 4, 5].map((i) => line(i)));
    expect((await importInto(s, file, state)).counts.created).toBe(5);
    await csv(dir, [line(0, 'Akut läcka'), ...[1, 2, 3, 4, 5].map((i) => line(i))]);
    const dry = await importInto(s, file, state, { dryRun: true });
    expect(dry.plan?.counts).toMatchObject({ create: 1, done: 5, rejected: 0 });
    const again = await importInto(s, file, state);
    expect(again.counts).toMatchObject({ created: 1, skipped: 5, rejected: 0 });
    expect(s.jobs()).toHaveLength(6);
    const results = await readAll(again.resultsFile as string);
    expect(results.rows.map((r) => r.cells[1])).toEqual(['created', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
  });

  test('an ERP that writes dag.csv every night: each night its new jobs are created, a job listed again is not', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const night1 = await csv(dir, [1, 2, 3].map((i) => line(i)), 'dag.csv');
    expect((await importInto(s, night1, state)).counts.created).toBe(3);
    // The next night: the same name, three new jobs and one of yesterday's again, first.
    await csv(dir, [line(3), line(4), line(5), line(6)], 'dag.csv');
    const night2 = await importInto(s, night1, state);
    expect(night2.counts).toMatchObject({ created: 3, skipped: 1, rejected: 0 });
    expect(titles(s)).toEqual([1, 2, 3, 4, 5, 6].map((i) => `Service av värmepump ${i}`).sort());
  });

  test('two identical rows are two jobs; reordered and deleted rows change nothing; a third identical row is one more', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const twice = line(7, 'Fönsterputs');
    const file = await csv(dir, [twice, line(1), twice]);
    expect((await importInto(s, file, state)).counts.created).toBe(3);
    await csv(dir, [line(1), twice, twice]);
    expect((await importInto(s, file, state)).counts).toMatchObject({ created: 0, skipped: 3 });
    await csv(dir, [twice]);
    expect((await importInto(s, file, state)).counts).toMatchObject({ created: 0, skipped: 1 });
    await csv(dir, [twice, twice, twice, line(1)]);
    expect((await importInto(s, file, state)).counts).toMatchObject({ created: 1, skipped: 3 });
    expect(s.jobs().filter((j) => j.title === 'Fönsterputs')).toHaveLength(3);
  });

  test('--limit sends the first N rows that need sending, and the next run the next N', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await csv(dir, [1, 2, 3, 4, 5].map((i) => line(i)));
    const first = await importInto(s, file, state, { limit: 2 });
    expect(first.counts).toMatchObject({ created: 2, 'not-sent': 3 });
    expect(first.limited).toBe(true);
    const second = await importInto(s, file, state, { limit: 2 });
    expect(second.counts).toMatchObject({ created: 2, skipped: 2, 'not-sent': 1 });
    expect((await importInto(s, file, state)).counts).toMatchObject({ created: 1, skipped: 4 });
    expect(s.jobs()).toHaveLength(5);
  });

  test('--fresh forgets what was sent: the rows are created again', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await csv(dir, [line(1), line(2)]);
    await importInto(s, file, state);
    expect((await importInto(s, file, state, { fresh: true })).counts.created).toBe(2);
    expect(s.jobs()).toHaveLength(4);
    expect((await importInto(s, file, state)).counts.skipped).toBe(2);
  });

  test("an earlier version's journal (one per file, by row number) is read: what it made is not made again", async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await csv(dir, [line(1), line(2), line(3)]);
    const payloads = path.join(dir, 'payloads.jsonl');
    const dry = await importInto(s, file, state, { dryRun: true, payloadsFile: payloads });
    const jobs = (await readFile(payloads, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { row: number; job: Record<string, unknown> });
    // What that version wrote after creating the first two rows and losing the third's answer.
    const lines: unknown[] = [{ t: 'run', at: 1, file, baseUrl: s.url, content: 'x', name: 'jobs.csv' }];
    for (const { row, job } of jobs) {
      const made = await createClient({ baseUrl: s.url, apiKey: KEY }).createJob({ ...job, uuid: `00000000-0000-4000-8000-00000000000${row}` });
      lines.push({ t: 'send', row, at: 2, hash: payloadHash(job), method: 'POST', uuid: made.uuid });
      // The third row's answer never came.
      if (row < 4) lines.push({ t: 'done', row, at: 3, outcome: 'created', id: made.id, uuid: made.uuid });
    }
    const legacy = path.join(path.dirname(dry.journalFile as string), 'jobs.csv.0123456789abcdef.jsonl');
    await mkdir(path.dirname(legacy), { recursive: true });
    await writeFile(legacy, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const again = await importInto(s, file, state);
    expect(again.counts).toMatchObject({ skipped: 3, created: 0 });
    expect(s.jobs()).toHaveLength(3);
  });
});

describe('a mapping keeps its journal while it is edited in what does not decide the job', () => {
  test('rate, concurrency, a comment and an alias added: a re-run creates nothing', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await csv(dir, [1, 2, 3].map((i) => line(i)));
    const first = await importInto(s, file, state);
    expect(first.counts.created).toBe(3);
    const text = await readFile(DEFAULT_MAPPING, 'utf8');
    const edited = path.join(dir, 'edited.mapping.yaml');
    expect(text).toContain('aliases: [Titel, Rubrik,');
    await writeFile(edited, `# edited by the office\n${text.replace('aliases: [Titel, Rubrik,', 'aliases: [Titel, Ärende, Rubrik,')}\nrate: 5\nconcurrency: 2\n`);
    const { mapping } = await loadMapping(edited);
    expect(mapping.rate).toBe(5);
    const again = await importInto(s, file, state, { mapping });
    expect(again.counts).toMatchObject({ created: 0, skipped: 3 });
    expect(again.journalFile).toBe(first.journalFile);
    expect(s.jobs()).toHaveLength(3);
  });

  test("a journal named the earlier way (by the mapping's whole content) is moved to its new name, and a note left for undo", async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await csv(dir, [1, 2].map((i) => line(i)));
    const first = await importInto(s, file, state);
    const { mapping } = await loadMapping();
    const { source: _source, ...content } = mapping;
    const earlier = journalDir(state, { account: s.url, mapping: payloadHash(content) });
    const now = path.dirname(first.journalFile as string);
    await rename(now, earlier);
    const dry = await importInto(s, file, state, { dryRun: true });
    expect(dry.plan?.counts).toMatchObject({ create: 0, done: 2 });
    const again = await importInto(s, file, state);
    expect(again.counts).toMatchObject({ created: 0, skipped: 2 });
    expect(again.journalFile).toBe(first.journalFile);
    expect(s.jobs()).toHaveLength(2);
    // A run record of that version names the old folder: undo follows the note to the journal.
    expect((await lstat(earlier)).isFile()).toBe(true);
    expect(followMovedJournal(path.join(earlier, 'journal.jsonl'))).toBe(first.journalFile);
  });
});

describe('the journal is the tool\'s own', () => {
  test('created 0600 in a folder 0700', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const summary = await importInto(s, await csv(dir, [line(1)]), state);
    expect((await stat(summary.journalFile as string)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(summary.journalFile as string))).mode & 0o777).toBe(0o700);
  });

  test('a symlink planted at journals/ is refused: nothing is written through it, nothing sent', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const elsewhere = await tempDir();
    await symlink(elsewhere, path.join(state, 'journals'));
    const error = await importInto(s, await csv(dir, [line(1)]), state).then(() => undefined, (e: unknown) => e as CdbError);
    expect(error?.code).toBe('USAGE');
    expect(error?.message).toMatch(/symbolic link/);
    expect(await readdir(elsewhere)).toEqual([]);
    expect(s.jobs()).toHaveLength(0);
  });

  test('a symlink planted at its path is refused, and its target is left as it was', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await csv(dir, [line(1)]);
    const dry = await importInto(s, file, state, { dryRun: true });
    const target = path.join(dir, 'precious.txt');
    await writeFile(target, 'keep me\n');
    await mkdir(path.dirname(dry.journalFile as string), { recursive: true });
    await symlink(target, dry.journalFile as string);
    const error = await importInto(s, file, state).then(() => undefined, (e: unknown) => e as CdbError);
    expect(error).toBeInstanceOf(CdbError);
    expect(error?.code).toBe('USAGE');
    expect(error?.message).toMatch(/symbolic link/);
    expect(await readFile(target, 'utf8')).toBe('keep me\n');
    expect((await lstat(dry.journalFile as string)).isSymbolicLink()).toBe(true);
    expect(s.jobs()).toHaveLength(0);
  });
});

describe("an import's outputs", () => {
  test('results, errors, plan and payloads get the input file\'s permissions at most; watermarks are the tool\'s own', async () => {
    const s = await sandbox();
    const [dir, state] = [await tempDir(), await tempDir()];
    const file = await csv(dir, [line(1), 'Utan start;0000002;igår;45']);
    await chmod(file, 0o640);
    const plan = path.join(dir, 'plan.csv');
    const payloads = path.join(dir, 'payloads.jsonl');
    await importInto(s, file, state, { dryRun: true, planFile: plan, payloadsFile: payloads });
    const summary = await importInto(s, file, state, { skipInvalid: true });
    for (const output of [plan, payloads, summary.resultsFile as string, summary.errorsFile as string]) {
      expect({ output: path.basename(output), mode: (await stat(output)).mode & 0o777 }).toEqual({ output: path.basename(output), mode: 0o640 & ~process.umask() });
    }
    const { mapping } = await loadMapping();
    await runExport({ client: createClient({ baseUrl: s.url, apiKey: KEY }), mapping, output: path.join(dir, 'out.csv'), since: 'last', stateDir: state });
    expect((await stat(path.join(state, 'watermarks.json'))).mode & 0o777).toBe(0o600);
  });
});
