import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { DateTime } from 'luxon';
import { CdbError } from '../src/errors.js';
import { bindHeader, findColumn } from '../src/mapping/bind-header.js';
import { convertCell, parseLocaleNumber } from '../src/mapping/convert-cell.js';
import { parseFieldPath, setPath } from '../src/mapping/field-path.js';
import { checkMapping, DEFAULT_MAPPING, loadMapping } from '../src/mapping/load-mapping.js';
import { localeRules } from '../src/mapping/locale.js';
import { mapRow } from '../src/mapping/map-row.js';
import type { ColumnSpec, FieldType } from '../src/mapping/types.js';
import { fixture, SAMPLES, tempDir } from './helpers/files.js';

const sv = { locale: localeRules('sv-SE'), timezone: 'Europe/Stockholm' };
const en = { locale: localeRules('en-US'), timezone: 'America/New_York' };
const spec = (type: FieldType, extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ field: 'x', column: 'X', aliases: [], required: false, trim: true, readOnly: false, type, ...extra });
const stockholm = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Stockholm' }).toMillis();

async function mappingError(run: () => Promise<unknown>): Promise<CdbError> {
  const error = await run().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CdbError);
  return error as CdbError;
}

describe('mapping files', () => {
  test('the default mapping loads, with English and Swedish aliases', async () => {
    const { mapping, warnings } = await loadMapping(DEFAULT_MAPPING);
    expect(warnings).toEqual([]);
    expect(mapping).toMatchObject({ resource: 'job', locale: 'sv-SE', timezone: 'Europe/Stockholm', headerRow: 1 });
    const title = mapping.columns.find((c) => c.field === 'title');
    expect(title).toMatchObject({ column: 'Title', required: true, type: 'string' });
    expect(title?.aliases).toContain('Titel');
    expect(mapping.columns.find((c) => c.field === 'startTime')?.type).toBe('datetime');
  });

  test('the sample ERP mapping loads', async () => {
    const { mapping } = await loadMapping(`${SAMPLES}/erp.mapping.yaml`);
    expect(mapping.key).toBe('Order nr');
    expect(mapping.columns.find((c) => c.field === 'priority')?.map).toEqual({ Ja: 1, Nej: 3 });
  });

  test('every problem is reported at once, with its path and line', async () => {
    const error = await mappingError(() => loadMapping(fixture('many-problems.mapping.yaml')));
    expect(error.code).toBe('MAPPING');
    const text = error.message;
    expect(text).toMatch(/resource \(line 1\): must be "job"/);
    expect(text).toMatch(/columns\[0\]\.type \(line 6\): expected one of "string", "integer"/);
    expect(text).toMatch(/columns\[2\] \(line 9\): needs either "column" .* or "value"/);
    expect(text).toMatch(/columns\[3\]\.colour \(line 14\): is not a known setting/);
    expect(text).toMatch(/has 6 problems/); // schema and rules together
  });

  test('a mapping whose columns are all still commented out (mapping init matched none) says so in words', async () => {
    const error = await mappingError(() => checkMapping({ resource: 'job', columns: [] }, 'inline'));
    expect(error.message).toMatch(/columns: is empty: list at least one/);
    expect(error.message).not.toMatch(/fewer than/);
  });

  test('rules after the schema: duplicate fields, bad time zone, unknown fields refused unless passthrough', async () => {
    const error = await mappingError(() =>
      checkMapping({ timezone: 'Europe/Gothenburg', columns: [{ column: 'A', field: 'title' }, { column: 'B', field: 'title' }, { column: 'C', field: 'colour' }] }, 'inline'),
    );
    expect(error.message).toMatch(/timezone: "Europe\/Gothenburg" is not an IANA time zone/);
    expect(error.message).toMatch(/columns\[1\]\.field: title is already mapped by columns\[0\]/);
    expect(error.message).toMatch(/columns\[2\]\.field: "colour" is not a job field this tool knows \(they are uuid, title, .*customFields\.<name>.*\); .*passthrough: true/);
    const { mapping, warnings } = await checkMapping({ columns: [{ column: 'A', field: 'colour', passthrough: true }] }, 'inline');
    expect(warnings).toEqual([]);
    expect(mapping.columns[0]).toMatchObject({ field: 'colour', passthrough: true });
  });

  test.each([
    ['custmerName', 'customerName'],
    ['duraton', 'duration'],
    ['Title', 'title'],
    ['tilte', 'title'],
    ['destinations[2].location.placeNme', 'destinations[2].location.placeName'],
    ['customfields.avtal', 'customFields.avtal'],
    ['resources[].nmae', 'resources[].name'],
  ])('a misspelt field %s: refused, "did you mean %s?"', async (field, closest) => {
    const error = await mappingError(() => checkMapping({ columns: [{ column: 'A', field }] }, 'inline'));
    expect(error.message).toContain(`"${field}" is not a job field this tool knows: did you mean ${closest}?`);
  });

  test('field paths through __proto__, prototype or constructor are refused, with their path and line', async () => {
    const file = path.join(await tempDir(), 'proto.mapping.yaml');
    await writeFile(file, 'resource: job\ncolumns:\n  - column: Title\n    field: title\n  - column: H\n    field: __proto__.headers\n  - column: P\n    field: constructor.prototype.x\n  - column: Q\n    field: prototype\n');
    const error = await mappingError(() => loadMapping(file));
    expect(error.code).toBe('MAPPING');
    expect(error.message).toMatch(/columns\[1\]\.field \(line 6\): "__proto__\.headers" contains "__proto__", which is refused/);
    expect(error.message).toMatch(/columns\[2\]\.field \(line 8\): "constructor\.prototype\.x" contains "constructor"/);
    expect(error.message).toMatch(/columns\[3\]\.field \(line 10\): "prototype" contains "prototype"/);
    expect(({} as Record<string, unknown>).headers).toBeUndefined();
  });

  test('setPath never writes through a prototype, whoever calls it', () => {
    const job: Record<string, unknown> = {};
    for (const field of ['__proto__.headers', 'constructor.prototype.headers', '__proto__', 'a.__proto__.headers']) {
      setPath(job, parseFieldPath(field) ?? [], { polluted: true });
    }
    setPath(job, ['__proto__', 'headers'], { polluted: true });
    expect(({} as Record<string, unknown>).headers).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('headers');
    expect(Object.getPrototypeOf(job)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(job.a ?? {})).toBe(Object.prototype);
    setPath(job, ['destinations', 0, 'name'], 'ok');
    expect(job).toEqual({ destinations: [{ name: 'ok' }] });
  });

  test('bad YAML and an unknown type are MAPPING errors naming the line', async () => {
    expect((await mappingError(() => loadMapping(fixture('bad-yaml.mapping.yaml')))).message).toMatch(/\(yaml\) \(line \d\)/);
    expect((await mappingError(() => loadMapping(fixture('unknown-type.mapping.yaml')))).message).toMatch(/columns\[0\]\.type \(line 5\): expected one of/);
    expect((await mappingError(() => loadMapping(fixture('nope.yaml')))).message).toMatch(/no such file/);
  });
});

