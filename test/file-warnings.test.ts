// Warnings where a file is probably wrong (issue 18, item 3): they never stop a run, each says
// what to do, and they are in the dry run, the import's summary and --json.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { checkFile } from '../src/import/check-file.js';
import { checkMapping } from '../src/mapping/load-mapping.js';
import type { Mapping } from '../src/mapping/types.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

async function findings(mapping: Mapping, text: string) {
  const dir = await tempDir();
  const file = path.join(dir, 'in.csv');
  await writeFile(file, text);
  const { check } = await checkFile({ file, mapping, errorsFile: path.join(dir, 'errors.csv') });
  return check.findings;
}

const mapped = async (raw: Record<string, unknown>) => (await checkMapping({ timezone: 'Europe/Stockholm', ...raw }, 'inline')).mapping;

describe('warnings of the check', () => {
  test('every start at 00:00 while a column of times is unread: names both, and how to map them', async () => {
    const mapping = await mapped({ columns: [{ column: 'Titel', field: 'title' }, { column: 'Startdatum', field: 'startTime' }] });
    const found = await findings(mapping, 'Titel;Startdatum;Starttid\nA;2026-12-01;07:00\nB;2026-12-02;13:30\n');
    expect(found).toEqual([
      {
        kind: 'midnight',
        columns: ['Startdatum', 'Starttid'],
        message: 'Every start (startTime, from "Startdatum") is at 00:00, while the column "Starttid" holds times of day that nothing reads: to send the time too, map both to startTime with column: [Startdatum, Starttid].',
      },
    ]);
    // One start with a time, or no column of times: nothing to say.
    expect(await findings(mapping, 'Titel;Startdatum;Starttid\nA;2026-12-01 08:00;07:00\nB;2026-12-02;13:30\n')).toEqual([expect.objectContaining({ kind: 'unread-columns' })]);
    expect(await findings(mapping, 'Titel;Startdatum;Not\nA;2026-12-01;x\nB;2026-12-02;y\n')).toEqual([expect.objectContaining({ kind: 'unread-columns', columns: ['Not'] })]);
  });

  test('columns nothing reads, listed once; mapped columns empty in every row', async () => {
    const mapping = await mapped({ columns: [{ column: 'Titel', field: 'title' }, { column: 'Tekniker', field: 'resources[].name' }, { field: 'destinations[0].location.placeName', template: '{Adress}, {Ort}' }] });
    const found = await findings(mapping, 'Titel;Tekniker;Adress;Ort;Postnr;Övrigt\nA;;;;111 11;x\nB;;;;222 22;\n');
    expect(found).toEqual([
      { kind: 'unread-columns', columns: ['Postnr', 'Övrigt'], message: 'The mapping reads no column named "Postnr", "Övrigt": nothing of them is sent. Map them in the mapping ("coredination-batch mapping init <file>" proposes how), or leave them out of the file.' },
      {
        kind: 'empty-columns',
        columns: ['Tekniker', 'Adress + Ort'],
        message: 'The columns "Tekniker" (resources[].name), "Adress + Ort" (destinations[0].location.placeName) are empty in every row: nothing is sent for them. Check that the mapping names the right columns, and that the file is the one meant.',
      },
    ]);
  });

  test('no title mapped', async () => {
    const mapping = await mapped({ columns: [{ column: 'Kund', field: 'customerName' }] });
    expect(await findings(mapping, 'Kund\nMimer\n')).toEqual([expect.objectContaining({ kind: 'no-title', message: expect.stringContaining('No column is mapped to title: the jobs this file creates get no title in Coredination.') })]);
    // A constant or a template is a title.
    expect(await findings(await mapped({ columns: [{ column: 'Kund', field: 'customerName' }, { field: 'title', template: 'Service {Kund}' }] }), 'Kund\nMimer\n')).toEqual([]);
  });

  test('a last row that looks like a total: with a key, and without', async () => {
    const keyed = await mapped({ key: 'Nr', columns: [{ column: 'Nr', field: 'referenceNo' }, { column: 'Titel', field: 'title' }, { column: 'Minuter', field: 'duration' }] });
    expect(await findings(keyed, 'Nr;Titel;Minuter\n1;A;30\n2;B;60\n;Summa:;90\n')).toEqual([
      { kind: 'total-row', row: 4, columns: ['Titel'], message: 'Row 4, the last, looks like a total ("Summa:" in column "Titel", and no key): it is a problem on its row (its key is empty). Delete it from the file.' },
    ]);
    const unkeyed = await mapped({ columns: [{ column: 'Titel', field: 'title' }, { column: 'Kund', field: 'customerName' }, { column: 'Minuter', field: 'duration' }] });
    expect(await findings(unkeyed, 'Titel;Kund;Minuter\nA;Mimer;30\n;Totalt;30\n')).toEqual([expect.objectContaining({ kind: 'total-row', message: expect.stringContaining('and no title): it would be imported as a job. Delete it from the file.') })]);
    // A job whose customer is "Summa AB" with a title is a job.
    expect(await findings(unkeyed, 'Titel;Kund;Minuter\nA;Mimer;30\nB;Summa AB;30\n')).toEqual([]);
  });

  test('without a key, a last row whose only text is a total label, its reference empty, warns though the label is its title (issue 17, item 8)', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'tot.csv');
    await writeFile(file, 'Titel;Ordernummer;Minuter\nA;001;30\nB;002;40\nSumma;;70\n');
    const run = await cli(['import', file, '--dry-run', '--offline']);
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).toContain(
      'Warning: Row 4, the last, looks like a total ("Summa" in column "Titel", and only numbers beside it): it would be imported as a job titled "Summa". Delete it from the file.',
    );
    const mapping = await mapped({ columns: [{ column: 'Titel', field: 'title' }, { column: 'Ordernummer', field: 'referenceNo' }, { column: 'Kund', field: 'customerName' }, { column: 'Minuter', field: 'duration' }] });
    const head = 'Titel;Ordernummer;Kund;Minuter\nA;001;Mimer;30\nB;002;Mimer;40\n';
    const total = (last: string) => findings(mapping, `${head}${last}\n`);
    // The label in another column than the title, with a colon, a sum with a decimal comma.
    expect(await total(';;Totalt:;1 234,50')).toEqual([expect.objectContaining({ kind: 'total-row', row: 4, columns: ['Kund'] })]);
    expect(await total('S:a;;;70 min')).toEqual([expect.objectContaining({ kind: 'total-row', columns: ['Titel'] })]);
    expect(await total('Totalt;;Summa;70')).toEqual([expect.objectContaining({ kind: 'total-row', columns: ['Titel'] })]);
    // Real jobs: a title that starts with the word, a reference, a customer beside the label.
    expect(await total('Summa Bygg AB;;;70')).toEqual([]);
    expect(await total('Summa Bygg AB;003;Mimer;70')).toEqual([]);
    expect(await total('Summa;003;;70')).toEqual([]);
    expect(await total('Summa;;Mimer;70')).toEqual([]);
    // Only the last row is looked at.
    expect(await findings(mapping, `${head}Summa;;;70\nC;003;Mimer;10\n`)).toEqual([]);
  });

  test('in the dry run, in the import summary and in --json; the run goes on', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const file = path.join(dir, 'jobb.csv');
    await writeFile(file, 'Title;Start;Klockslag\nA;2026-12-01;07:00\nB;2026-12-02;13:30\n');
    const env = { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY };
    const dry = await cli(['import', file, '--dry-run', '--offline'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Warning: Every start (startTime, from "Start") is at 00:00, while the column "Klockslag" holds times of day');
    const run = await cli(['import', file, '--rate', '0'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Warning: Every start [^\n]*\n(?:[^\n]*\n)*?Done in [^\n]* 2 rows: 2 created/);
    const json = await cli(['import', file, '--rate', '0', '--json', '--fresh'], env);
    expect((JSON.parse(json.stdout) as { warnings: { kind: string }[] }).warnings.map((w) => w.kind)).toEqual(['midnight']);
  });
});
