// Several columns into one field: a date and a time of day into one datetime, text joined by a
// template; loaded, bound, mapped, checked and exported back (issue 18, item 2).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { createClient } from '../src/api/client.js';
import { CdbError } from '../src/errors.js';
import { runExport } from '../src/export/run-export.js';
import { runImport } from '../src/import/run-import.js';
import { bindHeader } from '../src/mapping/bind-header.js';
import { checkMapping } from '../src/mapping/load-mapping.js';
import { localeRules } from '../src/mapping/locale.js';
import { mapRow } from '../src/mapping/map-row.js';
import { fillTemplate, parseTemplate, type TextTemplate } from '../src/mapping/template-text.js';
import type { Cell } from '../src/readers/cell.js';
import { cli } from './helpers/cli.js';
import { readAll, tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const sv = { locale: localeRules('sv-SE'), timezone: 'Europe/Stockholm' };
const stockholm = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Stockholm' }).toMillis();

async function problems(raw: unknown): Promise<string> {
  const error = await checkMapping(raw, 'inline').then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CdbError);
  return (error as CdbError).message;
}

const joined = async (extra: Record<string, unknown> = {}) =>
  (await checkMapping({ timezone: 'Europe/Stockholm', locale: 'sv-SE', columns: [{ column: 'Titel', field: 'title' }, { column: ['Startdatum', 'Starttid'], field: 'startTime', ...extra }] }, 'inline')).mapping;

/** Maps one row of cells under Titel, Startdatum, Starttid. */
async function start(date: Cell, time: Cell, extra: Record<string, unknown> = {}) {
  const bound = bindHeader(await joined(extra), ['Titel', 'Startdatum', 'Starttid'], {});
  return mapRow(bound, sv, { row: 2, cells: ['Jobb', date, time] });
}

describe('a date column and a time column make one start', () => {
  test('text in the usual forms, in the mapping zone', async () => {
    expect((await start('2026-12-01', '07:30')).job.startTime).toBe(stockholm('2026-12-01T07:30'));
    expect((await start('01.12.2026', '7.30')).job.startTime).toBe(stockholm('2026-12-01T07:30'));
    expect((await start('2026-12-01', '0730')).job.startTime).toBe(stockholm('2026-12-01T07:30'));
    expect((await start('2026-07-01', 'kl 15:00')).job.startTime).toBe(stockholm('2026-07-01T15:00'));
    // A date alone is midnight, as a date alone in a datetime column is.
    expect((await start('2026-12-01', '')).job.startTime).toBe(stockholm('2026-12-01T00:00'));
    expect((await start('', '')).job.startTime).toBeUndefined();
  });

  test("the column's format: its date part reads the date, its time part the time", async () => {
    expect((await start('1/12/26', '7h30', { format: 'd/M/yy H\'h\'mm' })).job.startTime).toBe(stockholm('2026-12-01T07:30'));
    expect((await start('1/12/26', '07:30', { format: 'd/M/yy' })).job.startTime).toBe(stockholm('2026-12-01T07:30'));
  });

  test('xlsx date cells and time cells (and a fraction of a day, an elapsed time under a day)', async () => {
    expect((await start({ kind: 'date', wall: '2026-12-01T00:00:00.000', serial: 46357 }, { kind: 'time', time: '08:15:00.000', serial: 0.34375 })).job.startTime).toBe(stockholm('2026-12-01T08:15'));
    expect((await start({ kind: 'date', wall: '2026-12-01T00:00:00.000' }, 0.5)).job.startTime).toBe(stockholm('2026-12-01T12:00'));
    expect((await start('2026-12-01', { kind: 'duration', seconds: 9 * 3600 })).job.startTime).toBe(stockholm('2026-12-01T09:00'));
  });

  test('a date cell with a time of its own beside a time, a time without a date, a time the clocks skip: problems on the cell, not guesses', async () => {
    const both = await start({ kind: 'date', wall: '2026-12-01T08:00:00.000' }, '09:00');
    expect(both.issues).toEqual([{ row: 2, column: 'Startdatum', field: 'startTime', message: 'holds a time of its own (2026-12-01 08:00) besides the time 09:00 in "Starttid": which one is meant cannot be told; give the date alone here' }]);
    // With the time column empty, the date cell's own time is the start.
    expect((await start({ kind: 'date', wall: '2026-12-01T08:00:00.000' }, '')).job.startTime).toBe(stockholm('2026-12-01T08:00'));
    expect((await start('', '08:00')).issues[0]).toMatchObject({ column: 'Startdatum', message: 'is empty, but "Starttid" has the time 08:00: a time needs its date' });
    expect((await start('2026-12-01', '25:00')).issues[0]).toMatchObject({ column: 'Starttid', message: 'expected a time of day like 08:00, got "25:00"' });
    expect((await start('2026-12-01', { kind: 'date', wall: '2026-12-01T08:00:00.000' })).issues[0]).toMatchObject({ column: 'Starttid', message: expect.stringContaining('got the date 2026-12-01 08:00') });
    expect((await start('i morgon', '08:00')).issues[0]).toMatchObject({ column: 'Startdatum', message: 'expected a date like 2026-03-01, got "i morgon"' });
    expect((await start('2026-03-29', '02:30')).issues[0]).toMatchObject({ column: 'Starttid', message: '2026-03-29 02:30 does not exist in Europe/Stockholm (the clocks go forward then)' });
    expect((await start({ kind: 'error', error: '#N/A' }, '08:00')).issues[0]).toMatchObject({ column: 'Startdatum', message: expect.stringContaining('#N/A') });
  });

  test('a required start with both cells empty', async () => {
    expect((await start('', '', { required: true })).issues).toEqual([{ row: 2, column: 'Startdatum + Starttid', field: 'startTime', message: 'is required but empty' }]);
  });

  test('an xlsx with a date column and a time column, read end to end', async () => {
    const file = path.join(await tempDir(), 'tider.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Jobb');
    ws.addRow(['Titel', 'Startdatum', 'Starttid']);
    ws.addRow(['Ett', new Date(Date.UTC(2026, 11, 1)), new Date(Date.UTC(1899, 11, 30, 7, 45))]);
    ws.getColumn(2).numFmt = 'yyyy-mm-dd';
    ws.getColumn(3).numFmt = 'hh:mm';
    await wb.xlsx.writeFile(file);
    const { header, rows } = await readAll(file);
    const mapped = mapRow(bindHeader(await joined(), header, {}), sv, rows[0] as never);
    expect(mapped.issues).toEqual([]);
    expect(mapped.job.startTime).toBe(stockholm('2026-12-01T07:45'));
  });
});