describe('header matching', () => {
  test('ignores case and spaces, uses aliases, ignores accents only when unambiguous', () => {
    expect(findColumn(['  titel ', 'Start'], ['Title', 'Titel'])).toBe(0);
    expect(findColumn(['Plats'], ['Plåts'])).toBe(0);
    expect(findColumn(['Plats', 'Plåts'], ['Plåts'])).toBe(1);
    expect(findColumn(['Plats', 'Pläts'], ['Plåts'])).toBe('ambiguous');
    expect(findColumn(['A', 'a'], ['a'])).toBe('ambiguous');
  });

  test('a missing required column, an ambiguous one and a missing key are reported together', async () => {
    const { mapping } = await loadMapping(DEFAULT_MAPPING);
    mapping.key = 'Order';
    let error: unknown;
    try {
      bindHeader(mapping, ['Start', 'place', 'Place '], { file: 'x.csv' });
    } catch (e) {
      error = e;
    }
    expect((error as CdbError).message).toMatch(/required column "Title" \(for title\) is missing/);
    expect((error as CdbError).message).toMatch(/column "Place" .* matches more than one header/);
    expect((error as CdbError).message).toMatch(/key column "Order" is missing/);
  });
});

describe('cell conversion', () => {
  test('string keeps leading zeros and never casts', () => {
    expect(convertCell('00123', spec('string'), sv)).toEqual({ value: '00123' });
    expect(convertCell(42, spec('string'), sv)).toEqual({ value: '42' });
  });

  test('numbers under a locale: decimal comma, thousands separators', () => {
    const rules = localeRules('sv-SE');
    expect(parseLocaleNumber('733480,00', rules)).toBe(733480);
    expect(parseLocaleNumber('1 234,5', rules)).toBe(1234.5);
    expect(parseLocaleNumber('1\u00a0234,5', rules)).toBe(1234.5);
    expect(parseLocaleNumber('1.234.567,8', rules)).toBe(1234567.8);
    expect(parseLocaleNumber('12.5', rules)).toBe(12.5);
    expect(parseLocaleNumber('1,234.5', localeRules('en-GB'))).toBe(1234.5);
    expect(parseLocaleNumber('tolv', rules)).toBeUndefined();
    expect(convertCell('2,5', spec('integer'), sv)).toEqual({ problem: 'expected a whole number like 42, got "2,5"' });
    expect(convertCell(59.3, spec('number'), sv)).toEqual({ value: 59.3 });
  });

  test.each([
    ['ja', true], ['Nej', false], ['x', true], ['1', true], ['0', false], ['TRUE', true], ['no', false], ['sant', true],
  ])('boolean %s', (text, value) => {
    expect(convertCell(text, spec('boolean'), sv)).toEqual({ value });
  });

  test('value maps and enums', () => {
    expect(convertCell('ja', spec('integer', { map: { Ja: 1, Nej: 3 } }), sv)).toEqual({ value: 1 });
    expect(convertCell('fastpris', spec('enum', { values: ['Löpande', 'Fastpris'] }), sv)).toEqual({ value: 'Fastpris' });
    expect(convertCell('Gratis', spec('enum', { values: ['Löpande', 'Fastpris'] }), sv)).toEqual({ problem: 'expected one of "Löpande", "Fastpris", got "Gratis"' });
  });

  test('datetime: Excel date cells, ISO, day-first, explicit format, all in the mapping\'s zone', () => {
    const expected = stockholm('2026-03-01T08:00');
    expect(convertCell({ kind: 'date', wall: '2026-03-01T08:00:00.000' }, spec('datetime'), sv)).toEqual({ value: expected });
    expect(convertCell('2026-03-01 08:00', spec('datetime'), sv)).toEqual({ value: expected });
    expect(convertCell('2026-03-01T08:00:00', spec('datetime'), sv)).toEqual({ value: expected });
    expect(convertCell('01.03.2026 08:00', spec('datetime'), sv)).toEqual({ value: expected });
    expect(convertCell('1/3/2026 8:00', spec('datetime'), sv)).toEqual({ value: expected });
    expect(convertCell('3/1/2026 8:00', spec('datetime'), en)).toEqual({ value: DateTime.fromISO('2026-03-01T08:00', { zone: 'America/New_York' }).toMillis() });
    expect(convertCell('01.03.26 8.00', spec('datetime', { format: 'dd.MM.yy H.mm' }), sv)).toEqual({ value: expected });
    expect(convertCell('2026-03-01T08:00:00Z', spec('datetime'), sv)).toEqual({ value: Date.UTC(2026, 2, 1, 8) });
    expect(convertCell(46082.3333333333, spec('datetime'), sv)).toEqual({ value: expected });
  });

  test('datetime across daylight saving: summer is UTC+2, a skipped hour is a problem', () => {
    expect(convertCell('2026-07-01 08:00', spec('datetime'), sv)).toEqual({ value: Date.UTC(2026, 6, 1, 6) });
    expect(convertCell('2026-01-15 08:00', spec('datetime'), sv)).toEqual({ value: Date.UTC(2026, 0, 15, 7) });
    expect(convertCell('2026-03-29 02:30', spec('datetime'), sv)).toEqual({ problem: '2026-03-29 02:30 does not exist in Europe/Stockholm (the clocks go forward then)' });
    expect(convertCell('2026-10-25 02:30', spec('datetime'), sv)).toHaveProperty('value');
  });

  test('date stays yyyy-MM-dd; bad dates say what was expected', () => {
    expect(convertCell({ kind: 'date', wall: '2026-12-24T00:00:00.000' }, spec('date'), sv)).toEqual({ value: '2026-12-24' });
    expect(convertCell('24.12.2026', spec('date'), sv)).toEqual({ value: '2026-12-24' });
    expect(convertCell('tomorrow', spec('datetime'), sv)).toEqual({ problem: 'expected a date like 2026-03-01 08:00, got "tomorrow"' });
    expect(convertCell('31.02.2026', spec('date'), sv)).toHaveProperty('problem');
    expect(convertCell({ kind: 'error', error: '#N/A' }, spec('date'), sv)).toEqual({ problem: 'the cell shows the error #N/A (a formula that could not be calculated); fix it in the file' });
  });
});

