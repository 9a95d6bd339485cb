// The OpenDocument reader on spreadsheets built here, element by element: what each form of cell,
// repetition, text and table a writer may put in content.xml must read as (issue 19, item 3).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { CdbError } from '../src/errors.js';
import { cellText, type Cell, type SheetRow } from '../src/readers/cell.js';
import { ODS_LIMITS } from '../src/readers/ods/ods-reader.js';
import type { ReadOptions } from '../src/readers/types.js';
import { XLSX_LIMITS } from '../src/readers/xlsx-reader.js';
import { readAll, tempDir } from './helpers/files.js';
import { contentXml, empty, float, makeOds, ODS_NAMESPACES, row, str, stylesPartXml, tableXml } from './helpers/ods-writer.js';

let dir: string;
let count = 0;
beforeAll(async () => {
  dir = await tempDir();
});

/** An .ods of the given tables (and automatic styles) in a fresh file. */
function ods(tables: string, automaticStyles = '', options: Parameters<typeof makeOds>[2] = {}): Promise<string> {
  return makeOds(path.join(dir, `book-${++count}.ods`), contentXml(tables, automaticStyles), options);
}

/** A cell with its format left out, for exact comparison. */
function bare(cell: Cell | undefined): unknown {
  if (typeof cell !== 'object' || cell === null) return cell;
  const { format: _format, ...rest } = cell as { format?: unknown };
  return rest;
}
const bareRows = (rows: SheetRow[]) => rows.map((r) => ({ row: r.row, cells: r.cells.map(bare) }));

async function failure(promise: Promise<unknown>): Promise<CdbError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CdbError);
  return error as CdbError;
}

async function read(file: string, options: ReadOptions = {}) {
  const result = await readAll(file, options);
  return { ...result, bare: bareRows(result.rows), text: result.rows.map((r) => r.cells.map(cellText)) };
}

const header = (...names: string[]) => row(names.map((n) => str(n)).join('') + empty(16384 - names.length));

/** LibreOffice's data styles for the typed cells below, and cell styles using them. */
const STYLES =
  '<number:number-style style:name="N2"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1"/></number:number-style>' +
  '<number:percentage-style style:name="N10"><number:number number:decimal-places="0" number:min-decimal-places="0" number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>' +
  '<number:date-style style:name="N37"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year/></number:date-style>' +
  '<number:time-style style:name="N41"><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/></number:time-style>' +
  '<number:time-style style:name="N46" number:truncate-on-overflow="false"><number:hours/><number:text>:</number:text><number:minutes number:style="long"/></number:time-style>' +
  '<number:number-style style:name="N0"><number:number number:min-integer-digits="1"/></number:number-style>' +
  '<style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N2"/>' +
  '<style:style style:name="ce2" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N10"/>' +
  '<style:style style:name="ce3" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N37"/>' +
  '<style:style style:name="ce4" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N41"/>' +
  '<style:style style:name="ce5" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N46"/>' +
  '<style:style style:name="ce6" style:family="table-cell" style:parent-style-name="ce1"/>' +
  '<style:style style:name="ce7" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N0"/>' +
  '<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>' +
  '<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>';

