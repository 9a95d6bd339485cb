import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import ExcelJS from 'exceljs';
import { CdbError } from '../src/errors.js';
import { guessDelimiter } from '../src/readers/detect-text.js';
import { fixture, readAll, tempDir } from './helpers/files.js';

describe('csv reader', () => {
  test('UTF-8 with BOM, comma, CRLF', async () => {
    const { header, detected, rows } = await readAll(fixture('utf8-bom-comma.csv'));
    expect(detected).toMatchObject({ encoding: 'utf-8', bom: true, delimiter: ',' });
    expect(header).toEqual(['Title', 'Reference no', 'Start', 'Duration']);
    expect(rows[1]).toEqual({ row: 3, cells: ['Årlig kontroll', '0456', '2026-07-01 13:30', '60'] });
  });

  test('UTF-8 without BOM, semicolon, LF; the decimal comma does not fool the delimiter guess', async () => {
    const { detected, rows } = await readAll(fixture('utf8-semicolon-lf.csv'));
    expect(detected).toMatchObject({ encoding: 'utf-8', bom: false, delimiter: ';' });
    expect(rows[0]?.cells).toEqual(['Service värmepump', '00042', '733480,00', '01.03.2026 08:00']);
  });

  test('Windows-1252 from Swedish Excel, with a sep=; first line (not a row)', async () => {
    const { detected, header, rows } = await readAll(fixture('win1252-sep-line.csv'));
    expect(detected).toMatchObject({ encoding: 'windows-1252', delimiter: ';' });
    expect(header).toEqual(['Titel', 'Kund', 'Adress']);
    expect(rows.map((r) => r.row)).toEqual([2, 3]);
    expect(rows[1]?.cells).toEqual(['Felsökning ventilation', 'Café Ängsbacken', 'Åsgatan 2, Umeå']);
  });

  test('UTF-16LE with BOM and tabs (Excel\'s "Unicode text")', async () => {
    const { detected, rows } = await readAll(fixture('utf16le-tab.txt'));
    expect(detected).toMatchObject({ encoding: 'utf-16le', delimiter: '\t' });
    expect(rows[0]?.cells).toEqual(['Läckagesökning badrum', '007', '45']);
  });

  test('pipe delimiter', async () => {
    const { detected, rows } = await readAll(fixture('pipe.csv'));
    expect(detected.delimiter).toBe('|');
    expect(rows[0]?.cells).toEqual(['Snöröjning tak', '100', 'Storgatan 1, Luleå']);
  });

  test('quoted fields with delimiters, doubled quotes and a line break inside', async () => {
    const { rows } = await readAll(fixture('quoted.csv'));
    expect(rows[0]?.cells).toEqual(['Byte; av blandare', 'Kunden säger "akut"', '001']);
    expect(rows[1]).toEqual({ row: 3, cells: ['Två rader', 'Rad ett\r\nRad två', '002'] });
  });

  test('a bare quote inside an unquoted field is text, as Excel reads it', async () => {
    const file = path.join(await tempDir(), 'coordinates.csv');
    await writeFile(file, 'Title;Place;Note\nA;37°36\'37.8"N;3" pipe\nB;"quoted; field";x\n');
    const { rows } = await readAll(file);
    expect(rows.map((r) => r.cells)).toEqual([
      ['A', '37°36\'37.8"N', '3" pipe'],
      ['B', 'quoted; field', 'x'],
    ]);
  });

  test('Windows-1252 whose first å comes after the sampled start stops at its row; real U+FFFD in UTF-8 is data', async () => {
    const dir = await tempDir();
    const late = path.join(dir, 'late.csv');
    const ascii = Array.from({ length: 5000 }, (_, i) => `Job ${i};Street ${i}`).join('\r\n');
    await writeFile(late, Buffer.concat([Buffer.from(`Title;Place\r\n${ascii}\r\n`), Buffer.from('Sista;R\xe4ksm\xf6rg\xe5s\r\n', 'latin1')]));
    const error = await readAll(late).then(() => undefined, (e: unknown) => e as CdbError);
    expect(error).toBeInstanceOf(CdbError);
    expect(error?.message).toMatch(/not UTF-8/);
    expect(error?.context.row).toBe(5002);
    expect(error?.hint).toMatch(/--encoding windows-1252/);
    const { rows } = await readAll(late, { encoding: 'windows-1252' });
    expect(rows.at(-1)?.cells).toEqual(['Sista', 'Räksmörgås']);
    const damaged = path.join(dir, 'damaged.csv');
    await writeFile(damaged, 'Title;Place\nmod\uFFFDle;x\n');
    expect((await readAll(damaged)).rows[0]?.cells).toEqual(['mod\uFFFDle', 'x']);
  });

  test('values under a blank header are left out with a warning', async () => {
    const file = path.join(await tempDir(), 'blank.csv');
    await writeFile(file, 'Title;;Place\nA;junk;x\nB;;y\n');
    const { header, rows, warnings } = await readAll(file);
    expect(header).toEqual(['Title', '', 'Place']);
    expect(rows).toHaveLength(2);
    expect(warnings).toEqual(['Column B has no header in row 1, so its value is left out: no mapping can name it.']);
  });

  test('flags override detection', async () => {
    const { header, detected } = await readAll(fixture('utf8-bom-comma.csv'), { delimiter: ';', encoding: 'windows-1252' });
    expect(detected).toMatchObject({ delimiter: ';', encoding: 'windows-1252' });
    expect(header).toEqual(['Title,Reference no,Start,Duration']);
  });

  test('delimiter guess on many shapes', () => {
    expect(guessDelimiter('a;b;c\n1,5;2;3\n')).toBe(';');
    expect(guessDelimiter('a,b\n"x;y",2\n')).toBe(',');
    expect(guessDelimiter('a\tb\n1\t2\n')).toBe('\t');
  });

  test.each([
    ['empty.csv', /empty/, undefined],
    ['unclosed-quote.csv', /quoted field is never closed/, 3],
    ['ragged.csv', /has 4 fields but the header has 3/, 3],
    ['no-such-file.csv', /no such file/, undefined],
  ])('%s is one clear INPUT error', async (name, message, row) => {
    const error = await readAll(fixture(name)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CdbError);
    expect((error as CdbError).code).toBe('INPUT');
    expect((error as CdbError).message).toMatch(message);
    expect((error as CdbError).context.row).toBe(row);
  });
});

