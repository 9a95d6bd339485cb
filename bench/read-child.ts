// One measured read in its own process, so that its peak RSS is its own:
//   node dist/bench/read-child.js <mode> <file>
// Modes:
//   dry-run        checkFile with the default mapping (import --dry-run without the CLI)
//   csv-parse      csv-parse alone, each record left untouched
//   exceljs        exceljs's streaming reader alone, reading each row.values
//   read           openSpreadsheet (our reader), every cell of every row touched (non-null ones counted)
//   exceljs-cells  exceljs's streaming reader, every entry of every row.values touched (non-null ones
//                  counted); the benchmark workbooks have one sheet
// Prints one JSON line: mode, rows (data rows, without the header), cells (the non-null cells of
// the data rows, for read and exceljs-cells), seconds, cpuSeconds (the process's own CPU time,
// steadier than the clock on a machine shared with others), maxRssMb; and error, the message, when the
// file was refused (a limit met), which is an outcome to measure, not a failure.
//
// Each mode imports only what it uses, so that no other library's memory sits in its peak RSS. The
// first three load their libraries before the clock starts; read and exceljs-cells start the
// clock first, so that each pays for loading its own reader (as a command does).

import { peakRssMb } from './rounds.js';

const [mode, file] = process.argv.slice(2) as [string, string];

async function measure(): Promise<{ rows: number; cells?: number; start: bigint }> {
  if (mode === 'dry-run') {
    const { checkFile } = await import('../src/import/check-file.js');
    const { loadMapping } = await import('../src/mapping/load-mapping.js');
    const { mapping } = await loadMapping();
    const start = process.hrtime.bigint();
    const { check: plan } = await checkFile({ file, mapping, errorsFile: `${file}.errors.csv`, keepRows: 0 });
    if (plan.invalid) throw new Error(`${plan.invalid} invalid rows`);
    return { rows: plan.rows, start };
  }
  if (mode === 'csv-parse') {
    const { createReadStream } = await import('node:fs');
    const { parse } = await import('csv-parse');
    const start = process.hrtime.bigint();
    let rows = 0;
    for await (const record of createReadStream(file).pipe(parse({ delimiter: ';', bom: true }))) {
      void record;
      rows++;
    }
    return { rows: rows - 1, start }; // without the header
  }
  if (mode === 'exceljs') {
    const { default: ExcelJS } = await import('exceljs');
    const start = process.hrtime.bigint();
    let rows = 0;
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit' });
    for await (const sheet of reader) {
      for await (const row of sheet) {
        void row.values;
        rows++;
      }
    }
    return { rows: rows - 1, start };
  }
  if (mode === 'read') {
    const start = process.hrtime.bigint();
    const { openSpreadsheet } = await import('../src/readers/spreadsheet.js');
    const sheet = await openSpreadsheet(file);
    let rows = 0;
    let cells = 0;
    try {
      for await (const { cells: row } of sheet.rows) {
        for (let i = 0; i < row.length; i++) if (row[i] !== null && row[i] !== undefined) cells++;
        rows++;
      }
    } finally {
      await sheet.close();
    }
    return { rows, cells, start };
  }
  if (mode === 'exceljs-cells') {
    const start = process.hrtime.bigint();
    const { default: ExcelJS } = await import('exceljs');
    let rows = 0;
    let cells = 0;
    let headerCells = 0;
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit' });
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as unknown[];
        let count = 0;
        for (let i = 0; i < values.length; i++) if (values[i] !== null && values[i] !== undefined) count++;
        if (rows === 0) headerCells = count;
        cells += count;
        rows++;
      }
    }
    return { rows: rows - 1, cells: cells - headerCells, start };
  }
  throw new Error(`Unknown mode "${mode}"`);
}

const started = process.hrtime.bigint();
const cpuBefore = process.cpuUsage();
try {
  const { rows, cells, start } = await measure();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  console.log(JSON.stringify({ mode, rows, cells, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMb: peakRssMb() }));
} catch (error) {
  const { CdbError } = await import('../src/errors.js');
  if (!(error instanceof CdbError)) throw error;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({ mode, rows: 0, seconds, maxRssMb: peakRssMb(), error: error.message }));
}