describe('value types', () => {
  test('float, percentage, currency, date, time, elapsed time, boolean, string: typed, with what each shows', async () => {
    const file = await ods(
      tableXml(
        'Types',
        header('Float', 'General', 'Percent', 'Currency', 'Date', 'DateTime', 'Time', 'Elapsed', 'Bool', 'Text', 'Inherited', 'N0') +
          row(
            float(1234.5, '1234.50', ' table:style-name="ce1"') +
              float(0.1) +
              '<table:table-cell table:style-name="ce2" office:value-type="percentage" office:value="0.5467" calcext:value-type="percentage"><text:p>55%</text:p></table:table-cell>' +
              '<table:table-cell table:style-name="ce1" office:value-type="currency" office:currency="SEK" office:value="1500" calcext:value-type="currency"><text:p>1 500,00 kr</text:p></table:table-cell>' +
              '<table:table-cell table:style-name="ce3" office:value-type="date" office:date-value="2026-03-01" calcext:value-type="date"><text:p>01/03/2026</text:p></table:table-cell>' +
              '<table:table-cell office:value-type="date" office:date-value="2026-03-01T08:30:00" calcext:value-type="date"><text:p>2026-03-01 08:30</text:p></table:table-cell>' +
              '<table:table-cell table:style-name="ce4" office:value-type="time" office:time-value="PT13H24M56S" calcext:value-type="time"><text:p>13:24</text:p></table:table-cell>' +
              '<table:table-cell table:style-name="ce5" office:value-type="time" office:time-value="PT01H30M00S" calcext:value-type="time"><text:p>1:30</text:p></table:table-cell>' +
              '<table:table-cell office:value-type="boolean" office:boolean-value="true" calcext:value-type="boolean"><text:p>TRUE</text:p></table:table-cell>' +
              str('0012') +
              float(7, '7.00', ' table:style-name="ce6"') +
              float(2.5, '2.5', ' table:style-name="ce7"'),
          ),
      ),
      STYLES,
    );
    const { bare: rows, text } = await read(file);
    expect(rows).toEqual([
      {
        row: 2,
        cells: [
          { kind: 'number', value: 1234.5, shown: '1234.50' },
          0.1,
          { kind: 'number', value: 0.5467, shown: '55%' },
          { kind: 'number', value: 1500, shown: '1 500,00 kr' },
          { kind: 'date', wall: '2026-03-01T00:00:00.000', shown: '01/03/2026' },
          { kind: 'date', wall: '2026-03-01T08:30:00.000', shown: '2026-03-01 08:30' },
          { kind: 'time', time: '13:24:56.000', serial: 48296 / 86_400, shown: '13:24' },
          { kind: 'duration', seconds: 5400, serial: 5400 / 86_400, shown: '1:30' },
          true,
          '0012',
          { kind: 'number', value: 7, shown: '7.00' },
          2.5,
        ],
      },
    ]);
    expect(text[0]).toEqual(['1234.50', '0.1', '55%', '1 500,00 kr', '01/03/2026', '2026-03-01 08:30', '13:24', '1:30', 'TRUE', '0012', '7.00', '2.5']);
  });

  test('each data style is the Excel code that shows the same (what an xlsx errors file gives the cell)', async () => {
    const currency =
      '<number:currency-style style:name="N104P0" style:volatile="true"><number:currency-symbol number:language="en" number:country="GB">£</number:currency-symbol><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/></number:currency-style>' +
      '<number:currency-style style:name="N104"><style:text-properties fo:color="#ff0000"/><number:text>-</number:text><number:currency-symbol>£</number:currency-symbol><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/><style:map style:condition="value()&gt;=0" style:apply-style-name="N104P0"/></number:currency-style>' +
      '<number:number-style style:name="N9"><number:number number:decimal-places="0" number:min-integer-digits="5"><number:embedded-text number:position="2"> </number:embedded-text></number:number></number:number-style>' +
      '<number:date-style style:name="N50"><number:day-of-week/><number:text> </number:text><number:day/><number:text>. </number:text><number:month number:textual="true" number:style="long"/><number:text> </number:text><number:year number:style="long"/></number:date-style>' +
      '<style:style style:name="ce20" style:family="table-cell" style:data-style-name="N104"/><style:style style:name="ce21" style:family="table-cell" style:data-style-name="N9"/><style:style style:name="ce22" style:family="table-cell" style:data-style-name="N50"/>';
    const cell = (style: string, type: string, value: string) => `<table:table-cell table:style-name="${style}" office:value-type="${type}" ${type === 'date' ? 'office:date-value' : type === 'time' ? 'office:time-value' : 'office:value'}="${value}"/>`;
    const file = await ods(
      tableXml(
        'T',
        header('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h') +
          row(cell('ce1', 'float', '1.5') + cell('ce2', 'percentage', '0.5') + cell('ce3', 'date', '2026-03-01') + cell('ce4', 'time', 'PT08H30M00S') + cell('ce5', 'time', 'PT30H00M00S') + cell('ce20', 'currency', '-1.2') + cell('ce21', 'float', '12345') + cell('ce22', 'date', '2026-03-01')),
      ),
      STYLES + currency,
    );
    const { rows } = await read(file);
    const cells = rows[0]?.cells ?? [];
    expect(cells.map((c) => (c as { format?: { code: string } }).format?.code)).toEqual(['0.00', '0%', 'dd/mm/yy', 'hh:mm', '[h]:mm', '"£"#,##0.00;-"£"#,##0.00', '000 00', 'ddd d". "mmmm yyyy']);
    // With no text written for them, they show by that code.
    expect(cells.map(cellText)).toEqual(['1.50', '50%', '01/03/26', '08:30', '30:00', '-£1.20', '123 45', 'Sun 1. March 2026']);
    // The mapping's locale shows them too: a Swedish clerk's day and month names.
    expect((await read(file, { locale: 'sv-SE' })).rows[0]?.cells.map(cellText).slice(5)).toEqual(['-£1,20', '123 45', 'sön 1. mars 2026']);
  });

  test('a time of 24 hours or more, or negative, is an elapsed time; fractions of a second are kept', async () => {
    const cell = (value: string) => row(`<table:table-cell office:value-type="time" office:time-value="${value}"><text:p>x</text:p></table:table-cell>`);
    const file = await ods(tableXml('T', header('Time') + cell('PT36H00M00S') + cell('-PT01H30M00S') + cell('PT10H10M10.123S') + cell('P1DT2H')));
    const { bare: rows } = await read(file);
    expect(rows.map((r) => r.cells[0])).toEqual([
      { kind: 'duration', seconds: 129600, shown: 'x' },
      { kind: 'duration', seconds: -5400, shown: 'x' },
      { kind: 'time', time: '10:10:10.123', shown: 'x' },
      { kind: 'duration', seconds: 93600, shown: 'x' },
    ]);
  });

  test('values that are not what their type says are problems on the cell', async () => {
    const file = await ods(
      tableXml(
        'T',
        header('Bad') +
          row('<table:table-cell office:value-type="float" office:value="abc"><text:p>abc</text:p></table:table-cell>') +
          row('<table:table-cell office:value-type="date" office:date-value="2021-02-30"><text:p>30.02.2021</text:p></table:table-cell>') +
          row('<table:table-cell office:value-type="time" office:time-value="13:00"><text:p>13:00</text:p></table:table-cell>') +
          row('<table:table-cell office:value-type="boolean" office:boolean-value="yes"><text:p>yes</text:p></table:table-cell>'),
      ),
    );
    const { rows } = await read(file);
    expect(rows.map((r) => r.cells[0])).toEqual(rows.map(() => ({ kind: 'unreadable', reason: expect.stringMatching(/is marked as/) })));
  });
});