describe('mapRow', () => {
  test('a row becomes a nested job payload; blank optional cells are left out; constants set', async () => {
    const { mapping } = await loadMapping(`${SAMPLES}/erp.mapping.yaml`);
    const header = ['Order nr', 'Uppdrag', 'Kund', 'Plats', 'Start', 'Arbetstid (min)', 'Akut', 'Avtal'];
    const bound = bindHeader(mapping, header, {});
    const mapped = mapRow(bound, sv, { row: 2, cells: ['0010037', 'Byte av termostat', '', 'Storgatan 1, Uppsala', '01.12.2026 07:00', '45', 'Ja', 'Fastpris'] });
    expect(mapped.issues).toEqual([]);
    expect(mapped.key).toBe('0010037');
    expect(mapped.job).toEqual({
      referenceNo: '0010037',
      title: 'Byte av termostat',
      destinations: [{ location: { placeName: 'Storgatan 1, Uppsala' } }],
      startTime: stockholm('2026-12-01T07:00'),
      duration: 45,
      priority: 1,
      customFields: { avtal: 'Fastpris' },
      description: 'Importerad från affärssystemet',
    });
  });

  test('xlsx cells: a text field gets what Excel shows; a hidden value is empty; durations in minutes', async () => {
    const { mapping } = await loadMapping(DEFAULT_MAPPING);
    const bound = bindHeader(mapping, ['Title', 'Reference no', 'Duration'], {});
    const padded = { code: '0000000', show: (v: number) => String(v).padStart(7, '0') };
    const hidden = { code: '#', show: () => '' };
    const ok = mapRow(bound, sv, { row: 2, cells: ['Service', { kind: 'number', value: 50002, format: padded }, { kind: 'duration', seconds: 5400 }] });
    expect(ok.issues).toEqual([]);
    expect(ok.job).toMatchObject({ title: 'Service', referenceNo: '0050002', duration: 90 });
    const text = mapRow(bound, sv, { row: 3, cells: ['Service', '7', '26:15'] });
    expect(text.job).toMatchObject({ duration: 1575 });
    const bad = mapRow(bound, sv, { row: 4, cells: [{ kind: 'number', value: 0, format: hidden }, '8', { kind: 'duration', seconds: -3600 }] });
    expect(bad.issues.map((i) => `${i.column}: ${i.message}`)).toEqual([
      'Title: is required but shows nothing (its number format hides the value)',
      'Duration: a duration cannot be negative, got "-1:00:00"',
    ]);
    const uncalculated = mapRow(bound, sv, { row: 5, cells: [{ kind: 'unreadable', reason: 'the formula in this cell has no calculated value' }, '9', ''] });
    expect(uncalculated.issues.map((i) => i.message)).toEqual(['the formula in this cell has no calculated value']);
  });

  test('trim: false keeps white space, even a cell of spaces only', async () => {
    const { mapping } = await checkMapping({ columns: [{ column: 'Note', field: 'description', trim: false }, { column: 'Title', field: 'title' }] }, 'inline');
    const bound = bindHeader(mapping, ['Note', 'Title'], {});
    expect(mapRow(bound, sv, { row: 2, cells: ['  indented\n', '  Title  '] }).job).toEqual({ description: '  indented\n', title: 'Title' });
    expect(mapRow(bound, sv, { row: 3, cells: ['   ', 'T'] }).job).toEqual({ description: '   ', title: 'T' });
  });

  test('every problem of a row is listed', async () => {
    const { mapping } = await loadMapping(DEFAULT_MAPPING);
    const bound = bindHeader(mapping, ['Title', 'Start', 'Duration'], {});
    const mapped = mapRow(bound, sv, { row: 17, cells: ['', 'tomorrow', 'en timme'] });
    expect(mapped.issues.map((i) => `${i.column}: ${i.message}`)).toEqual([
      'Title: is required but empty',
      'Start: expected a date like 2026-03-01 08:00, got "tomorrow"',
      'Duration: expected a number like 42, got "en timme"',
    ]);
  });
});
