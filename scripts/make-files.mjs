// Writes the committed sample spreadsheets (samples/) and the test fixtures made with exceljs and
// plain bytes (test/fixtures/). Run: node scripts/make-files.mjs. The openpyxl fixtures come from
// test/fixtures/make-openpyxl.py. Deterministic: the same files every run.
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

const F = 'test/fixtures';
const S = 'samples';
mkdirSync(F, { recursive: true });
mkdirSync(S, { recursive: true });

const utc = (y, m, d, h = 0, min = 0) => new Date(Date.UTC(y, m - 1, d, h, min));

// ---- csv fixtures: one per encoding, delimiter and quoting case
const bom = Buffer.from([0xef, 0xbb, 0xbf]);
writeFileSync(`${F}/utf8-bom-comma.csv`, Buffer.concat([bom, Buffer.from('Title,Reference no,Start,Duration\r\nByte av blandare,00123,2026-03-01 08:00,90\r\nÅrlig kontroll,0456,2026-07-01 13:30,60\r\n')]));
writeFileSync(`${F}/utf8-semicolon-lf.csv`, 'Titel;Ordernummer;Belopp;Starttid\nService värmepump;00042;733480,00;01.03.2026 08:00\nByte av element;00043;1 234,5;2026-03-02\n');
writeFileSync(`${F}/win1252-sep-line.csv`, iconv.encode('sep=;\r\nTitel;Kund;Adress\r\nRensning av takrännor;Bostads AB Mimer;Östra Hamngatan 5, Göteborg\r\nFelsökning ventilation;Café Ängsbacken;Åsgatan 2, Umeå\r\n', 'windows-1252'));
writeFileSync(`${F}/utf16le-tab.txt`, Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('Titel\tOrdernummer\tMinuter\r\nLäckagesökning badrum\t007\t45\r\n', 'utf-16le')]));
writeFileSync(`${F}/pipe.csv`, 'Title|Reference no|Place\nSnöröjning tak|100|Storgatan 1, Luleå\n');
writeFileSync(`${F}/quoted.csv`, 'Title;Description;Reference no\r\n"Byte; av blandare";"Kunden säger ""akut""";"001"\r\n"Två rader";"Rad ett\r\nRad två";002\r\n');
// ---- broken inputs
writeFileSync(`${F}/empty.csv`, '');
writeFileSync(`${F}/garbage.xlsx`, Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 256)));
writeFileSync(`${F}/unclosed-quote.csv`, 'Title,Description\nOk,"fine"\nBroken,"never closed\nNext,row\n');
writeFileSync(`${F}/ragged.csv`, 'Title;Reference no;Start\nEtt;001;2026-03-01 08:00\nTvå;002;2026-03-02 08:00;extra\n');
writeFileSync(`${F}/duplicate-headers.csv`, 'Title,Reference no,Title\nA,1,B\n');
writeFileSync(`${F}/missing-required.csv`, 'Reference no,Start\n001,2026-03-01 08:00\n');
writeFileSync(`${F}/invalid-rows.csv`, 'Title;Reference no;Start;Duration;All day\nBra rad;001;2026-03-01 08:00;60;nej\n;002;2026-03-01 09:00;30;ja\nDåligt datum;003;tomorrow;30;nej\nDålig tid;004;2026-03-01 10:00;en timme;kanske\n');
writeFileSync(`${F}/bad-yaml.mapping.yaml`, 'resource: job\ncolumns:\n  - column: Title\n    field: title\n   required: true\n');
writeFileSync(`${F}/unknown-type.mapping.yaml`, 'resource: job\ncolumns:\n  - column: Title\n    field: title\n    type: text\n');
writeFileSync(`${F}/many-problems.mapping.yaml`, 'resource: jobb\ntimezone: Europe/Gothenburg\ncolumns:\n  - column: Title\n    field: title\n    type: text\n  - field: title\n    column: Rubrik\n  - column: Start\n    value: 5\n    field: startTime\n  - column: Prio\n    field: priority\n    colour: red\n');