describe('text', () => {
  test('paragraphs joined by line breaks; text:s, text:tab, text:line-break, spans and links; a comment left out', async () => {
    const file = await ods(
      tableXml(
        'T',
        header('Text') +
          row('<table:table-cell office:value-type="string"><text:p>Byte av</text:p><text:p>blandare</text:p></table:table-cell>') +
          row('<table:table-cell office:value-type="string"><text:p>a<text:s/>b<text:s text:c="3"/>c<text:tab/>d<text:line-break/>e</text:p></table:table-cell>') +
          row('<table:table-cell office:value-type="string"><text:p><text:span text:style-name="T1">Fet</text:span> och <text:a xlink:href="https://x">länk</text:a></text:p></table:table-cell>') +
          row('<table:table-cell office:value-type="string"><office:annotation><dc:creator>Åsa</dc:creator><text:p>Kommentar</text:p></office:annotation><text:p>Synlig</text:p></table:table-cell>') +
          row('<table:table-cell office:value-type="string"><text:p>two  spaces &amp; &lt;tags&gt;</text:p></table:table-cell>') +
          row('<table:table-cell office:value-type="string" office:string-value="from the attribute"/>'),
      ),
    );
    const { bare: rows } = await read(file);
    expect(rows.map((r) => r.cells[0])).toEqual(['Byte av\nblandare', 'a b   c\td\ne', 'Fet och länk', 'Synlig', 'two  spaces & <tags>', 'from the attribute']);
  });
});

