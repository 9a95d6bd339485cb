// One measured read in its own process, so that its peak RSS is its own:
//   node dist/bench/read-child.js <dry-run|csv-parse|exceljs> <file>
// Prints one JSON line: rows, seconds, maxRssMb.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { planImport } from '../src/import/plan-import.js';
import { loadMapping } from '../src/mapping/load-mapping.js';

const [mode, file] = process.argv.slice(2) as [string, string];
const start = process.hrtime.bigint();
let rows = 0;
if (mode === 'dry-run') {
  const { mapping } = await loadMapping();
  const plan = await planImport({ file, mapping, errorsFile: `${file}.errors.csv` });
  rows = plan.rows;
  if (plan.invalid) throw new Error(`${plan.invalid} invalid rows`);
} else if (mode === 'csv-parse') {
  for await (const record of createReadStream(file).pipe(parse({ delimiter: ';', bom: true }))) {
    void record;
    rows++;
  }
  rows--; // the header
} else {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit' });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      void row.values;
      rows++;
    }
  }
  rows--;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ mode, rows, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