describe('xlsx reader', () => {
  test('openpyxl: shared strings, text with leading zeros, numbers, booleans, date cells, first sheet by default', async () => {
    const { header, detected, rows } = await readAll(fixture('openpyxl-cell-types.xlsx'));
    expect(detected).toMatchObject({ format: 'xlsx', sheet: 'Uppdrag', sheets: ['Uppdrag', 'Anteckningar'] });
    expect(header.slice(0, 5)).toEqual(['Titel', 'Ordernummer', 'Starttid', 'Minuter', 'Heldag']);
    expect(rows[0]?.cells.slice(0, 7)).toMatchObject(['Byte av blandare', '00123', { kind: 'date', wall: '2026-03-01T08:00:00.000' }, 90, true, 1234.5, 'Länktext']);
    expect(rows[2]?.cells[2]).toMatchObject({ kind: 'date', wall: '2026-12-24T00:00:00.000' });
  });

  test('openpyxl with the 1904 date system', async () => {
    const { detected, rows } = await readAll(fixture('openpyxl-1904.xlsx'));
    expect(detected.date1904).toBe(true);
    expect(rows[0]?.cells[1]).toMatchObject({ kind: 'date', wall: '2026-03-01T08:00:00.000' });
  });

  test('exceljs: sheet by name, header on row 3, rich text, hyperlink text, formula results, #N/A', async () => {
    const { header, rows } = await readAll(fixture('exceljs-cell-types.xlsx'), { sheet: 'jobb', headerRow: 3 });
    expect(header).toEqual(['Titel', 'Ordernummer', 'Starttid', 'Minuter', 'Heldag', 'Summa', 'Länk', 'Formel', 'Fel', 'Datumformel']);
    expect(rows[0]).toMatchObject({
      row: 4,
      cells: ['Byte av blandare', '00123', { kind: 'date', wall: '2026-03-01T08:00:00.000' }, 90, true, 1234.5, 'Ordern', 180, { kind: 'error', error: '#N/A' }, { kind: 'date', wall: '2026-03-02T08:00:00.000' }],
    });
    expect(rows[1]?.cells[7]).toBe('Höstservice!');
  });

  test('sheet by 1-based number; a missing sheet lists the ones there are', async () => {
    const { header } = await readAll(fixture('exceljs-cell-types.xlsx'), { sheet: 1 });
    expect(header).toEqual(['Nothing to import here']);
    await expect(readAll(fixture('exceljs-cell-types.xlsx'), { sheet: 'Blad1' })).rejects.toThrow('The workbook has no sheet "Blad1"; it has "Notes", "Jobb".');
  });

  test('LibreOffice: text kept as text, date cells', async () => {
    const { detected, rows } = await readAll(fixture('libreoffice.xlsx'));
    expect(detected.sheet).toBe('libreoffice');
    expect(rows.map((r) => r.cells)).toMatchObject([
      ['Byte av blandare', '00123', { kind: 'date', wall: '2026-03-01T08:00:00.000' }, 90, 'Ja'],
      ['Årlig kontroll', '0456', { kind: 'date', wall: '2026-07-01T13:30:00.000' }, 60, 'Nej'],
    ]);
  });

  test('inline strings (exceljs streaming writer)', async () => {
    const { rows } = await readAll(fixture('exceljs-inline-strings.xlsx'));
    expect(rows[0]?.cells).toMatchObject(['Inline sträng', '000777', { kind: 'date', wall: '2026-03-01T08:00:00.000' }]);
  });

  test.each(['garbage.xlsx', 'truncated.xlsx'])('%s is one clear INPUT error', async (name) => {
    const error = await readAll(fixture(name)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CdbError);
    expect((error as CdbError).message).toMatch(/not a readable xlsx workbook/);
  });

  test('a large workbook full of åäö reads without a single U+FFFD (chunk boundaries in the zip)', async () => {
    const file = path.join(await tempDir(), 'åäö.xlsx');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
    const sheet = workbook.addWorksheet('Jobb');
    sheet.addRow(['Titel', 'Plats']).commit();
    const text = (i: number) => `Åtgärd ${i}: byte av värmeväxlare i källaren på Östra Ågatan, säger fastighetsskötaren Åsa Öberg`;
    const count = 20_000;
    for (let i = 0; i < count; i++) sheet.addRow([text(i), `Ängsvägen ${i}, Hörby`]).commit();
    await workbook.commit();
    const { rows } = await readAll(file);
    expect(rows).toHaveLength(count);
    const broken = rows.filter((r) => JSON.stringify(r.cells).includes('\uFFFD'));
    expect(broken).toHaveLength(0);
    expect(rows[count - 1]?.cells).toEqual([text(count - 1), `Ängsvägen ${count - 1}, Hörby`]);
  });
});
