// Issue 18's clerk, end to end over HTTP: a Swedish plumbing firm's ERP export
// (test/fixtures/vvs-orders.csv: Windows-1252, ';', the date and the time in two columns, the
// address in three, priorities as words, no title), from `mapping init` to keyed re-imports.
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import iconv from 'iconv-lite';
import type { Sandbox } from '../src/sandbox/server.js';
import { epochToWall } from '../src/time/zone-time.js';
import { cli } from './helpers/cli.js';
import { fixture, readAll, tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const env = (s: Sandbox) => ({ COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY });
const fast = ['--rate', '0', '--concurrency', '8'];

/** The fixture's lines, changed by `edit` (cells by row and column index), written as the ERP writes it. */
async function edited(dir: string, name: string, edit: (cells: string[][]) => void): Promise<string> {
  const lines = iconv.decode(await readFile(fixture('vvs-orders.csv')), 'windows-1252').trimEnd().split('\r\n');
  const cells = lines.map((line) => line.split(';'));
  edit(cells);
  const file = path.join(dir, name);
  await writeFile(file, iconv.encode(`${cells.map((c) => c.join(';')).join('\r\n')}\r\n`, 'windows-1252'));
  return file;
}

const writes = (s: Sandbox, mark: number) => s.requests.slice(mark).filter((r) => r.method !== 'GET');

describe('a plumbing firm imports its ERP export', () => {
  let dir: string;
  let file: string;
  let mapping: string;
  let yaml: string;
  let init: Awaited<ReturnType<typeof cli>>;

  beforeAll(async () => {
    dir = await tempDir();
    file = path.join(dir, 'vvs-orders.csv');
    await copyFile(fixture('vvs-orders.csv'), file);
    init = await cli(['mapping', 'init', file]);
    mapping = path.join(dir, 'vvs-orders.mapping.yaml');
    yaml = await readFile(mapping, 'utf8');
  });

  test('mapping init joins the date and the time, and the address, and says that there is no title', () => {
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('11 of 11 columns matched');
    expect(init.stdout).toContain('✓ "Startdatum" + "Starttid" → startTime (a date and a time of day, one instant)');
    expect(init.stdout).toContain('✓ "Adress" + "Postnr" + "Ort" → destinations[0].location.placeName (joined: {Adress}, {Postnr} {Ort})');
    expect(init.stdout).toContain('! no column names a title');
    expect(yaml).toMatch(/^key: Ordernr\b/m);
    expect(yaml).toContain('  - column: [Startdatum, Starttid]');
    expect(yaml).toContain('    template: "{Adress}, {Postnr} {Ort}"');
    expect(yaml).toContain('map: { Hög: 1, Normal: 2, Låg: 3 }');
    expect(yaml).toContain('  # - field: title\n  #   template: "{Beskrivning}"');
    expect(yaml).not.toMatch(/^\s*# - column: "Starttid"/m);
  });

  test('the import lands every start at its time of day, the address whole; empty cells are kept or cleared as the mapping says; a copy that lost its zeros creates nothing', async () => {
    const s = await sandbox();
    // The clerk takes the suggested title.
    await writeFile(mapping, yaml.replace('  # - field: title\n  #   template: "{Beskrivning}"', '  - field: title\n    template: "{Beskrivning}"'));
    const dry = await cli(['import', file, '-m', mapping, '--dry-run'], env(s));
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Plan against the account (0 jobs): 180 to create, 0 to update, 0 unchanged.');
    expect(dry.stdout).not.toContain('Warning:');

    const first = await cli(['import', file, '-m', mapping, ...fast], env(s));
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('180 rows: 180 created');
    const jobs = s.jobs();
    expect(jobs).toHaveLength(180);
    const hours = jobs.map((j) => epochToWall(j.startTime as number, 'Europe/Stockholm').hour);
    expect(Math.min(...hours)).toBe(7);
    expect(Math.max(...hours)).toBe(15);
    const job = jobs.find((j) => j.referenceNo === '0050000');
    expect(job).toMatchObject({ title: 'Injustering av radiatorer', priority: 2, resources: [{ name: 'David Åkesson' }], duration: 180 });
    expect(job?.destinations).toEqual([{ location: { placeName: 'Sjöhagsvägen 50, 723 45 Västerås' } }]);
    expect(epochToWall(job?.startTime as number, 'Europe/Stockholm')).toMatchObject({ year: 2026, month: 12, day: 1, hour: 7, minute: 0 });

    // The clerk empties Tekniker on row 6 and Tid (min) on row 10.
    const emptied = await edited(dir, 'emptied.csv', (rows) => {
      (rows[5] as string[])[10] = '';
      (rows[9] as string[])[8] = '';
    });
    let mark = s.requests.length;
    const kept = await cli(['import', emptied, '-m', mapping, ...fast], env(s));
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain('Plan against the account (180 jobs): 0 to create, 0 to update, 180 unchanged.');
    expect(kept.stdout).toContain("Empty cells keep the job's value on 2 rows (Tekniker 1, Tid (min) 1); empty: clear on a column clears it instead.");
    expect(kept.stdout).toContain('  kept row 6 (0050004): Tekniker empty in the file: kept "Cecilia Lund"');
    expect(kept.stdout).toContain('  kept row 10 (0050008): Tid (min) empty in the file: kept 180');
    expect(writes(s, mark)).toHaveLength(0);
    const results = await readAll(path.join(dir, 'emptied.results.csv'));
    const reason = results.header.indexOf('Reason');
    expect(results.rows[4]?.cells[reason]).toBe('the job already holds these values: nothing sent; Tekniker empty in the file: kept "Cecilia Lund"');

    // With empty: clear, the same file unassigns the technician and clears the minutes; again, it is unchanged.
    const clearing = path.join(dir, 'clear.mapping.yaml');
    await writeFile(clearing, (await readFile(mapping, 'utf8')).replace('    field: resources[].name', '    field: resources[].name\n    empty: clear').replace('    field: duration', '    field: duration\n    empty: clear'));
    mark = s.requests.length;
    const cleared = await cli(['import', emptied, '-m', clearing, ...fast], env(s));
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain('0 to create, 2 to update, 178 unchanged.');
    expect(cleared.stdout).toContain('  update row 6 (0050004): resources: Cecilia Lund → (empty)');
    expect(cleared.stdout).toContain('  update row 10 (0050008): duration: 180 → (empty)');
    expect(writes(s, mark).map((r) => r.method)).toEqual(['PUT', 'PUT']);
    expect(s.jobs().find((j) => j.referenceNo === '0050004')).toMatchObject({ resources: [], state: 'DRAFT' });
    expect(s.jobs().find((j) => j.referenceNo === '0050008')?.duration).toBeNull();
    mark = s.requests.length;
    const again = await cli(['import', emptied, '-m', clearing, ...fast], env(s));
    expect(again.stdout).toContain('0 to create, 0 to update, 180 unchanged.');
    expect(writes(s, mark)).toHaveLength(0);

    // Opened and saved in LibreOffice: 0050000 became 50000. Nothing is created; each row names its job.
    const stripped = await edited(dir, 'stripped.csv', (rows) => rows.slice(1).forEach((cells) => (cells[0] = String(Number(cells[0])))));
    const plan = await cli(['import', stripped, '-m', mapping, '--dry-run', '--json'], env(s));
    const planned = JSON.parse(plan.stdout) as { plan: { counts: Record<string, number>; lostZeros: { rows: number; widths: number[] }; rejections: { shown: string[] } } };
    expect(planned.plan.counts).toMatchObject({ create: 0, update: 0, rejected: 180 });
    expect(planned.plan.lostZeros).toEqual({ rows: 180, widths: [7] });
    const id = s.jobs().find((j) => j.referenceNo === '0050000')?.id;
    expect(planned.plan.rejections.shown[0]).toBe(
      `row 2 (50000): referenceNo "50000" matches no job in the account, but job ${id} has "0050000": the key lost its leading zeros (a spreadsheet read the column as numbers). Nothing was sent for this row: give the key column pad: 7 in the mapping, or save the file with the column as text.`,
    );
    mark = s.requests.length;
    const refused = await cli(['import', stripped, '-m', mapping, ...fast], env(s));
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain('180 keys of the file match a job of the account only with leading zeros');
    expect(writes(s, mark)).toHaveLength(0);
    expect(s.jobs()).toHaveLength(180);
    // pad: 7 puts the zeros back: the same jobs (the two emptied above get their values again).
    const padded = path.join(dir, 'pad.mapping.yaml');
    await writeFile(padded, (await readFile(mapping, 'utf8')).replace('    field: referenceNo', '    field: referenceNo\n    pad: 7'));
    const fixed = await cli(['import', stripped, '-m', padded, '--dry-run'], env(s));
    expect(fixed.stdout).toContain('0 to create, 2 to update, 178 unchanged.');
    expect(fixed.stdout).toContain('  update row 6 (0050004): resources: (empty) → Cecilia Lund');
  });
});
