// Keys that lost their zeros (issue 18, item 4): a key with no match that matches a job once
// given leading zeros is a problem on its row naming that job, never a create; `pad:` restores them.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { CdbError } from '../src/errors.js';
import { runImport, type ImportOptions } from '../src/import/run-import.js';
import { checkMapping } from '../src/mapping/load-mapping.js';
import type { Sandbox } from '../src/sandbox/server.js';
import { tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const client = (s: Sandbox) => createClient({ baseUrl: s.url, apiKey: KEY });
const writes = (s: Sandbox, mark: number) => s.requests.slice(mark).filter((r) => r.method !== 'GET');

async function importText(s: Sandbox, text: string, extra: Partial<ImportOptions> & { pad?: number } = {}) {
  const { pad, ...options } = extra;
  const file = path.join(await tempDir(), 'ordrar.csv');
  await writeFile(file, text);
  const { mapping } = await checkMapping({ key: 'Ordernr', columns: [{ column: 'Ordernr', field: 'referenceNo', ...(pad ? { pad } : {}) }, { column: 'Titel', field: 'title' }] }, 'inline');
  return runImport({ file, mapping, client: client(s), rate: 0, stateDir: await tempDir(), ...options });
}

describe('keys that lost their leading zeros', () => {
  test('a problem naming the job, never a create; under --only update too', async () => {
    const s = await sandbox();
    const job = await client(s).createJob({ title: 'Läcka', referenceNo: '0050000' });
    const mark = s.requests.length;
    const summary = await importText(s, 'Ordernr;Titel\n50000;Läcka\n50001;Ny\n');
    expect(summary.counts).toMatchObject({ rejected: 1, created: 1 });
    expect(summary.plan?.lostZeros).toEqual({ rows: 1, widths: [7] });
    expect(summary.plan?.rejections.shown).toEqual([
      `row 2 (50000): referenceNo "50000" matches no job in the account, but job ${job.id} has "0050000": the key lost its leading zeros (a spreadsheet read the column as numbers). Nothing was sent for this row: give the key column pad: 7 in the mapping, or save the file with the column as text.`,
    ]);
    expect(writes(s, mark).map((r) => r.method)).toEqual(['PUT']); // the create of 50001 alone
    expect(s.jobs().map((j) => j.referenceNo).sort()).toEqual(['0050000', '50001']);
    const only = await importText(s, 'Ordernr;Titel\n50000;Läcka\n', { only: 'update', dryRun: true });
    expect(only.plan?.rejections.shown[0]).toContain('but job');
  });

  test('several jobs it could be: all named', async () => {
    const s = await sandbox();
    const a = await client(s).createJob({ title: 'A', referenceNo: '0050000' });
    const b = await client(s).createJob({ title: 'B', referenceNo: '00050000' });
    const summary = await importText(s, 'Ordernr;Titel\n50000;A\n', { dryRun: true });
    expect(summary.plan?.rejections.shown[0]).toContain(`but job ${a.id} has "0050000", job ${b.id} has "00050000"`);
    expect(summary.plan?.lostZeros.widths).toEqual([7, 8]);
  });

  test('keys that are not digits, and keys that match as they are, are left alone', async () => {
    const s = await sandbox();
    await client(s).createJob({ title: 'A', referenceNo: '0050000' });
    await client(s).createJob({ title: 'B', referenceNo: '50000' });
    await client(s).createJob({ title: 'C', referenceNo: '0A-1' });
    const summary = await importText(s, 'Ordernr;Titel\n50000;B\nA-1;Ny\n', { dryRun: true });
    expect(summary.plan?.counts).toMatchObject({ unchanged: 1, create: 1, rejected: 0 });
  });

  test('pad: 7 puts the zeros back before matching and sending', async () => {
    const s = await sandbox();
    await client(s).createJob({ title: 'Läcka', referenceNo: '0050000' });
    const summary = await importText(s, 'Ordernr;Titel\n50000;Läcka\n50001;Ny\nA-7;Annan\n', { pad: 7 });
    expect(summary.counts).toMatchObject({ unchanged: 1, created: 2 });
    expect(s.jobs().map((j) => j.referenceNo).sort()).toEqual(['0050000', '0050001', 'A-7']);
  });

  test('pad: only on one text column', async () => {
    const error = await checkMapping({ columns: [{ column: 'A', field: 'duration', pad: 3 }, { field: 'title', template: '{B}', pad: 2 }, { column: 'C', field: 'referenceNo', pad: 0 }] }, 'inline').catch((e: unknown) => e);
    const text = (error as CdbError).message;
    expect(text).toContain('columns[0].pad: pad gives text of digits its leading zeros: it applies to one column of type string, not an integer');
    expect(text).toContain('columns[1].pad: pad gives text of digits its leading zeros: it applies to one column of type string, not this one');
    expect(text).toContain('columns[2].pad: must be >= 1');
  });
});
