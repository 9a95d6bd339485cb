// mapping init's guesses: header names in six languages, the key, and map skeletons.
import { describe, expect, test } from '@jest/globals';
import { ADDRESS_PART_NAMES, HEADER_NAMES, looseHeader } from '../src/mapping/header-names.js';
import { matchHeaders, sampleRows, type SheetSample } from '../src/mapping/init-mapping.js';
import { loadMapping } from '../src/mapping/load-mapping.js';
import type { SheetRow } from '../src/readers/cell.js';

const defaults = async () => (await loadMapping()).mapping;
const fields = async (header: string[], sample?: SheetSample) =>
  Object.fromEntries((await matchHeaders(header, await defaults(), sample)).columns.map((c) => [c.header, c.spec?.field ?? null]));

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
    const match = await matchHeaders(header, await defaults(), sample);
    expect(match.key).toBe('Nr');
    expect(match.columns.find((c) => c.header === 'Nr')?.spec?.field).toBe('referenceNo');
  });

  test('no key when a value repeats or a row lacks one', async () => {
    const repeats = await sampleRows(rowsOf([['x', '1'], ['y', '1']]), 2);
    expect((await matchHeaders(['Uppdrag', 'Ordernr'], await defaults(), repeats)).key).toBeUndefined();
    const gap = await sampleRows(rowsOf([['x', '1'], ['y', '']]), 2);
    expect((await matchHeaders(['Uppdrag', 'Ordernr'], await defaults(), gap)).key).toBeUndefined();
  });

  test('words in an integer column get a map; numbers do not', async () => {
    const sample = await sampleRows(rowsOf([['a', 'Høy', '1'], ['b', 'Lav', '2'], ['c', 'Middels', '3']]), 3);
    const match = await matchHeaders(['Oppdrag', 'Prioritet', 'Varighet'], await defaults(), sample);
    expect(match.columns.find((c) => c.header === 'Prioritet')?.map).toEqual({ Høy: 1, Lav: 3, Middels: 2 });
    expect(match.columns.find((c) => c.header === 'Varighet')?.map).toBeUndefined();
    const unknown = await sampleRows(rowsOf([['a', 'A'], ['b', 'B']]), 2);
    expect((await matchHeaders(['Titel', 'Prio'], await defaults(), unknown)).columns[1]?.map).toEqual({ A: 1, B: 2 });
  });
});
