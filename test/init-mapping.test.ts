// mapping init's guesses: header names in six languages, the key, and map skeletons.
import { describe, expect, test } from '@jest/globals';
import { ADDRESS_PART_NAMES, HEADER_NAMES, looseHeader } from '../src/mapping/header-names.js';
import { parse } from 'yaml';
import { matchHeaders, sampleRows, starterMapping, type SheetSample } from '../src/mapping/init-mapping.js';
import { checkMapping, loadMapping } from '../src/mapping/load-mapping.js';
import type { SheetRow } from '../src/readers/cell.js';

const defaults = async () => (await loadMapping()).mapping;
const fields = async (header: string[], sample?: SheetSample) =>
  Object.fromEntries((matchHeaders(header, await defaults(), sample)).columns.map((c) => [c.header, c.spec?.field ?? null]));

async function* rowsOf(rows: string[][]): AsyncIterable<SheetRow> {
  let row = 1;
  for (const cells of rows) yield { row: ++row, cells };
}

describe('header names', () => {
  test('compared without case, accents or punctuation', () => {
    expect(looseHeader('Beräknad tid (min)')).toBe(looseHeader('BERAKNAD TID MIN'));
    expect(looseHeader('Order-nr.')).toBe(looseHeader('Ordernr'));
    expect(looseHeader('Længdegrad')).toBe('laengdegrad');
    expect(looseHeader('Straße')).toBe(looseHeader('Strasse'));
  });

  test('no name belongs to two fields', () => {
    const owner = new Map<string, string>();
    for (const [field, names] of Object.entries(HEADER_NAMES)) {
      for (const name of names) {
        const other = owner.get(looseHeader(name));
        if (other !== undefined && other !== field) throw new Error(`"${name}" is a name of ${other} and ${field}`);
        owner.set(looseHeader(name), field);
      }
    }
    for (const name of ADDRESS_PART_NAMES) expect(owner.get(looseHeader(name))).toBeUndefined();
  });

  test.each([
    ['nb', ['Ordrenummer', 'Oppdrag', 'Kundenavn', 'Gateadresse', 'Startdato', 'Varighet', 'Prioritet', 'Merknad']],
    ['da', ['Ordrenr.', 'Opgave', 'Kunde', 'Adresse', 'Startdato', 'Anslået tid', 'Prioritet', 'Bemærkning']],
    ['fi', ['Tilausnumero', 'Tehtävä', 'Asiakas', 'Osoite', 'Alkuaika', 'Kesto (min)', 'Prioriteetti', 'Lisätiedot']],
    ['de', ['Auftragsnummer', 'Bezeichnung', 'Kundenname', 'Straße', 'Startzeit', 'Dauer (min)', 'Priorität', 'Bemerkung']],
    ['en', ['Work order no', 'Task', 'Client', 'Street address', 'Start date', 'Estimated time (min)', 'Urgency', 'Comments']],
  ])('%s headers each find their field', async (_language, header) => {
    expect(Object.values(await fields(header))).toEqual([
      'referenceNo',
      'title',
      'customerName',
      'destinations[0].location.placeName',
      'startTime',
      'duration',
      'priority',
      'description',
    ]);
  });

  test('a city is the place only when no street address is there', async () => {
    expect(await fields(['Uppdrag', 'Ort'])).toMatchObject({ Ort: 'destinations[0].location.placeName' });
    expect(await fields(['Ort', 'Uppdrag', 'Adress'])).toMatchObject({ Ort: null, Adress: 'destinations[0].location.placeName' });
  });
});

describe('guesses from the rows', () => {
  test('a column of unique order numbers on every row is the key, and the reference when no header says so', async () => {
    const header = ['Uppdrag', 'Nr', 'Datum'];
    const sample = await sampleRows(rowsOf([['Service', 'A-100', '2026-01-01'], ['Byte', 'A-101', '2026-01-01'], ['Kontroll', 'A-102', '2026-01-02']]), 3);
    const match = matchHeaders(header, await defaults(), sample);
    expect(match.key).toBe('Nr');
    expect(match.columns.find((c) => c.header === 'Nr')?.spec?.field).toBe('referenceNo');
  });

  test('no key when a value repeats or a row lacks one', async () => {
    const repeats = await sampleRows(rowsOf([['x', '1'], ['y', '1']]), 2);
    expect((matchHeaders(['Uppdrag', 'Ordernr'], await defaults(), repeats)).key).toBeUndefined();
    const gap = await sampleRows(rowsOf([['x', '1'], ['y', '']]), 2);
    expect((matchHeaders(['Uppdrag', 'Ordernr'], await defaults(), gap)).key).toBeUndefined();
  });

  test('words in an integer column get a map; numbers do not', async () => {
    const sample = await sampleRows(rowsOf([['a', 'Høy', '1'], ['b', 'Lav', '2'], ['c', 'Middels', '3']]), 3);
    const match = matchHeaders(['Oppdrag', 'Prioritet', 'Varighet'], await defaults(), sample);
    expect(match.columns.find((c) => c.header === 'Prioritet')?.map).toEqual({ Høy: 1, Lav: 3, Middels: 2 });
    expect(match.columns.find((c) => c.header === 'Varighet')?.map).toBeUndefined();
    const unknown = await sampleRows(rowsOf([['a', 'A'], ['b', 'B']]), 2);
    expect((matchHeaders(['Titel', 'Prio'], await defaults(), unknown)).columns[1]?.map).toEqual({ A: 1, B: 2 });
  });
});

