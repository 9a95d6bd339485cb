// One workbook saved by LibreOffice as .ods and as .xlsx (test/fixtures/make-libreoffice.sh): the
// two readers must make the same rows of it, and the import the same payloads (issue 19, item 3).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { checkFile } from '../src/import/check-file.js';
import { checkMapping } from '../src/mapping/load-mapping.js';
import { cellText, type Cell } from '../src/readers/cell.js';
import { fixture, readAll, tempDir } from './helpers/files.js';

/** A cell's value as a field gets it, and its text as a text field gets it. */
function seen(cell: Cell | undefined): unknown {
  const text = cellText(cell);
  if (typeof cell !== 'object' || cell === null) return { value: cell ?? null, text };
  switch (cell.kind) {
    case 'number':
      return { value: cell.value, text };
    case 'date':
      return { wall: cell.wall, text };
    case 'time':
      return { time: cell.time, text };
    case 'duration':
      return { seconds: cell.seconds, text };
    default:
      return cell;
  }
}

describe('the same workbook as .ods and .xlsx', () => {
  test('reads as the same header, rows and cells: a formula, a merge, an empty row, the first of two sheets', async () => {
    const [ods, xlsx] = await Promise.all([readAll(fixture('libreoffice-pair.ods')), readAll(fixture('libreoffice-pair.xlsx'))]);
    expect(ods.detected).toMatchObject({ format: 'ods', sheet: 'Uppdrag' });
    expect(xlsx.detected).toMatchObject({ format: 'xlsx', sheet: 'Uppdrag' });
    expect(ods.header).toEqual(['Titel', 'Ordernr', 'Start', 'Minuter', 'Pris', 'Heldag', 'Anteckning', 'Plats', 'Andel', 'Timmar']);
    expect(ods.header).toEqual(xlsx.header);
    expect(ods.rows.map((r) => r.row)).toEqual([2, 4, 5]);
    expect(ods.rows.map((r) => ({ row: r.row, cells: r.cells.map(seen) }))).toEqual(xlsx.rows.map((r) => ({ row: r.row, cells: r.cells.map(seen) })));
    expect(ods.rows[0]?.cells.map(cellText)).toEqual(['Service av värmepump', '0050002', '2026-03-01 08:00', '90', '1,234.50', 'FALSE', 'Ring före\nbesök', 'Storgatan 9', '25%', '1.5']);
    // The merged note is in its first row; the covered cell below it is empty, in both.
    expect([ods.rows[1]?.cells[6], ods.rows[2]?.cells[6]]).toEqual(['Nyckel hos vicevärden', null]);
    const listor = await readAll(fixture('libreoffice-pair.ods'), { sheet: 'Listor' });
    expect(listor.rows.map((r) => r.cells)).toEqual([['Åsa']]);
  });

  test('the flat .fods it was saved from reads the same, but for its formulas, which have no stored result', async () => {
    const [flat, ods] = await Promise.all([readAll(fixture('libreoffice-pair.fods')), readAll(fixture('libreoffice-pair.ods'))]);
    expect(flat.detected).toMatchObject({ format: 'ods', sheet: 'Uppdrag' });
    expect(flat.header).toEqual(ods.header);
    const formulas = [7, 9];
    for (const [i, row] of flat.rows.entries()) {
      for (const c of formulas) expect(row.cells[c]).toEqual({ kind: 'unreadable', reason: expect.stringContaining('no calculated value') });
      const typed = (cells: Cell[]) => cells.map((cell, c) => (formulas.includes(c) ? 'formula' : (seen(cell) as { value?: unknown; wall?: string }).value ?? (seen(cell) as { wall?: string }).wall ?? null));
      expect(typed(row.cells)).toEqual(typed(ods.rows[i]?.cells ?? []));
    }
  });

  test('gives the same payloads through the mapping', async () => {
    const { mapping } = await checkMapping(
      {
        locale: 'en-US',
        timezone: 'Europe/Stockholm',
        columns: [
          { column: 'Titel', field: 'title', required: true },
          { column: 'Ordernr', field: 'referenceNo', type: 'string' },
          { column: 'Start', field: 'startTime', type: 'datetime' },
          { column: 'Minuter', field: 'duration', type: 'integer' },
          { column: 'Pris', field: 'customerName' },
          { column: 'Heldag', field: 'allDay', type: 'boolean' },
          { column: 'Anteckning', field: 'description' },
          { column: 'Plats', field: 'destinations[0].location.placeName' },
          { column: 'Timmar', field: 'priority', type: 'number' },
        ],
      },
      'test',
    );
    const dir = await tempDir();
    const payloads = async (file: string) => {
      const payloadsFile = path.join(dir, `${path.basename(file)}.jsonl`);
      const summary = (await checkFile({ file, mapping, payloadsFile, errorsFile: path.join(dir, `${path.basename(file)}.errors.csv`) })).check;
      expect(summary).toMatchObject({ rows: 3, valid: 3, invalid: 0 });
      return (await readFile(payloadsFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as unknown);
    };
    const [ods, xlsx] = [await payloads(fixture('libreoffice-pair.ods')), await payloads(fixture('libreoffice-pair.xlsx'))];
    expect(ods).toEqual(xlsx);
    expect(ods[0]).toEqual({
      row: 2,
      job: {
        title: 'Service av värmepump',
        referenceNo: '0050002',
        startTime: Date.UTC(2026, 2, 1, 7),
        duration: 90,
        customerName: '1,234.50',
        allDay: false,
        description: 'Ring före\nbesök',
        destinations: [{ location: { placeName: 'Storgatan 9' } }],
        priority: 1.5,
      },
    });
  });
});