describe('repeats, covered cells and merges', () => {
  test('repeated rows and columns are expanded; empty runs only counted; a covered cell as the file holds it', async () => {
    const file = await ods(
      tableXml(
        'T',
        row(empty(16384), 2) +
          header('A', 'B', 'C', 'D') +
          row(str('x', ' table:number-columns-repeated="3"') + float(1) + empty(16380), 2) +
          row(empty(16384), 3) +
          row('<table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="2" office:value-type="string"><text:p>Merged</text:p></table:table-cell><table:covered-table-cell/>' + str('c') + empty(16381)) +
          row('<table:covered-table-cell table:number-columns-repeated="2"/><table:covered-table-cell office:value-type="string"><text:p>Hidden text</text:p></table:covered-table-cell>') +
          row(empty(16384), 1048560),
      ),
    );
    const { header: h, bare: rows, warnings } = await read(file, { headerRow: 3 });
    expect(h).toEqual(['A', 'B', 'C', 'D']);
    expect(rows).toEqual([
      { row: 4, cells: ['x', 'x', 'x', 1] },
      { row: 5, cells: ['x', 'x', 'x', 1] },
      { row: 9, cells: ['Merged', null, 'c'] },
      { row: 10, cells: [null, null, 'Hidden text'] },
    ]);
    expect(warnings).toEqual([]);
  });

  test('values right of the header are left out with one warning', async () => {
    const file = await ods(tableXml('T', header('Title') + row(str('Job') + empty() + str('beyond', ' table:number-columns-repeated="2"')) + row(str('Job 2'), 3)));
    const { bare: rows, warnings } = await read(file);
    expect(rows).toEqual([2, 3, 4, 5].map((n) => ({ row: n, cells: [n === 2 ? 'Job' : 'Job 2'] })));
    expect(warnings).toEqual(['Columns C, D have no header in row 1, so their 2 values (first in row 2) are left out: no mapping can name those columns. Give them headers to import them.']);
  });

  test('rows inside header-rows and row groups count like the others', async () => {
    const file = await ods(
      tableXml(
        'T',
        `<table:table-header-rows>${header('Title')}</table:table-header-rows><table:table-row-group>${row(str('one'))}<table:table-row-group>${row(str('two'))}</table:table-row-group></table:table-row-group>${row(str('three'))}`,
      ),
    );
    expect((await read(file)).bare).toEqual([
      { row: 2, cells: ['one'] },
      { row: 3, cells: ['two'] },
      { row: 4, cells: ['three'] },
    ]);
  });
});

describe('formulas', () => {
  test('stored results by their type; an error result and a formula with no stored result are problems; an empty paragraph is empty', async () => {
    const file = await ods(
      tableXml(
        'T',
        header('Sum', 'Text', 'Err', 'Uncalc', 'Empty', 'Literal', 'Matrix') +
          row(
            '<table:table-cell table:formula="of:=1+1" office:value-type="float" office:value="2" calcext:value-type="float"><text:p>2</text:p></table:table-cell>' +
              '<table:table-cell table:formula="of:=&quot;a&quot;&amp;&quot;b&quot;" office:value-type="string" office:string-value="ab" calcext:value-type="string"><text:p>ab</text:p></table:table-cell>' +
              '<table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>' +
              '<table:table-cell table:formula="of:=SUM([.A1:.A3])"/>' +
              '<table:table-cell table:formula="of:=IF(1;&quot;&quot;;1)"><text:p/></table:table-cell>' +
              '<table:table-cell table:formula="of:=FOO()" office:value-type="float" office:value="0"><text:p>#NAME?</text:p></table:table-cell>' +
              '<table:table-cell table:formula="of:={1;2}" table:number-matrix-columns-spanned="2" table:number-matrix-rows-spanned="1" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>',
          ),
      ),
    );
    const { rows } = await read(file);
    const [sum, text, error, uncalculated, nothing, literal, matrix] = rows[0]?.cells ?? [];
    expect([sum, text, nothing, matrix]).toEqual([2, 'ab', null, 1]);
    expect(error).toEqual({ kind: 'error', error: '#DIV/0!' });
    expect(literal).toEqual({ kind: 'error', error: '#NAME?' });
    expect(uncalculated).toEqual({ kind: 'unreadable', reason: expect.stringContaining('no calculated value') });
  });
});

