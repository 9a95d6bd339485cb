// Value maps speak their words (issue 18, item 6): a value outside a map names the words it
// takes, once per cell and once in the summary; plans and results show mapped fields in the file's
// words and lists by their names.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { createClient } from '../src/api/client.js';
import { describeCheck } from '../src/cli/render/import-summary.js';
import { describeUndo } from '../src/cli/render/undo-plan.js';
import { planUndo } from '../src/undo/plan-undo.js';
import { checkFile } from '../src/import/check-file.js';
import { describeChange, describeValue } from '../src/import/job-diff.js';
import { runImport } from '../src/import/run-import.js';
import { convertCell } from '../src/mapping/convert-cell.js';
import { checkMapping } from '../src/mapping/load-mapping.js';
import { localeRules } from '../src/mapping/locale.js';
import type { ColumnSpec } from '../src/mapping/types.js';
import { readAll, tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const sv = { locale: localeRules('sv-SE'), timezone: 'Europe/Stockholm' };
const priority: ColumnSpec = { column: 'Prioritet', field: 'priority', aliases: [], type: 'integer', required: false, trim: true, readOnly: false, map: { Hög: 1, Normal: 2, Låg: 3 } };

const erp = async () =>
  (
    await checkMapping(
      {
        key: 'Nr',
        timezone: 'Europe/Stockholm',
        columns: [
          { column: 'Nr', field: 'referenceNo' },
          { column: 'Titel', field: 'title' },
          { column: 'Prioritet', field: 'priority', map: { Hög: 1, Normal: 2, Låg: 3 } },
          { column: 'Tekniker', field: 'resources[].name', join: ', ' },
          { column: 'Start', field: 'startTime' },
        ],
      },
      'inline',
    )
  ).mapping;

describe('a value outside a map', () => {
  test('names the words; a cell holding one of the values itself is taken', () => {
    expect(convertCell('Akut', priority, sv)).toEqual({ problem: 'expected one of Hög, Normal, Låg, got "Akut"' });
    expect(convertCell(' låg ', priority, sv)).toEqual({ value: 3 });
    expect(convertCell('2', priority, sv)).toEqual({ value: 2 });
    expect(convertCell(5, priority, sv)).toEqual({ problem: 'expected one of Hög, Normal, Låg, got "5"' });
    const allDay: ColumnSpec = { ...priority, field: 'allDay', type: 'boolean', map: { Heldag: true, Del: false } };
    expect(convertCell('yes', allDay, sv)).toEqual({ value: true });
    const avtal: ColumnSpec = { ...priority, field: 'customFields.avtal', type: 'enum', values: ['Serviceavtal', 'Löpande'], map: { SA: 'Serviceavtal' } };
    expect(convertCell('löpande', avtal, sv)).toEqual({ value: 'Löpande' });
    expect(convertCell('Fast', avtal, sv)).toEqual({ problem: 'expected one of "Serviceavtal", "Löpande", "SA", got "Fast"' });
  });

  test('one problem per cell, and one line in the summary for the same problem on many rows', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'ordrar.csv');
    const rows = Array.from({ length: 240 }, (_, i) => `${i};Jobb ${i};${i === 100 ? 'Snart' : i % 60 === 0 ? 'Normal' : 'Akut'};;`);
    await writeFile(file, `Nr;Titel;Prioritet;Tekniker;Start\n${rows.join('\n')}\n`);
    const { check } = await checkFile({ file, mapping: await erp(), errorsFile: path.join(dir, 'errors.csv') });
    expect(check.issueCount).toBe(236);
    const lines = describeCheck(check);
    expect(lines.slice(0, 3)).toEqual([
      `Checked ${file} (csv, utf-8, delimiter ";"): 240 rows, 4 valid, 236 invalid.`,
      '  rows 3, 4, 5 and 232 more (235 rows), column "Prioritet": expected one of Hög, Normal, Låg, got "Akut"',
      '  row 102, column "Prioritet": expected one of Hög, Normal, Låg, got "Snart"',
    ]);
    expect((await readAll(path.join(dir, 'errors.csv'))).rows).toHaveLength(236);
  });
});

describe('changes in the file’s words', () => {
  test('describeValue and describeChange, given the mapping', async () => {
    const mapping = await erp();
    expect(describeChange({ path: 'priority', from: 1, to: 3 }, mapping)).toBe('priority: Hög → Låg');
    expect(describeChange({ path: 'resources', from: [{ name: 'Anna Berg', state: 'ACCEPTED' }], to: [{ name: 'Bo Ek' }, { name: 'Cecilia Lund' }] }, mapping)).toBe('resources: Anna Berg → Bo Ek, Cecilia Lund');
    expect(describeChange({ path: 'startTime', from: 1796104800000, to: null }, mapping)).toBe('startTime: 2026-12-01 07:00 → (empty)');
    expect(describeChange({ path: 'title', from: 'A', to: 'B' }, mapping)).toBe('title: "A" → "B"');
    expect(describeChange({ path: 'resources[0]', from: { name: 'Anna Berg' }, to: null }, mapping)).toBe('resources[0]: Anna Berg → (empty)');
    // A value no word maps to is shown as it is; a bare time zone still works.
    expect(describeValue('priority', 7, mapping)).toBe('7');
    expect(describeChange({ path: 'startTime', from: 1796104800000, to: 1796108400000 }, 'Europe/Stockholm')).toBe('startTime: 2026-12-01 07:00 → 2026-12-01 08:00');
    // A before-image's top-level attribute, as undo holds it.
    expect(describeValue('destinations', [{ location: { placeName: 'Storgatan 1' } }], mapping)).toBe('Storgatan 1');
  });

  test('the plan and the results of a keyed import', async () => {
    const s = await sandbox();
    const api = createClient({ baseUrl: s.url, apiKey: KEY });
    await api.createJob({ title: 'Läcka', referenceNo: '7', priority: 1, resources: [{ name: 'Anna Berg' }] });
    const file = path.join(await tempDir(), 'ordrar.csv');
    await writeFile(file, 'Nr;Titel;Prioritet;Tekniker;Start\n7;Läcka;Låg;Bo Ek;\n');
    const stateDir = await tempDir();
    const summary = await runImport({ file, mapping: await erp(), client: api, rate: 0, stateDir });
    expect(summary.plan?.updates).toEqual(['row 2 (7): priority: Hög → Låg; resources: Anna Berg → Bo Ek']);
    const results = await readAll(summary.resultsFile as string);
    expect(results.rows[0]?.cells.slice(1, 2)).toEqual(['updated']);
    expect(results.rows[0]?.cells.slice(4, 6)).toEqual(['priority, resources', 'priority: Hög → Låg; resources: Anna Berg → Bo Ek']);
    // The undo plan speaks the same words, read from the run's record (no mapping needed).
    const plan = await planUndo(api, stateDir, summary.run as string);
    expect(describeUndo(plan)).toContain('  put back job 100001 (row 2): priority: Låg → Hög; resources: Bo Ek → Anna Berg');
  });
});