describe('a template joins text from columns', () => {
  const template = (text: string) => parseTemplate(text) as TextTemplate;

  test('a blank part is left out with the separator after it (the last, with the one before)', () => {
    const address = template('{Adress}, {Postnr} {Ort}');
    expect(fillTemplate(address, ['Ängsvägen 84', '723 45', 'Västerås'])).toBe('Ängsvägen 84, 723 45 Västerås');
    expect(fillTemplate(address, ['Ängsvägen 84', '', 'Västerås'])).toBe('Ängsvägen 84, Västerås');
    expect(fillTemplate(address, ['', '723 45', 'Västerås'])).toBe('723 45 Västerås');
    expect(fillTemplate(address, ['Ängsvägen 84', '723 45', ''])).toBe('Ängsvägen 84, 723 45');
    expect(fillTemplate(address, ['', '', ''])).toBe('');
    const bracket = template('Order {Nr} ({Kund})');
    expect(fillTemplate(bracket, ['7', 'Mimer'])).toBe('Order 7 (Mimer)');
    expect(fillTemplate(bracket, ['7', ''])).toBe('Order 7');
  });

  test('mapped, with what Excel shows of each part; all blank is an empty field', async () => {
    const { mapping } = await checkMapping({ columns: [{ column: 'Titel', field: 'title' }, { field: 'destinations[0].location.placeName', template: '{Adress}, {Postnr} {Ort}' }] }, 'inline');
    const bound = bindHeader(mapping, ['Titel', 'adress', 'Postnr', 'Ort'], {});
    const format = { code: '000 00', show: (n: number) => `${String(n).slice(0, 3)} ${String(n).slice(3)}` };
    const row = mapRow(bound, sv, { row: 2, cells: ['Jobb', ' Ängsvägen 84 ', { kind: 'number', value: 72345, format }, 'Västerås'] });
    expect(row.job.destinations).toEqual([{ location: { placeName: 'Ängsvägen 84, 723 45 Västerås' } }]);
    const none = mapRow(bound, sv, { row: 3, cells: ['Jobb', '', '', ''] });
    expect(none.job.destinations).toBeUndefined();
    expect(none.empty).toEqual([{ column: 'adress + Postnr + Ort', field: 'destinations[0].location.placeName', parts: ['destinations', 0, 'location', 'placeName'], clear: false }]);
  });
});