describe('tables', () => {
  const book = () =>
    ods(
      tableXml('Hidden', header('Secret'), ' table:style-name="ta2"') +
        tableXml('Jobs', header('Title') + row(str('from Jobs'))) +
        tableXml('2', header('Named two') + row(str('from the table named 2'))) +
        tableXml('Lists', header('List')),
      STYLES,
    );

  test('by default the first table that is not hidden', async () => {
    const { detected, header: h } = await read(await book());
    expect(detected).toMatchObject({ format: 'ods', sheet: 'Jobs' });
    expect(h).toEqual(['Title']);
  });

  test('by name (any case), by number; a table named as a number is found by its name first', async () => {
    const file = await book();
    expect((await read(file, { sheet: 'lists' })).header).toEqual(['List']);
    expect((await read(file, { sheet: 1 })).header).toEqual(['Secret']);
    expect((await read(file, { sheet: 4 })).header).toEqual(['List']);
    const two = await read(file, { sheet: 2 });
    expect(two.detected.sheet).toBe('2');
    expect(two.text).toEqual([['from the table named 2']]);
  });

  test('a table that is not there is named with the ones that are', async () => {
    const file = await book();
    expect((await failure(readAll(file, { sheet: 'Nope' }))).message).toBe('The spreadsheet has no sheet "Nope"; it has "Hidden", "Jobs", "2", "Lists".');
    expect((await failure(readAll(file, { sheet: 9 }))).message).toBe('The spreadsheet has no sheet number 9; it has "Hidden", "Jobs", "2", "Lists".');
  });

  test('when every table is hidden, the first is read', async () => {
    const file = await ods(tableXml('A', header('First'), ' table:style-name="ta2"') + tableXml('B', header('Second'), ' table:style-name="ta2"'), STYLES);
    expect((await read(file)).header).toEqual(['First']);
  });

  test('data styles from styles.xml, and a column default style, apply to cells', async () => {
    const styles = stylesPartXml(
      '<number:time-style style:name="N46" number:truncate-on-overflow="false"><number:hours/><number:text>:</number:text><number:minutes number:style="long"/></number:time-style>' +
        '<style:style style:name="Elapsed" style:family="table-cell" style:data-style-name="N46"/>',
    );
    const table =
      '<table:table table:name="T"><table:table-column table:default-cell-style-name="Default"/><table:table-column table:default-cell-style-name="Elapsed"/>' +
      header('Name', 'Time') +
      row(str('a') + '<table:table-cell office:value-type="time" office:time-value="PT01H30M00S"><text:p>1:30</text:p></table:table-cell>') +
      '</table:table>';
    const file = await ods(table, '', { styles });
    expect((await read(file)).bare[0]?.cells[1]).toEqual({ kind: 'duration', seconds: 5400, serial: 5400 / 86_400, shown: '1:30' });
  });

  test('other namespace prefixes than LibreOffice\'s', async () => {
    const namespaces = ODS_NAMESPACES.replace(/xmlns:office=/, 'xmlns:o=').replace(/xmlns:table=/, 'xmlns:t=').replace(/xmlns:text=/, 'xmlns:x=');
    const content = contentXml(
      '<t:table t:name="Prefixed"><t:table-row><t:table-cell o:value-type="string"><x:p>Title</x:p></t:table-cell></t:table-row>' +
        '<t:table-row t:number-rows-repeated="2"><t:table-cell o:value-type="float" o:value="5"><x:p>5</x:p></t:table-cell></t:table-row></t:table>',
      '',
      namespaces,
    ).replace(/(<\/?| )office:/g, '$1o:');
    const file = await makeOds(path.join(dir, 'prefixed.ods'), content);
    const { detected, bare: rows } = await read(file);
    expect(detected.sheet).toBe('Prefixed');
    expect(rows).toEqual([
      { row: 2, cells: [5] },
      { row: 3, cells: [5] },
    ]);
  });
});

