// templates/jobs.sv.mapping.yaml: an export in Swedish (sheet Uppdrag, states and all-day as
// words) that imports back unchanged; a re-imported file's server-set columns are named once.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { createClient } from '../src/api/client.js';
import { runExport } from '../src/export/run-export.js';
import { runImport } from '../src/import/run-import.js';
import { bindHeader, readOnlyWarning } from '../src/mapping/bind-header.js';
import { loadMapping } from '../src/mapping/load-mapping.js';
import { readAll, tempDir, TEMPLATES } from './helpers/files.js';
import { STATE_DIR } from './helpers/state-dir.js';
import { KEY, sandbox } from './helpers/sandbox.js';

const SWEDISH = path.join(TEMPLATES, 'jobs.sv.mapping.yaml');
const STATE_WORDS: Record<string, string> = { DRAFT: 'Utkast', SCHEDULED: 'Planerad', FINISHED: 'Klar' };

describe('the Swedish mapping template', () => {
  test('xlsx: sheet Uppdrag, Swedish headers, Status in words, Heldag Ja/Nej; imported back with --key UUID: all unchanged', async () => {
    const s = await sandbox({ generate: 60, seed: 5 });
    const client = createClient({ baseUrl: s.url, apiKey: KEY });
    const { mapping } = await loadMapping(SWEDISH);
    const dir = await tempDir();
    const out = path.join(dir, 'uppdrag.xlsx');
    await runExport({ client, mapping, output: out, stateDir: path.join(dir, 'state') });

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const sheet = book.getWorksheet('Uppdrag') as ExcelJS.Worksheet;
    expect(sheet).toBeDefined();
    const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    expect(header.slice(0, 3)).toEqual(['Titel', 'Ordernummer', 'Beskrivning']);
    const byUuid = new Map(s.jobs().map((job) => [job.uuid, job]));
    const states = new Set<string>();
    for (let r = 2; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      const job = byUuid.get(row.getCell(header.indexOf('UUID') + 1).value as string);
      const state = String(job?.state);
      states.add(state);
      expect(row.getCell(header.indexOf('Status') + 1).value).toBe(STATE_WORDS[state]);
      expect(row.getCell(header.indexOf('Heldag') + 1).value).toBe(job?.allDay ? 'Ja' : 'Nej');
    }
    expect([...states].sort()).toEqual(['DRAFT', 'FINISHED', 'SCHEDULED']);

    const warnings: string[] = [];
    const reporter = { info() {}, detail() {}, warn: (line: string) => void warnings.push(line) };
    const again = await runImport({ file: out, mapping: { ...mapping, key: 'UUID' }, client, rate: 0, concurrency: 4, stateDir: STATE_DIR, reporter });
    expect(again.counts).toMatchObject({ created: 0, updated: 0, unchanged: 60 });
    // The exported Status (and the like) read back: named once as not sent, among the file's warnings.
    expect(again.check.findings.filter((w) => w.message.includes('set by Coredination and'))).toHaveLength(1);
  });

  test('csv: the words too, under ";" with a BOM', async () => {
    const s = await sandbox({ generate: 10, seed: 6 });
    const { mapping } = await loadMapping(SWEDISH);
    const dir = await tempDir();
    const out = path.join(dir, 'uppdrag.csv');
    await runExport({ client: createClient({ baseUrl: s.url, apiKey: KEY }), mapping, output: out, stateDir: path.join(dir, 'state') });
    const rows: string[][] = [];
    for await (const row of createReadStream(out).pipe(parse({ delimiter: ';', bom: true }))) rows.push(row as string[]);
    const status = (rows[0] as string[]).indexOf('Status');
    expect(new Set(rows.slice(1).map((r) => r[status]))).toEqual(new Set(s.jobs().map((j) => STATE_WORDS[String(j.state)])));
  });
});

describe('server-set columns in a file imported again', () => {
  test('the bound header lists them as the file spells them (not the key), and one warning names them', async () => {
    const { mapping } = await loadMapping();
    const bound = bindHeader(mapping, ['Title', 'Job id', 'UUID', 'Status'], { file: 'jobs.xlsx' });
    expect(bound.readOnlyColumns).toEqual(['Job id', 'Status']);
    expect(readOnlyWarning(bound.readOnlyColumns)).toBe('Job id, Status are set by Coredination and are not sent: a change there does not reach the job.');
    expect(readOnlyWarning(['State'])).toBe('State is set by Coredination and is not sent: a change there does not reach the job.');
    expect(readOnlyWarning([])).toBeUndefined();
    expect(bindHeader({ ...mapping, key: 'Job id' }, ['Title', 'Job id', 'State'], {}).readOnlyColumns).toEqual(['State']);
    expect(bindHeader(mapping, ['Title', 'Description'], {}).readOnlyColumns).toEqual([]);
  });

  test('an exported file: its State and Job id columns are the read-only ones', async () => {
    const s = await sandbox({ generate: 3 });
    const { mapping } = await loadMapping(SWEDISH);
    const dir = await tempDir();
    const out = path.join(dir, 'uppdrag.xlsx');
    await runExport({ client: createClient({ baseUrl: s.url, apiKey: KEY }), mapping, output: out, stateDir: path.join(dir, 'state') });
    const { header } = await readAll(out);
    expect(bindHeader(mapping, header, {}).readOnlyColumns).toEqual(['Jobb-id', 'Status']);
  });
});
