import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/tool-version.js';
import { openSpreadsheet, type ReadOptions } from '../../src/readers/spreadsheet.js';
import type { SheetRow } from '../../src/readers/cell.js';

export const FIXTURES = path.join(PACKAGE_ROOT, 'test', 'fixtures');
export const SAMPLES = path.join(PACKAGE_ROOT, 'samples');
export const TEMPLATES = path.join(PACKAGE_ROOT, 'templates');

export const fixture = (name: string) => path.join(FIXTURES, name);

/** A fresh temporary folder. */
export function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'cdb-test-'));
}

/** Every row of a spreadsheet, with its header and what was detected. */
export async function readAll(file: string, options: ReadOptions = {}) {
  const sheet = await openSpreadsheet(file, options);
  const rows: SheetRow[] = [];
  for await (const row of sheet.rows) rows.push(row);
  return { header: sheet.header, detected: sheet.detected, rows, warnings: sheet.warnings };
}
