// The classes of real workbooks issue 19 found read wrong, each rebuilt here from its description:
// what the reader must make of them (what Excel shows).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { cellText, type Cell } from '../src/readers/cell.js';
import { readAll, tempDir } from './helpers/files.js';
import { contentTypesXml, MAIN_NS, makeXlsx, PKG_REL_NS, REL_NS, REL_TYPE, sharedStringsXml, sheetXml, stylesXml, zipArchive } from './helpers/zip-writer.js';

let dir: string;
let count = 0;
beforeAll(async () => {
  dir = await tempDir();
});

const xlsx = (parts: Record<string, string | null>) => makeXlsx(path.join(dir, `class-${++count}.xlsx`), parts);
const num = (ref: string, value: number, style: number) => `<c r="${ref}" s="${style}"><v>${value}</v></c>`;
const header = '<row r="1"><c r="A1" t="inlineStr"><is><t>Value</t></is></c></row>';

/** A one-column sheet of numbers, each with the style given (1-based into `formats`). */
async function column(values: [number, number][], formats: Record<number, string>, ids: number[], parts: Record<string, string> = {}) {
  const rows = values.map(([value, style], i) => `<row r="${i + 2}">${num(`A${i + 2}`, value, style)}</row>`).join('');
  return xlsx({ 'xl/styles.xml': stylesXml(formats, ids), 'xl/worksheets/sheet1.xml': sheetXml(header + rows), ...parts });
}

const cells = async (file: string, locale?: string) => (await readAll(file, { locale })).rows.map((r) => r.cells[0] as Cell);

describe('1. the 1904 date system survives an x14:workbookPr in the extLst (Mac Excel 15, 16)', () => {
  test('dates keep the 1904 system: 2/27/2017, not 2/26/2013', async () => {
    const workbook =
      `<?xml version="1.0"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">` +
      '<workbookPr date1904="1" defaultThemeVersion="124226"/><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>' +
      '<extLst><ext uri="{79F54976-1DA5-4618-B147-4CDE4B953A38}"><x14:workbookPr/></ext></extLst></workbook>';
    // 2017-02-27 is serial 42793 in the 1900 system, 41331 in the 1904 system.
    const file = await column([[41331, 1]], {}, [14], { 'xl/workbook.xml': workbook });
    const { detected, rows } = await readAll(file);
    expect(detected.date1904).toBe(true);
    expect(rows[0]?.cells[0]).toMatchObject({ kind: 'date', wall: '2017-02-27T00:00:00.000' });
    expect(cellText(rows[0]?.cells[0])).toBe('2/27/2017');
  });
});

describe('2. negative elapsed times are signed as Excel shows them', () => {
  test.each([
    ['[h]', '-28'],
    ['[hh]', '-28'],
    ['[H]', '-28'],
    ['[s]', '-103680'],
    ['[ss]', '-103680'],
    ['[S]', '-103680'],
    ['[m]', '-1728'],
  ])('-1.2 under %s shows %s', async (code, shown) => {
    const file = await column([[-1.2, 1], [1.2, 1]], { 164: code }, [164]);
    const [negative, positive] = await cells(file);
    expect(negative).toMatchObject({ kind: 'duration', seconds: -103680 });
    expect(cellText(negative)).toBe(shown);
    expect(cellText(positive)).toBe(shown.slice(1));
  });
});

describe('3. where Excel shows ####, the cell is a problem', () => {
  test('a negative value under [h]:mm:ss, [mm]:ss or h:mm is a problem saying ####; under [h] it is not', async () => {
    const file = await column([[-12344.3628, 1], [-0.5, 2], [-0.25, 3], [-1.2, 4]], { 164: '[h]:mm:ss', 165: '[mm]:ss', 166: 'h:mm', 167: '[h]' }, [164, 165, 166, 167]);
    const read = await cells(file);
    for (const cell of read.slice(0, 3)) expect(cell).toEqual({ kind: 'unreadable', reason: expect.stringContaining('which Excel shows as ####') });
    expect(cellText(read[3])).toBe('-28');
  });

  test('in a 1904 workbook a negative time shows with its sign', async () => {
    const workbook = `<?xml version="1.0"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><workbookPr date1904="1"/><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`;
    const file = await column([[-0.0625, 1]], { 164: '[h]:mm' }, [164], { 'xl/workbook.xml': workbook });
    const [cell] = await cells(file);
    expect(cell).toMatchObject({ kind: 'duration', seconds: -5400 });
    expect(cellText(cell)).toBe('-1:30');
  });
});

