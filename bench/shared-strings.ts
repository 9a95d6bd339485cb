// Hostile shared strings (issue 17, item 7): two small xlsx files whose shared strings table is
// huge once unpacked, read by our reader in a process of its own; its peak RSS must stay under
// 300 MB whatever the file holds (the run stops at the documented limit instead):
//   - long strings: 500 strings of 1 MB ('a' repeated), 500 MB unpacked from about 0.5 MB;
//   - tiny strings: 29 million one-letter strings, about 500 MB of XML.
// The files are generated once into .bench-tmp/ (gitignored).
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { contentTypesXml, MAIN_NS, PKG_REL_NS, REL_NS, REL_TYPE, sheetXml, zipArchive } from '../test/helpers/zip-writer.js';
import { BENCH_DIR, measureRead } from './dry-run.js';
import type { Run } from './rounds.js';

const TARGET_MB = 300;

/** A workbook whose sharedStrings.xml is `count` times the string `text`, its sheet a header and one row. */
async function makeWorkbook(file: string, count: number, text: string): Promise<void> {
  if (existsSync(file)) return;
  // Blocks of the same items, repeated: 29 million Buffers of one item each would take gigabytes.
  const perBlock = Math.max(1, Math.floor(1048576 / (text.length + 16)));
  const block = Buffer.from(`<si><t>${text}</t></si>`.repeat(perBlock));
  const pieces: Buffer[] = [Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN_NS}" count="${count}" uniqueCount="${count}">`)];
  for (let i = 0; i < Math.floor(count / perBlock); i++) pieces.push(block);
  pieces.push(Buffer.from(`<si><t>${text}</t></si>`.repeat(count % perBlock)), Buffer.from('</sst>'));
  const parts: Record<string, string | Buffer> = {
    '_rels/.rels': `<?xml version="1.0"?><Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_TYPE}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="Jobs" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels':
      `<?xml version="1.0"?><Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet1.xml"/>` +
      `<Relationship Id="rId2" Type="${REL_TYPE}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': sheetXml('<row r="1"><c r="A1" t="inlineStr"><is><t>Title</t></is></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>'),
    'xl/sharedStrings.xml': Buffer.concat(pieces),
  };
  const partial = `${file}.partial`;
  await writeFile(partial, zipArchive([{ name: '[Content_Types].xml', data: contentTypesXml(Object.keys(parts)) }, ...Object.entries(parts).map(([name, data]) => ({ name, data }))]));
  await rename(partial, file);
}

export async function sharedStrings(): Promise<void> {
  await mkdir(BENCH_DIR, { recursive: true });
  const long = path.join(BENCH_DIR, 'shared-strings-500x1MB.xlsx');
  const tiny = path.join(BENCH_DIR, 'shared-strings-29M-tiny.xlsx');
  await makeWorkbook(long, 500, 'a'.repeat(1048576));
  await makeWorkbook(tiny, 29_000_000, 'a');
  console.log('file                                  | outcome                                  | seconds | peak RSS MB');
  for (const file of [long, tiny]) {
    const run = (await measureRead('read', file)) as Run & { error?: string };
    const outcome = run.error ?? `read, ${run.rows} rows`;
    console.log(`${path.basename(file).padEnd(37)} | ${outcome.slice(0, 40).padEnd(40)} | ${run.seconds.toFixed(1).padStart(7)} | ${(run.maxRssMb ?? 0).toFixed(0).padStart(11)}`);
    console.log(`  peak RSS under ${TARGET_MB} MB: ${(run.maxRssMb ?? 0) < TARGET_MB ? 'met' : 'not met'}`);
  }
}