describe('the file as a whole', () => {
  test('an .ots template and an ods named .xlsx are read', async () => {
    const content = contentXml(tableXml('T', header('Title') + row(str('ok'))));
    const template = await makeOds(path.join(dir, 'book.ots'), content, { mimetype: 'application/vnd.oasis.opendocument.spreadsheet-template' });
    expect((await read(template)).text).toEqual([['ok']]);
    const renamed = await makeOds(path.join(dir, 'really-ods.xlsx'), content);
    expect((await read(renamed)).detected.format).toBe('ods');
  });

  test('a flat OpenDocument file (.fods), and one named .xlsx, are read', async () => {
    const flat = contentXml(tableXml('Flat', header('Title') + row(str('från fods')))).replace('office:document-content', 'office:document office:mimetype="application/vnd.oasis.opendocument.spreadsheet"').replace('</office:document-content>', '</office:document>');
    for (const name of ['book.fods', 'flat.xlsx']) {
      const file = path.join(dir, name);
      await writeFile(file, flat);
      const { detected, text } = await read(file);
      expect(detected).toMatchObject({ format: 'ods', sheet: 'Flat' });
      expect(text).toEqual([['från fods']]);
    }
  });

  test('a password-protected spreadsheet says so', async () => {
    const manifest =
      '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">' +
      '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/></manifest:file-entry></manifest:manifest>';
    const file = await ods(tableXml('T', header('x')), '', { extra: [{ name: 'META-INF/manifest.xml', data: manifest }] });
    expect((await failure(readAll(file))).message).toMatch(/password-protected/);
  });

  test('no content.xml, a content.xml cut short, and a DOCTYPE declaring entities are refused with the reason', async () => {
    const noContent = await makeOds(path.join(dir, 'no-content.ods'), '', { extra: [{ name: 'content.xml', data: '' }] });
    const whole = contentXml(tableXml('T', header('Title') + row(str('a')) + row(str('b'))));
    const cutShort = await makeOds(path.join(dir, 'cut.ods'), whole.slice(0, whole.indexOf('<text:p>b') + 3));
    const bomb = await makeOds(
      path.join(dir, 'bomb.ods'),
      contentXml(tableXml('T', header('&lol2;'))).replace('<office:document-content', '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><office:document-content'),
    );
    expect((await failure(readAll(cutShort))).message).toMatch(/could not be read: content.xml (ends before the table is complete|ends in the middle of a tag)/);
    expect((await failure(readAll(bomb))).message).toMatch(/declares XML entities/);
    expect((await failure(readAll(noContent))).message).toMatch(/has no header|no sheets/);
  });

  test('a value repeated past the last column, or rows past the last row, are refused', async () => {
    const wide = await ods(tableXml('T', header('A') + row(str('x', ' table:number-columns-repeated="20000"'))));
    expect((await failure(readAll(wide))).message).toMatch(/beyond the last column/);
    const tall = await ods(tableXml('T', header('A') + row(str('x'), 1048576)));
    expect((await failure(readAll(tall))).message).toMatch(/beyond the last row/);
  });

  test('more sheets than LibreOffice allows are refused', async () => {
    const file = await ods(Array.from({ length: 10_001 }, (_, i) => `<table:table table:name="S${i}"/>`).join(''));
    expect((await failure(readAll(file, { sheet: 'nope' }))).message).toMatch(/more than 10,000 sheets/);
  });

  test('repeated cells stand for at most a limit of cells in all', async () => {
    const limit = ODS_LIMITS.cells;
    ODS_LIMITS.cells = 1000;
    try {
      const file = await ods(tableXml('T', header('A', 'B', 'C', 'D') + row(str('x', ' table:number-columns-repeated="4"'), 300)));
      expect((await failure(readAll(file))).message).toMatch(/too large to read safely: .*more than 1,000 cells/);
    } finally {
      ODS_LIMITS.cells = limit;
    }
  });

  test('a cell longer than the cell limit is refused', async () => {
    const limit = XLSX_LIMITS.cell;
    XLSX_LIMITS.cell = 1024;
    try {
      const file = await ods(tableXml('T', header('A') + row(`<table:table-cell office:value-type="string"><text:p>${'a'.repeat(600)}</text:p><text:p>${'b'.repeat(600)}</text:p></table:table-cell>`)));
      expect((await failure(readAll(file))).message).toMatch(/too large to read safely: row 2 has a cell longer than/);
    } finally {
      XLSX_LIMITS.cell = limit;
    }
  });
});