describe('loading and binding', () => {
  test('every problem at once, with its path', async () => {
    const text = await problems({
      columns: [
        { column: ['Datum', 'Tid'], field: 'title' },
        { column: ['Datum', 'Tid', 'Zon'], field: 'endTime' },
        { column: 5, field: 'description' },
        { template: '{Adress, {Ort}', field: 'customerName' },
        { template: 'no columns', field: 'customFields.a' },
        { template: '{A}', field: 'duration' },
        { template: '{A}', column: 'A', field: 'customFields.b' },
        { column: ['S', 's'], field: 'startTime', aliases: ['X'] },
      ],
    });
    expect(text).toContain('columns[0].column: two columns make one field only for a datetime (a date column and a time-of-day column), and title is a string: to join text, use template: "{A} {B}"');
    expect(text).toContain("columns[1].column: expected a column's header, or a list of two headers: a date column and a time-of-day column ([Startdatum, Starttid])");
    expect(text).toContain("columns[2].column: expected a column's header, or a list of two headers");
    expect(text).toContain('columns[3].template: has "{Adress, {Ort}", which names no column: write each column as {Name}');
    expect(text).toContain('columns[4].template: names no column: write the columns in braces, e.g. "{Adress}, {Postnr} {Ort}"');
    expect(text).toContain('columns[5].template: a template makes text, and duration is an integer');
    expect(text).toContain('columns[6]: needs either "column" (a spreadsheet column, or two for a date and a time), "template" (text joined from columns) or "value" (a constant), and only one of them');
    expect(text).toContain('columns[7].aliases: aliases name other headers of one column; a field read from several columns takes them by their exact names');
    expect(text).toContain('columns[7].column: names "S" twice: the date column first, then the time column');
  });

  test('each named column must be in the file; all of them missing leaves an optional field out', async () => {
    const mapping = await joined();
    expect(() => bindHeader(mapping, ['Titel', 'Startdatum'], {})).toThrow(/column "Starttid" \(for startTime, a date column and a time column: "Startdatum" \+ "Starttid"\) is missing/);
    const bound = bindHeader(mapping, ['Titel', 'Plats'], {});
    expect(bound.missing).toEqual(['Startdatum + Starttid']);
    expect(bound.unmapped).toEqual(['Plats']);
    expect(mapRow(bound, sv, { row: 2, cells: ['Jobb', 'x'] }).empty).toBeUndefined();
  });

  test('mapping check shows both forms, and says once that a template is not exported', async () => {
    const dir = await tempDir();
    const mappingFile = path.join(dir, 'm.yaml');
    await writeFile(mappingFile, 'timezone: Europe/Stockholm\ncolumns:\n  - column: Titel\n    field: title\n  - column: [Startdatum, Starttid]\n    field: startTime\n  - field: destinations[0].location.placeName\n    template: "{Adress}, {Ort}"\n');
    const file = path.join(dir, 'a.csv');
    await writeFile(file, 'Titel;Startdatum;Starttid;Adress;Ort\nA;2026-12-01;08:00;Storgatan 1;Luleå\n');
    const run = await cli(['mapping', 'check', mappingFile, file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  ✓ startTime ← "Startdatum" + "Starttid" (a date and a time of day, in Europe/Stockholm)');
    expect(run.stdout).toContain('  ✓ destinations[0].location.placeName ← template "{Adress}, {Ort}" ("Adress", "Ort")');
    expect(run.stdout.match(/an export leaves it out/g)).toHaveLength(1);
  });
});

describe('export writes a joined start back into its two columns', () => {
  test('xlsx and csv: a date cell and a time cell; imported again by UUID, nothing changes', async () => {
    const s = await sandbox();
    const client = createClient({ baseUrl: s.url, apiKey: KEY });
    await client.createJob({ title: 'Ett', startTime: stockholm('2026-12-01T07:30') });
    await client.createJob({ title: 'Två', startTime: stockholm('2026-06-30T15:00') });
    await client.createJob({ title: 'Heldag', allDay: true, startTime: '2026-12-03' });
    const { mapping } = await checkMapping(
      {
        timezone: 'Europe/Stockholm',
        locale: 'sv-SE',
        columns: [{ column: 'UUID', field: 'uuid' }, { column: 'Titel', field: 'title' }, { column: ['Startdatum', 'Starttid'], field: 'startTime' }, { column: 'Heldag', field: 'allDay' }],
      },
      'inline',
    );
    const dir = await tempDir();
    for (const output of [path.join(dir, 'jobb.xlsx'), path.join(dir, 'jobb.csv')]) {
      await runExport({ client, mapping, output, stateDir: path.join(dir, '.state') });
      const { header, rows } = await readAll(output);
      expect(header).toEqual(['UUID', 'Titel', 'Startdatum', 'Starttid', 'Heldag']);
      const cells = rows.map((r) => r.cells.slice(2, 4));
      if (output.endsWith('.xlsx')) {
        expect(cells[0]).toEqual([expect.objectContaining({ kind: 'date', wall: '2026-12-01T00:00:00.000' }), expect.objectContaining({ kind: 'time', time: '07:30:00.000' })]);
      } else {
        expect(cells).toEqual([['2026-12-01', '07:30'], ['2026-06-30', '15:00'], ['2026-12-03', '']]);
      }
      const again = await runImport({ file: output, mapping: { ...mapping, key: 'UUID' }, client, rate: 0, stateDir: path.join(dir, 'state') });
      expect(again.counts).toMatchObject({ unchanged: 3, updated: 0, created: 0 });
    }
  });
});