describe('4. formats Excel refuses are General', () => {
  test.each([['HH[M]'], ['HH[MM]'], ['hh:[mm]']])('-1.2 under %s is -1.2 (General), not 19-1152', async (code) => {
    const file = await column([[-1.2, 1], [0.5, 1]], { 164: code }, [164]);
    const [negative, half] = await cells(file);
    expect(negative).toBe(-1.2);
    expect(half).toBe(0.5);
    expect(cellText(negative)).toBe('-1.2');
  });
});

describe('5. reserved built-in format ids show as the short date', () => {
  const ids = [27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58];
  test.each([
    ['en-US', '3/24/2022'],
    ['sv-SE', '2022-03-24'],
    ['de-DE', '24.03.2022'],
  ])('ids 27–36 and 50–58 with no numFmt, under %s, show %s', async (locale, shown) => {
    const file = await column(ids.map((_, i) => [44644, i + 1] as [number, number]), {}, ids);
    const read = await cells(file, locale);
    for (const cell of read) expect(cell).toMatchObject({ kind: 'date', wall: '2022-03-24T00:00:00.000' });
    expect(read.map(cellText)).toEqual(ids.map(() => shown));
  });

  test('ids 23–26 have no format: General', async () => {
    const file = await column([[44644.5, 1], [44644.5, 2]], {}, [23, 26]);
    expect(await cells(file)).toEqual([44644.5, 44644.5]);
  });
});

describe('6. an empty first shared string', () => {
  test('reads as empty, and the strings after it as themselves (.NET Open XML SDK)', async () => {
    const file = await xlsx({
      'xl/sharedStrings.xml': sharedStringsXml(['<t/>', '<t>Title</t>', '<t>Byte av filter</t>', '<t></t>']),
      'xl/worksheets/sheet1.xml': sheetXml(
        '<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="inlineStr"><is><t>Notes</t></is></c></row>' +
          '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>0</v></c></row><row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3" t="s"><v>2</v></c></row>',
      ),
    });
    const { header, rows } = await readAll(file);
    expect(header).toEqual(['Title', 'Notes']);
    expect(rows.map((r) => r.cells)).toEqual([['Byte av filter', ''], ['', 'Byte av filter']]);
  });
});

describe('7. zip entry names with backslashes or in other letter case', () => {
  test.each([
    ['backslashes', (name: string) => name.replace(/\//g, '\\')],
    ['other letter case', (name: string) => (name === '[Content_Types].xml' ? '[content_types].xml' : name.replace('sharedStrings', 'sharedstrings').replace('Workbook', 'workbook'))],
  ])('%s: read as Excel reads them', async (_what, rename) => {
    const parts: Record<string, string> = {
      '_rels/.rels': `<?xml version="1.0"?><Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_TYPE}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      'xl/workbook.xml': `<?xml version="1.0"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="Jobs" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      'xl/_rels/workbook.xml.rels':
        `<?xml version="1.0"?><Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet1.xml"/>` +
        `<Relationship Id="rId2" Type="${REL_TYPE}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
      'xl/sharedStrings.xml': sharedStringsXml(['<t>Title</t>', '<t>Rensning av avlopp</t>']),
      'xl/worksheets/sheet1.xml': sheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'),
    };
    parts['[Content_Types].xml'] = contentTypesXml(Object.keys(parts));
    const file = path.join(dir, `names-${++count}.xlsx`);
    await writeFile(file, zipArchive(Object.entries(parts).map(([name, data]) => ({ name: rename(name), data }))));
    const { detected, header, rows } = await readAll(file);
    expect(detected).toMatchObject({ format: 'xlsx', sheet: 'Jobs' });
    expect(header).toEqual(['Title']);
    expect(rows.map((r) => r.cells)).toEqual([['Rensning av avlopp']]);
  });
});
