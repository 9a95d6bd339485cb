// The spreadsheet and mapping commands through the CLI (in this process), as a user runs them.
import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import ExcelJS from 'exceljs';
import { loadMapping } from '../src/mapping/load-mapping.js';
import { cli } from './helpers/cli.js';
import { fixture, readAll, SAMPLES, tempDir, TEMPLATES } from './helpers/files.js';

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .*\(/);

describe('import --dry-run', () => {
  test.each([
    ['samples/jobs.xlsx', [], 36],
    ['samples/erp-export.csv', ['--mapping', 'samples/erp.mapping.yaml'], 12],
  ])('%s: every row valid, exit 0, nothing sent', async (file, extra, rows) => {
    const dir = await tempDir();
    const payloads = path.join(dir, 'payloads.jsonl');
    const run = await cli(['import', file, '--dry-run', '--payloads', payloads, ...extra]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${rows} rows, ${rows} valid, 0 invalid`);
    expect(run.stdout).toContain('nothing was sent');
    const lines = (await readFile(payloads, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { job: Record<string, unknown> });
    expect(lines).toHaveLength(rows);
    expect(lines[0]?.job.referenceNo).toMatch(/^00\d{5}$/);
    expect(typeof lines[0]?.job.startTime).toBe('number');
  });

  test('invalid rows: exit 2, each problem by row and column, the rows in an errors file in the input\'s columns', async () => {
    const dir = await tempDir();
    const input = path.join(dir, 'jobb.csv');
    await copyFile(fixture('invalid-rows.csv'), input);
    const run = await cli(['import', input, '--dry-run', '--json']);
    expect(run.code).toBe(2);
    const summary = JSON.parse(run.stdout) as { rows: number; valid: number; invalid: number; issues: { text: string }[]; errorsFile: string };
    expect(summary).toMatchObject({ rows: 4, valid: 1, invalid: 3 });
    expect(summary.issues.map((i) => i.text)).toEqual([
      'row 3, column "Title": is required but empty',
      'row 4, column "Start": expected a date like 2026-03-01 08:00, got "tomorrow"',
      'row 5, column "Duration": expected a number like 42, got "en timme"',
      'row 5, column "All day": expected yes or no (true/false, ja/nej, 1/0, x), got "kanske"',
    ]);
    expect(summary.errorsFile).toBe(path.join(dir, 'jobb.errors.csv'));
    const errors = await readAll(summary.errorsFile);
    expect(errors.header).toEqual(['Title', 'Reference no', 'Start', 'Duration', 'All day', 'Reason']);
    expect(errors.rows.map((r) => r.cells[1])).toEqual(['002', '003', '004']);
    expect(errors.rows[1]?.cells[5]).toBe('Start: expected a date like 2026-03-01 08:00, got "tomorrow"');
  });

  test.each([
    ['empty.csv', /The file is empty/],
    ['garbage.xlsx', /not a readable xlsx workbook/],
    ['truncated.xlsx', /not a readable xlsx workbook/],
    ['unclosed-quote.csv', /row 3: A quoted field is never closed/],
    ['ragged.csv', /row 3: This row has 4 fields but the header has 3/],
    ['duplicate-headers.csv', /column "Title" \(for title\) matches more than one header/],
    ['missing-required.csv', /required column "Title" \(for title\) is missing/],
    ['no-such-file.csv', /Cannot open the file \(no such file\)/],
    ['bad-yaml.mapping.yaml', /Cannot read files of type \.yaml/],
  ])('%s: exit 2 and one clear message, no stack trace', async (name, message) => {
    const run = await cli(['import', fixture(name), '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.match(/^Error:/gm)).toHaveLength(1);
    expect(run.stdout).toBe('');
    noStack(run.stderr);
  });

  test.each([
    ['bad-yaml.mapping.yaml', /\(yaml\) \(line 5\): Sequence item without - indicator/],
    ['unknown-type.mapping.yaml', /columns\[0\]\.type \(line 5\): expected one of "string"/],
  ])('mapping %s: exit 2 before reading rows', async (name, message) => {
    const run = await cli(['import', 'samples/jobs.xlsx', '--dry-run', '--mapping', fixture(name)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    noStack(run.stderr);
  });

  test('a missing sheet lists the sheets there are', async () => {
    const run = await cli(['import', 'samples/jobs.xlsx', '--dry-run', '--sheet', 'Blad1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('The workbook has no sheet "Blad1"; it has "Uppdrag".');
  });

  test('--verbose says what was detected', async () => {
    const run = await cli(['import', fixture('win1252-sep-line.csv'), '--dry-run', '--verbose', '--mapping', fixture('../../samples/erp.mapping.yaml')]);
    expect(run.stderr).toContain('Detected csv: encoding windows-1252, delimiter ";"');
  });
});

describe('mapping init and check', () => {
  test('init writes a starter mapping that check accepts against the same file', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'erp.mapping.yaml');
    const init = await cli(['mapping', 'init', 'samples/erp-export.csv', '--out', out]);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('7 of 8 columns matched');
    const text = await readFile(out, 'utf8');
    expect(text).toContain('# - column: "Avtal"');
    expect(text).toMatch(/^key: Order nr /m);
    expect(text).toContain('map: { Ja: 1, Nej: 3 }   # CHECK');
    const { mapping } = await loadMapping(out);
    expect(mapping.columns.map((c) => [c.column, c.field])).toContainEqual(['Uppdrag', 'title']);
    const check = await cli(['mapping', 'check', out, 'samples/erp-export.csv']);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('the header fits');
    const again = await cli(['mapping', 'init', 'samples/erp-export.csv', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists already/);
  });

  test('init on a 12-column Swedish ERP export: names matched without case, accents or punctuation, the order numbers as key, a map for priority words; every row valid', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'erp.mapping.yaml');
    const init = await cli(['mapping', 'init', fixture('erp-12-columns.csv'), '--out', out, '--json']);
    expect(init.code).toBe(0);
    const result = JSON.parse(init.stdout) as { key: string; matched: { column: string; field: string; map?: unknown }[]; unmatched: string[] };
    expect(result.key).toBe('Arbetsorder');
    expect(Object.fromEntries(result.matched.map((m) => [m.column, m.field]))).toEqual({
      Arbetsorder: 'referenceNo',
      Benämning: 'title',
      Kundnamn: 'customerName',
      Gatuadress: 'destinations[0].location.placeName',
      Startdatum: 'startTime',
      Sluttid: 'endTime',
      'Beräknad tid (min)': 'duration',
      Prioritet: 'priority',
      Anteckning: 'description',
      Tekniker: 'resources[].name',
    });
    // The street, the postcode and the town are joined into the place.
    expect(result.unmatched).toEqual([]);
    expect(result.matched.find((m) => m.column === 'Gatuadress')).toMatchObject({ template: '{Gatuadress}, {Postnummer} {Ort}', columns: ['Gatuadress', 'Postnummer', 'Ort'] });
    const text = await readFile(out, 'utf8');
    expect(text).toContain('map: { Hög: 1, Normal: 2, Låg: 3 }');
    expect(text).toContain('  - field: destinations[0].location.placeName\n    template: "{Gatuadress}, {Postnummer} {Ort}"');
    const payloads = path.join(dir, 'payloads.jsonl');
    const run = await cli(['import', fixture('erp-12-columns.csv'), '--mapping', out, '--dry-run', '--payloads', payloads]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('6 rows, 6 valid, 0 invalid');
    const jobs = (await readFile(payloads, 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { job: { priority: number } }).job);
    expect(jobs.map((j) => j.priority)).toEqual([1, 2, 3, 2, 2, 1]);
  });

  test('init points $schema at the installed schema file, relative to the mapping, so that an editor can load it', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'deeper', 'erp.mapping.yaml');
    await mkdir(path.dirname(out));
    const init = await cli(['mapping', 'init', 'samples/erp-export.csv', '--out', out]);
    expect(init.code).toBe(0);
    const schema = /\$schema=(\S+)/.exec(await readFile(out, 'utf8'))?.[1] ?? '';
    expect(schema).not.toMatch(/^https?:/);
    expect(path.resolve(path.dirname(out), schema)).toBe(path.join(TEMPLATES, 'mapping.schema.json'));
    expect(JSON.parse(await readFile(path.resolve(path.dirname(out), schema), 'utf8'))).toHaveProperty('properties.columns');
  });

  test('check takes its mapping one way: the positional; --mapping is a usage error, and --help does not offer it', async () => {
    const run = await cli(['mapping', 'check', 'samples/erp.mapping.yaml', '-m', fixture('many-problems.mapping.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown option for mapping check: -m\./);
    for (const command of ['check', 'init']) {
      const help = await cli(['mapping', command, '--help']);
      expect(help.stdout).not.toContain('--mapping');
    }
  });

  test('check reports every problem of a bad mapping, exit 2', async () => {
    const run = await cli(['mapping', 'check', fixture('many-problems.mapping.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('has 6 problems');
    noStack(run.stderr);
  });

  test('check against a file whose header does not fit: exit 2', async () => {
    const run = await cli(['mapping', 'check', 'samples/erp.mapping.yaml', 'samples/jobs.xlsx']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/required column "Order nr"/);
  });
});

describe('templates and samples', () => {
  test('every mapping in templates/ and samples/ is valid', async () => {
    const files = [
      ...(await readdir(TEMPLATES)).filter((f) => f.endsWith('.yaml')).map((f) => path.join(TEMPLATES, f)),
      ...(await readdir(SAMPLES)).filter((f) => f.endsWith('.mapping.yaml')).map((f) => path.join(SAMPLES, f)),
    ];
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const run = await cli(['mapping', 'check', file]);
      expect(run.code).toBe(0);
    }
  });

  test('template writes a workbook with a bold frozen header, notes, drop-downs and date formats; importing it empty is valid', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'mall.xlsx');
    const run = await cli(['template', out]);
    expect(run.code).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    const header = sheet.getRow(1);
    const columns = (header.values as unknown[]).slice(1);
    expect(columns).not.toContain('Job id'); // set by the server: not in an import workbook
    const title = columns.indexOf('Title') + 1;
    expect(header.getCell(title).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(header.getCell(title).note).toMatch(/Field: title/);
    const allDay = columns.indexOf('All day') + 1;
    const start = columns.indexOf('Start') + 1;
    const reference = columns.indexOf('Reference no') + 1;
    expect(sheet.getCell(2, allDay).dataValidation).toMatchObject({ type: 'list', formulae: ['"Ja,Nej"'] });
    expect(sheet.getCell(2, start).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(sheet.getCell(2, reference).numFmt).toBe('@');
    const check = await cli(['mapping', 'check', path.join(TEMPLATES, 'jobs.mapping.yaml'), out]);
    expect(check.code).toBe(0);
  });
});

describe('the committed blank workbook', () => {
  test('templates/jobs-template.xlsx has the default mapping\'s columns and fits it', async () => {
    const { mapping } = await loadMapping(path.join(TEMPLATES, 'jobs.mapping.yaml'));
    const { header } = await readAll(path.join(TEMPLATES, 'jobs-template.xlsx'));
    expect(header).toEqual(mapping.columns.flatMap((c) => (c.column && !c.readOnly ? [c.column] : [])));
    const run = await cli(['import', path.join(TEMPLATES, 'jobs-template.xlsx'), '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('0 rows');
  });
});