// ---- xlsx fixtures written by exceljs (the second writer beside openpyxl)
{
  const wb = new ExcelJS.Workbook();
  const notes = wb.addWorksheet('Notes');
  notes.addRow(['Nothing to import here']);
  const ws = wb.addWorksheet('Jobb');
  ws.addRow(['Export from Affärssystemet 2026-03-01']);
  ws.addRow([]);
  ws.addRow(['Titel', 'Ordernummer', 'Starttid', 'Minuter', 'Heldag', 'Summa', 'Länk', 'Formel', 'Fel', 'Datumformel']);
  ws.addRow([
    { richText: [{ text: 'Byte av ', font: { bold: true } }, { text: 'blandare' }] },
    '00123',
    utc(2026, 3, 1, 8, 0),
    90,
    true,
    1234.5,
    { text: 'Ordern', hyperlink: 'https://example.com/order/123' },
    { formula: 'D4*2', result: 180 },
    { error: '#N/A' },
    { formula: 'C4+1', result: utc(2026, 3, 2, 8, 0) },
  ]);
  ws.addRow(['Höstservice', '0456', utc(2026, 10, 25, 2, 30), 60, false, 0, 'ingen', { formula: 'A5&"!"', result: 'Höstservice!' }, null, null]);
  ws.getColumn(3).numFmt = 'yyyy-mm-dd hh:mm';
  ws.getColumn(10).numFmt = 'yyyy-mm-dd hh:mm';
  await wb.xlsx.writeFile(`${F}/exceljs-cell-types.xlsx`);
}
{
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: `${F}/exceljs-inline-strings.xlsx`, useSharedStrings: false, useStyles: true });
  const ws = wb.addWorksheet('Jobs');
  ws.addRow(['Title', 'Reference no', 'Start']).commit();
  const row = ws.addRow(['Inline sträng', '000777', utc(2026, 3, 1, 8, 0)]);
  row.getCell(3).numFmt = 'yyyy-mm-dd hh:mm';
  row.commit();
  await wb.commit();
}
{
  const valid = readFileSync(`${F}/exceljs-cell-types.xlsx`);
  writeFileSync(`${F}/truncated.xlsx`, valid.subarray(0, Math.floor(valid.length / 2)));
}

// ---- samples: a realistic Swedish planner's workbook (the demo imports it) and an ERP csv
const titles = ['Service av värmepump', 'Byte av termostat', 'Felsökning ventilation', 'Installation av laddbox', 'Årlig kontroll brandlarm', 'Rensning av takrännor', 'Elbesiktning', 'Läckagesökning badrum', 'Byte av blandare', 'Obligatorisk ventilationskontroll', 'Höstservice fjärrvärme', 'Utbyte av armaturer'];
const customers = ['Bostads AB Mimer', 'HSB Brf Ekorren', 'Göteborgs Stad Lokalförvaltningen', 'Åhléns City', 'Brf Fyrtornet', 'Café Ängsbacken', 'Riksbyggen Brf Lärkan', 'Östersunds Sjukhus'];
const places = ['Storgatan 12, Västerås', 'Östra Hamngatan 5, Göteborg', 'Drottninggatan 33, Stockholm', 'Åsgatan 2, Umeå', 'Köpmangatan 8, Örebro', 'Järnvägsgatan 41, Jönköping', 'Skolgatan 7, Uppsala', 'Ringvägen 101, Malmö'];
const minutes = [30, 45, 60, 90, 120, 180, 240, 480];
const sampleRows = Array.from({ length: 36 }, (_, i) => ({
  title: titles[i % titles.length],
  order: String(10_000 + i * 37).padStart(7, '0'),
  customer: customers[(i * 3) % customers.length],
  place: places[(i * 5) % places.length],
  start: utc(2026, 12, 1 + Math.floor(i / 3), 7 + (i % 3) * 3, i % 2 ? 30 : 0),
  minutes: minutes[i % minutes.length],
  allDay: i % 9 === 8,
  priority: 1 + (i % 3),
  note: i % 4 === 0 ? `Portkod ${1000 + i * 17}. Ring kunden 30 min före.` : '',
}));
{
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Planeringen';
  const ws = wb.addWorksheet('Uppdrag', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: 'Ordernummer', width: 14, style: { numFmt: '@' } },
    { header: 'Titel', width: 32 },
    { header: 'Kund', width: 30 },
    { header: 'Adress', width: 32 },
    { header: 'Starttid', width: 18, style: { numFmt: 'yyyy-mm-dd hh:mm' } },
    { header: 'Minuter', width: 10 },
    { header: 'Heldag', width: 8 },
    { header: 'Prioritet', width: 10 },
    { header: 'Beskrivning', width: 40 },
  ];
  ws.getRow(1).font = { bold: true };
  for (const r of sampleRows) ws.addRow([r.order, r.title, r.customer, r.place, r.start, r.allDay ? null : r.minutes, r.allDay ? 'Ja' : 'Nej', r.priority, r.note || null]);
  await wb.xlsx.writeFile(`${S}/jobs.xlsx`);
}
{
  const lines = ['Order nr;Uppdrag;Kund;Plats;Start;Arbetstid (min);Akut;Avtal'];
  sampleRows.slice(0, 12).forEach((r, i) => {
    const d = r.start;
    const date = `${String(d.getUTCDate()).padStart(2, '0')}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${d.getUTCFullYear()}`;
    const time = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    lines.push([r.order, r.title, r.customer, `"${r.place}"`, `${date} ${time}`, r.minutes, i % 5 === 0 ? 'Ja' : 'Nej', ['Serviceavtal', 'Löpande', 'Fastpris'][i % 3]].join(';'));
  });
  writeFileSync(`${S}/erp-export.csv`, iconv.encode(`${lines.join('\r\n')}\r\n`, 'windows-1252'));
}
console.log('written');