describe('several columns into one field', () => {
  const starter = async (header: string[], rows?: string[][]) => {
    const sample = rows ? await sampleRows(rowsOf(rows), header.length) : undefined;
    const text = starterMapping(header, await defaults(), 'in.csv', './mapping.schema.json', sample);
    return { match: matchHeaders(header, await defaults(), sample), text, loaded: (await checkMapping(parse(text), 'starter')).mapping };
  };

  test('a date column and a time column, by their rows, in either order', async () => {
    const { match, loaded } = await starter(['Uppdrag', 'Startdatum', 'Starttid'], [['a', '2026-12-01', '07:00'], ['b', '2026-12-02', '13:30']]);
    expect(match.columns.find((c) => c.header === 'Startdatum')).toMatchObject({ with: 'Starttid', spec: { field: 'startTime' } });
    const time = match.columns.find((c) => c.header === 'Starttid');
    expect([time?.joinedInto, time?.spec, time?.note]).toEqual(['Startdatum', undefined, undefined]);
    expect(loaded.columns.find((c) => c.field === 'startTime')?.from).toEqual(['Startdatum', 'Starttid']);
    const reversed = await starter(['Uppdrag', 'Starttid', 'Startdatum'], [['a', '07:00', '2026-12-01'], ['b', '13:30', '2026-12-02']]);
    expect(reversed.loaded.columns.find((c) => c.field === 'startTime')?.from).toEqual(['Startdatum', 'Starttid']);
    // Datum + Tid: the time column named only as a time of day.
    const plain = await starter(['Uppdrag', 'Datum', 'Tid', 'Slutdatum', 'Sluttid'], [['a', '1.12.2026', '7.00', '1.12.2026', '9.00']]);
    expect(plain.loaded.columns.filter((c) => c.from).map((c) => [c.field, c.from])).toEqual([['startTime', ['Datum', 'Tid']], ['endTime', ['Slutdatum', 'Sluttid']]]);
  });

  test('not when the rows say otherwise: a start column with times of its own stays one column', async () => {
    const { match } = await starter(['Uppdrag', 'Starttid', 'Startdatum'], [['a', '2026-12-01 07:00', '2026-12-01']]);
    expect(match.columns.find((c) => c.header === 'Starttid')).toMatchObject({ spec: { field: 'startTime' } });
    expect(match.columns.find((c) => c.header === 'Startdatum')?.note).toMatch(/names startTime too/);
    // Without rows, the names decide.
    const named = await starter(['Uppdrag', 'Startdatum', 'Starttid']);
    expect(named.loaded.columns.find((c) => c.field === 'startTime')?.from).toEqual(['Startdatum', 'Starttid']);
  });

  test('a street, a postcode and a town make a template of the place', async () => {
    const { match, text, loaded } = await starter(['Uppdrag', 'Gatuadress', 'Postnummer', 'Postort']);
    expect(match.columns.find((c) => c.header === 'Gatuadress')?.template).toBe('{Gatuadress}, {Postnummer} {Postort}');
    expect(text).toContain('  - field: destinations[0].location.placeName\n    template: "{Gatuadress}, {Postnummer} {Postort}"');
    expect(text).not.toContain('# - column: "Postort"');
    expect(loaded.columns.find((c) => c.field === 'destinations[0].location.placeName')).toMatchObject({ template: '{Gatuadress}, {Postnummer} {Postort}', from: ['Gatuadress', 'Postnummer', 'Postort'] });
    expect((await starter(['Uppdrag', 'Adress', 'Ort'])).match.columns[1]?.template).toBe('{Adress}, {Ort}');
    // A town alone is the place, as before.
    const town = (await starter(['Uppdrag', 'Ort'])).match.columns[1];
    expect([town?.spec?.field, town?.template]).toEqual(['destinations[0].location.placeName', undefined]);
  });

  test('no title: the mapping says so and how to add one', async () => {
    const { text } = await starter(['Ordernr', 'Beskrivning']);
    expect(text).toContain('  # No column names a title, and a job without one shows none in Coredination: map one,\n  # or join columns into it (a blank part is left out), e.g.:\n  # - field: title\n  #   template: "{Beskrivning}"');
    expect((await starter(['Titel'])).text).not.toContain('No column names a title');
  });

  test("a priority's words in the order of their numbers", async () => {
    const sample = await sampleRows(rowsOf([['a', 'Normal'], ['b', 'Låg'], ['c', 'Hög']]), 2);
    const map = matchHeaders(['Uppdrag', 'Prioritet'], await defaults(), sample).columns[1]?.map;
    expect(Object.keys(map ?? {})).toEqual(['Hög', 'Normal', 'Låg']);
  });
});
