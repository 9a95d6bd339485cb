// Empty cells, said and chosen: `empty: keep` (the default) leaves the job's value and the plan
// says so; `empty: clear` clears it on the job, over HTTP, and undo puts it back (issue 18, item 1).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { CdbError } from '../src/errors.js';
import { runImport, type ImportOptions } from '../src/import/run-import.js';
import { checkMapping } from '../src/mapping/load-mapping.js';
import type { Mapping } from '../src/mapping/types.js';
import type { Sandbox } from '../src/sandbox/server.js';
import { applyUndo } from '../src/undo/apply-undo.js';
import { planUndo } from '../src/undo/plan-undo.js';
import { readAll, tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const client = (s: Sandbox) => createClient({ baseUrl: s.url, apiKey: KEY });
const writes = (s: Sandbox, mark: number) => s.requests.slice(mark).filter((r) => r.method !== 'GET');

async function mappingWith(empty: Record<string, unknown> = {}, top: Record<string, unknown> = {}): Promise<Mapping> {
  const columns = [
    { column: 'Nr', field: 'referenceNo' },
    { column: 'Titel', field: 'title' },
    { column: 'Beskrivning', field: 'description' },
    { column: 'Minuter', field: 'duration' },
    { column: 'Plats', field: 'destinations[0].location.placeName' },
    { column: 'Tekniker', field: 'resources[].name', join: '; ' },
    { column: 'Förste', field: 'resources[0].name' },
  ].map((c) => ({ ...c, ...((empty[c.column] as object | undefined) ?? {}) }));
  const { without, ...rest } = top;
  return (await checkMapping({ key: 'Nr', timezone: 'Europe/Stockholm', columns: columns.filter((c) => c.column !== without), ...rest }, 'inline')).mapping;
}

/** A csv of these rows (',' between cells; a cell may hold '; '). */
async function csv(dir: string, header: string, ...rows: string[]): Promise<string> {
  const file = path.join(dir, `f${Math.random().toString(36).slice(2)}.csv`);
  const line = (text: string) => text.split('|').map((cell) => `"${cell}"`).join(',');
  await writeFile(file, `${[header, ...rows].map(line).join('\n')}\n`);
  return file;
}

async function importInto(s: Sandbox, file: string, mapping: Mapping, extra: Partial<ImportOptions> = {}) {
  return runImport({ file, mapping, client: client(s), rate: 0, stateDir: extra.stateDir ?? (await tempDir()), ...extra });
}

describe('empty cells in a keyed import', () => {
  test('keep (the default): the job keeps its values, and the plan, the plan file and the results say which', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const mapping = await mappingWith({}, { without: 'Förste' });
    const header = 'Nr|Titel|Beskrivning|Minuter|Plats|Tekniker';
    await importInto(s, await csv(dir, header, '001|Läcka|Under diskbänken|90|Storgatan 1|Anna Berg; Bo Ek', '002|Stopp||30||'), mapping);
    const mark = s.requests.length;
    const plan = path.join(dir, 'plan.csv');
    const summary = await importInto(s, await csv(dir, header, '001|Läcka||||', '002|Stopp||30||'), mapping, { planFile: plan });
    expect(summary.plan?.counts).toMatchObject({ unchanged: 2, update: 0 });
    expect(summary.plan?.kept).toEqual({
      rows: 1,
      fields: 4,
      byColumn: { Beskrivning: 1, Minuter: 1, Plats: 1, Tekniker: 1 },
      shown: ['row 2 (001): Beskrivning empty in the file: kept "Under diskbänken"; Minuter empty in the file: kept 90; Plats empty in the file: kept "Storgatan 1"; Tekniker empty in the file: kept "Anna Berg; Bo Ek"'],
    });
    expect(writes(s, mark)).toHaveLength(0);
    const results = await readAll(summary.resultsFile as string);
    expect(results.rows[0]?.cells[5]).toBe('the job already holds these values: nothing sent; Beskrivning empty in the file: kept "Under diskbänken"; Minuter empty in the file: kept 90; Plats empty in the file: kept "Storgatan 1"; Tekniker empty in the file: kept "Anna Berg; Bo Ek"');
    expect(results.rows[1]?.cells[5]).toBe('the job already holds these values: nothing sent');
    const planned = await readAll(plan);
    expect(planned.rows[0]?.cells[5]).toMatch(/^Beskrivning empty in the file: kept "Under diskbänken"; /);
    expect(s.jobs().find((j) => j.referenceNo === '001')).toMatchObject({ description: 'Under diskbänken', duration: 90, resources: [{ name: 'Anna Berg' }, { name: 'Bo Ek' }] });
  });

  test.each([false, true])('clear: text, a number, a place and a whole list are cleared (PUT replaces: %s); a re-import is unchanged; undo puts them back', async (putReplaces) => {
    const s = await sandbox({ putReplaces });
    const dir = await tempDir();
    const stateDir = await tempDir();
    const mapping = await mappingWith({}, { without: 'Förste', empty: 'clear' });
    const header = 'Nr|Titel|Beskrivning|Minuter|Plats|Tekniker';
    await client(s).createJob({
      title: 'Läcka',
      referenceNo: '001',
      description: 'Under diskbänken',
      duration: 90,
      destinations: [{ location: { placeName: 'Storgatan 1', latitude: 59.6, longitude: 16.5 } }],
      resources: [{ name: 'Anna Berg' }, { name: 'Bo Ek' }],
    });
    const emptied = await csv(dir, header, '001|Läcka||||');
    const summary = await importInto(s, emptied, mapping, { stateDir, putIsPartial: !putReplaces });
    expect(summary.counts).toMatchObject({ updated: 1 });
    expect(summary.plan?.updates).toEqual(['row 2 (001): description: "Under diskbänken" → (empty); duration: 90 → (empty); destinations[0].location.placeName: "Storgatan 1" → (empty); resources: Anna Berg; Bo Ek → (empty)']);
    const job = s.jobs()[0];
    expect(job).toMatchObject({ title: 'Läcka', description: null, duration: null, resources: [], state: 'DRAFT' });
    expect(job?.destinations).toEqual([{ location: { placeName: null, latitude: 59.6, longitude: 16.5 } }]);
    const results = await readAll(summary.resultsFile as string);
    expect(results.rows[0]?.cells.slice(1, 2)).toEqual(['updated']);
    expect(results.rows[0]?.cells[4]).toBe('description, duration, destinations[0].location.placeName, resources');
    expect(results.rows[0]?.cells[5]).toContain('resources: Anna Berg; Bo Ek → (empty)');

    const mark = s.requests.length;
    const again = await importInto(s, emptied, mapping, { stateDir, putIsPartial: !putReplaces });
    expect(again.counts).toMatchObject({ unchanged: 1, updated: 0 });
    expect(writes(s, mark)).toHaveLength(0);

    const undo = await planUndo(client(s), stateDir, summary.run as string);
    await applyUndo(client(s), stateDir, undo);
    expect(s.jobs()[0]).toMatchObject({ description: 'Under diskbänken', duration: 90, resources: [{ name: 'Anna Berg' }, { name: 'Bo Ek' }] });
    expect(s.jobs()[0]?.destinations).toEqual([{ location: { placeName: 'Storgatan 1', latitude: 59.6, longitude: 16.5 } }]);
  });

  test("clearing one resource's name removes that resource; the others stay", async () => {
    const s = await sandbox();
    const mapping = await mappingWith({ Förste: { empty: 'clear' } }, { without: 'Tekniker' });
    const job = await client(s).createJob({ title: 'Läcka', referenceNo: '001', resources: [{ name: 'Anna Berg', state: 'ACCEPTED' }, { name: 'Bo Ek' }] });
    const summary = await importInto(s, await csv(await tempDir(), 'Nr|Titel|Förste', '001|Läcka|'), mapping);
    expect(summary.plan?.updates).toEqual(['row 2 (001): resources[0]: Anna Berg → (empty)']);
    expect((await client(s).getJob(job.uuid as string)).resources).toEqual([{ name: 'Bo Ek' }]);
  });

  test('a column the file lacks is never cleared, and a create has nothing to clear', async () => {
    const s = await sandbox();
    const mapping = await mappingWith({}, { empty: 'clear' });
    await client(s).createJob({ title: 'Läcka', referenceNo: '001', description: 'Kvar' });
    const summary = await importInto(s, await csv(await tempDir(), 'Nr|Titel|Minuter', '001|Läcka|', '002|Ny|'), mapping);
    expect(summary.counts).toMatchObject({ unchanged: 1, created: 1 });
    expect(s.jobs().find((j) => j.referenceNo === '001')?.description).toBe('Kvar');
    expect(s.jobs().find((j) => j.referenceNo === '002')).not.toHaveProperty('duration');
  });

  test('unkeyed: empty: clear sends no empty fields', async () => {
    const s = await sandbox();
    const { mapping } = await checkMapping({ empty: 'clear', columns: [{ column: 'Titel', field: 'title' }, { column: 'Beskrivning', field: 'description' }] }, 'inline');
    await importInto(s, await csv(await tempDir(), 'Titel|Beskrivning', 'Läcka|'), mapping);
    expect(s.jobs()[0]).not.toHaveProperty('description');
  });
});

describe('empty: in the mapping', () => {
  test('a default for every column, which a column overrides; rules with their paths', async () => {
    const { mapping } = await checkMapping({ empty: 'clear', columns: [{ column: 'A', field: 'title' }, { column: 'B', field: 'description', empty: 'keep' }, { field: 'customerName', value: 'X' }] }, 'inline');
    expect(mapping.columns.map((c) => c.empty)).toEqual(['clear', undefined, undefined]);
    const error = await checkMapping({ columns: [{ column: 'A', field: 'title', required: true, empty: 'clear' }, { field: 'description', value: 'x', empty: 'keep' }, { column: 'C', field: 'duration', empty: 'forget' }] }, 'inline').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CdbError);
    const text = (error as CdbError).message;
    expect(text).toContain("columns[0].empty: a required column's empty cell is a problem on its row, so there is nothing to clear: leave out empty: or required:");
    expect(text).toContain('columns[1].empty: a constant has no cell to be empty: leave out empty:');
    expect(text).toContain('columns[2].empty: expected one of "keep", "clear"');
  });
});
