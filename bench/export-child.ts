// One measured export in its own process (its peak RSS is its own):
//   node dist/bench/export-child.js <ours|exceljs|csv-stringify> <out> [baseUrl] [count]
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { createClient } from '../src/api/client.js';
import { runExport } from '../src/export/run-export.js';
import { loadMapping } from '../src/mapping/load-mapping.js';
import { generateJobs } from '../src/sandbox/generate-jobs.js';
import { peakRssMb } from './rounds.js';
import { BENCH_KEY } from './sandbox-process.js';

const [mode, out, baseUrl, countText] = process.argv.slice(2) as [string, string, string, string];
const start = process.hrtime.bigint();
let rows = 0;
if (mode === 'ours') {
  const { mapping } = await loadMapping();
  const summary = await runExport({ client: createClient({ baseUrl, apiKey: BENCH_KEY }), mapping, output: out, pageSize: 1000, stateDir: `${out}.state` });
  rows = summary.rows;
} else {
  // The bare writer, writing the same jobs' cells (made here, not fetched).
  const count = Number(countText);
  const jobs = generateJobs(count, { firstId: 100_001, seed: 1 });
  const cells = (j: (typeof jobs)[number]) => [j.uuid, j.id, j.state, j.title, j.referenceNo, j.description, j.customerName, typeof j.startTime === 'number' ? new Date(j.startTime) : j.startTime, null, j.duration, j.allDay, j.priority, j.destinations?.[0]?.location?.placeName, '', j.destinations?.[0]?.location?.latitude, j.destinations?.[0]?.location?.longitude];
  if (mode === 'exceljs') {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useStyles: true, useSharedStrings: false });
    const sheet = workbook.addWorksheet('Jobs');
    for (const job of jobs) {
      sheet.addRow(cells(job)).commit();
      rows++;
    }
    await workbook.commit();
  } else {
    const file = createWriteStream(out);
    const csv = stringify({ delimiter: ';', bom: true });
    csv.pipe(file);
    for (const job of jobs) {
      if (!csv.write(cells(job))) await once(csv, 'drain');
      rows++;
    }
    csv.end();
    await once(file, 'close');
  }
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ mode, rows, seconds, maxRssMb: peakRssMb() }));
