// What a file really is, whatever its name says: identifyFile, the errors openSpreadsheet gives
// for a file that is not what its name says, and those errors through the CLI.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { identifyFile, type FileKind } from '../src/readers/identify-file.js';
import { cli } from './helpers/cli.js';
import { fixture, readAll, tempDir } from './helpers/files.js';
import { storedZip } from './helpers/stored-zip.js';

const CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const ODS_MIMETYPE = 'application/vnd.oasis.opendocument.spreadsheet';

/** A Compound File header whose directory, at `directorySector`, names an EncryptionInfo stream. */
function encryptedCfb(directorySector: number): Buffer {
  const sector = 512;
  const file = Buffer.alloc((directorySector + 2) * sector);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(file, 0);
  file.writeUInt16LE(9, 0x1e); // 2^9-byte sectors
  file.writeUInt32LE(directorySector, 0x30);
  const entry = (directorySector + 1) * sector;
  Buffer.from('Root Entry\0', 'utf16le').copy(file, entry);
  Buffer.from('EncryptionInfo\0', 'utf16le').copy(file, entry + 128);
  return file;
}

/** Contents made here: each is written to a temporary file of that name. */
const MADE: [string, string | Buffer, FileKind][] = [
  ['report.pdf', '%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n', 'pdf'],
  ['doctype.xls', '<!DOCTYPE html>\n<html><body><table><tr><td>Title</td></tr></table></body></html>', 'html'],
  ['html.xls', '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head></head></html>', 'html'],
  ['table-after-bom.xlsx', '\ufeff \r\n<!-- exported -->\n<TABLE border=1><TR><TD>1</TD></TR></TABLE>', 'html'],
  ['xhtml.xls', '<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x">\n<html xmlns="http://www.w3.org/1999/xhtml"/>', 'html'],
  ['utf16.xls', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<html><table></table></html>', 'utf16le')]), 'html'],
  ['xml2003.xls', '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Sheet1"/></Workbook>', 'spreadsheetml2003'],
  ['other.xml', '<?xml version="1.0"?><jobs><job/></jobs>', 'text'],
  ['html-word.csv', 'html,table\n1,2\n', 'text'],
  ['empty.xlsx', '', 'empty'],
  ['book.xlsb', storedZip({ '[Content_Types].xml': CONTENT_TYPES, '_rels/.rels': '<Relationships/>', 'xl/workbook.bin': Buffer.alloc(8) }), 'xlsb'],
  ['strict.xlsx', storedZip({ '[Content_Types].xml': CONTENT_TYPES, 'XL/Workbook.xml': '<workbook/>' }), 'xlsx'],
  ['ods-mimetype.xlsx', storedZip({ mimetype: ODS_MIMETYPE, 'content.xml': '<x/>', 'META-INF/manifest.xml': '<m/>' }), 'ods'],
  ['ods-no-mimetype.xlsx', storedZip({ 'META-INF/manifest.xml': '<m/>', 'content.xml': '<x/>' }), 'ods'],
  ['template.ots', storedZip({ mimetype: `${ODS_MIMETYPE}-template`, 'content.xml': '<x/>', 'META-INF/manifest.xml': '<m/>' }), 'ods'],
  // Excel opens entries named with backslashes and in other letter case (issue 19, class 7).
  ['backslashes.xlsx', storedZip({ '[content_types].xml': CONTENT_TYPES, 'xl\\workbook.xml': '<workbook/>', 'xl\\worksheets\\sheet1.xml': '<worksheet/>' }), 'xlsx'],
  ['text-document.xlsx', storedZip({ mimetype: 'application/vnd.oasis.opendocument.text', 'content.xml': '<x/>', 'META-INF/manifest.xml': '<m/>' }), 'zip'],
  ['single-file.numbers', storedZip({ 'Index/Document.iwa': Buffer.alloc(4), 'Metadata/Properties.plist': '', 'preview.jpg': '' }), 'numbers'],
  ['word.xlsx', storedZip({ '[Content_Types].xml': CONTENT_TYPES, 'word/document.xml': '<w/>' }), 'zip'],
  ['photos.zip', storedZip({ 'a.jpg': 'x', 'b.jpg': 'y' }), 'zip'],
  ['empty-archive.xlsx', storedZip({}), 'zip'],
  ['encrypted.xlsx', encryptedCfb(0), 'encrypted'],
  ['encrypted-far.xlsx', encryptedCfb(200), 'encrypted'],
];

async function made(name: string, content: string | Buffer): Promise<string> {
  const file = path.join(await tempDir(), name);
  await writeFile(file, content);
  return file;
}

/** An xlsx under another name, in a temporary folder. */
async function renamedXlsx(name: string): Promise<string> {
  const file = path.join(await tempDir(), name);
  await copyFile(fixture('libreoffice.xlsx'), file);
  return file;
}

describe('identifyFile', () => {
  test.each([
    ['libreoffice.xlsx', 'xlsx'],
    ['cal__date.ods', 'ods'],
    ['roo__type_openoffice.xlsx', 'ods'],
    ['sjs__RkNumber.xls', 'cfb'],
    ['sjs__Attendance.numbers', 'numbers'],
    ['truncated.xlsx', 'zip-damaged'],
    ['garbage.xlsx', 'text'],
    ['empty.csv', 'empty'],
    ['invalid-rows.csv', 'text'],
    ['utf16le-tab.txt', 'text'],
  ])('fixture %s is %s', async (name, kind) => {
    expect(await identifyFile(fixture(name))).toBe(kind);
  });

  test.each(MADE)('%s is %s', async (name, content, kind) => {
    expect(await identifyFile(await made(name, content))).toBe(kind);
  });

  test('an xlsx under a csv name is xlsx', async () => {
    expect(await identifyFile(await renamedXlsx('jobs.csv'))).toBe('xlsx');
  });

  test('a folder is a folder; a Numbers bundle folder is numbers', async () => {
    const dir = await tempDir();
    expect(await identifyFile(dir)).toBe('folder');
    const bundle = path.join(dir, 'Budget.numbers');
    await mkdir(path.join(bundle, 'Index'), { recursive: true });
    await mkdir(path.join(bundle, 'Metadata'));
    await writeFile(path.join(bundle, 'Index', 'Document.iwa'), '');
    expect(await identifyFile(bundle)).toBe('numbers');
  });

  test('a missing file rejects with ENOENT', async () => {
    await expect(identifyFile(path.join(await tempDir(), 'nothing.xlsx'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('openSpreadsheet says what a file really is', () => {
  test.each([
    [fixture('sjs__RkNumber.xls'), 'This file is an Excel 97–2003 workbook (.xls); only .xlsx and .ods workbooks and .csv, .tsv or .txt files can be read.', 'Open it in LibreOffice or Excel and save it as Excel Workbook (.xlsx).'],
    [fixture('sjs__Attendance.numbers'), 'This file is an Apple Numbers document; only .xlsx and .ods workbooks and .csv, .tsv or .txt files can be read.', 'In Numbers choose File › Export To › Excel…'],
  ])('%s', async (file, message, hint) => {
    await expect(readAll(file)).rejects.toMatchObject({ code: 'INPUT', message, hint, context: { file } });
  });

  test('an OpenDocument spreadsheet is read, named .ods or .xlsx (issue 19)', async () => {
    const ods = await readAll(fixture('cal__date.ods'));
    expect(ods.detected).toMatchObject({ format: 'ods', sheet: 'Sheet1' });
    expect(ods.rows.length).toBe(3);
    const renamed = await readAll(fixture('roo__type_openoffice.xlsx'), { headerRow: 3 });
    expect(renamed.detected.format).toBe('ods');
    expect(renamed.header).toEqual(['Date', 'Start time', 'End time', 'Pause', 'Sum', 'Comment']);
  });

  test('an ods named .csv says so and how to fix it', async () => {
    const file = path.join(await tempDir(), 'jobs.csv');
    await copyFile(fixture('cal__date.ods'), file);
    await expect(readAll(file)).rejects.toMatchObject({ code: 'INPUT', message: 'This file is an OpenDocument spreadsheet (.ods), although its name ends in .csv.', hint: 'Rename it to .ods.' });
  });

  test.each([
    ['sheet.xlsx', '%PDF-1.4\n', 'This file is a PDF document, not a spreadsheet, although its name ends in .xlsx.', 'Export the data from the program that made the PDF as .xlsx or .csv.'],
    ['report.pdf', '%PDF-1.4\n', 'This file is a PDF document, not a spreadsheet; only .xlsx and .ods workbooks and .csv, .tsv or .txt files can be read.', 'Export the data from the program that made the PDF as .xlsx or .csv.'],
    ['export.xls', '<table><tr><td>Title</td></tr></table>', 'This file is a web page (HTML), not a real Excel workbook, although its name ends in .xls.', 'Open it in Excel and save it as Excel Workbook (.xlsx).'],
    ['export.xlsx', '<!doctype html><html></html>', 'This file is a web page (HTML), not a real Excel workbook, although its name ends in .xlsx.', 'Open it in Excel and save it as Excel Workbook (.xlsx).'],
    ['export.csv', '<html><table></table></html>', 'This file is a web page (HTML), although its name ends in .csv.', 'Open it in Excel and save it as Excel Workbook (.xlsx).'],
    ['export.xlsx', MADE.find(([name]) => name === 'xml2003.xls')?.[1] ?? '', 'This file is an XML Spreadsheet 2003 file, not a real Excel workbook, although its name ends in .xlsx.', 'Open it in Excel and save it as Excel Workbook (.xlsx).'],
    ['locked.xlsx', encryptedCfb(0), 'This file is a password-protected workbook, which cannot be read while it has a password.', 'Remove the password (File › Info › Protect Workbook) and save it again.'],
    ['old.xlsx', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024)]), 'This file is an Excel 97–2003 workbook (.xls), although its name ends in .xlsx.', 'Open it in LibreOffice or Excel and save it as Excel Workbook (.xlsx).'],
    ['binary.xlsx', storedZip({ '[Content_Types].xml': CONTENT_TYPES, 'xl/workbook.bin': '' }), 'This file is an Excel Binary Workbook (.xlsb), although its name ends in .xlsx.', 'Open it in Excel and save it as Excel Workbook (.xlsx).'],
    ['photos.xlsx', storedZip({ 'a.jpg': 'x' }), 'This file is a zip archive, not an xlsx workbook.', 'Unzip it and import the spreadsheet inside.'],
    ['photos.csv', storedZip({ 'a.jpg': 'x' }), 'This file is a zip archive, although its name ends in .csv.', 'Unzip it and import the spreadsheet inside.'],
    ['cut.csv', (storedZip({ 'xl/workbook.xml': '<workbook/>' })).subarray(0, 40), 'This file is an incomplete zip archive (perhaps a damaged Excel workbook), although its name ends in .csv.', 'Copy or download it again; if it is an Excel workbook, name it .xlsx (an OpenDocument spreadsheet .ods).'],
    ['photos.ods', storedZip({ 'a.jpg': 'x' }), 'This file is a zip archive, not an OpenDocument spreadsheet.', 'Unzip it and import the spreadsheet inside.'],
    ['empty.xlsx', '', 'The file is empty (0 bytes), not an xlsx workbook.', 'Check that you exported the right file.'],
    ['tab.xls', 'Title\tStart\nA\t2026-03-01\n', 'Cannot read files of type .xls.', 'This .xls file holds text, not an Excel workbook: if it is comma- or tab-separated values, rename it to .csv or .txt.'],
    ['notes.dat', 'Title;Start\n', 'Cannot read files of type .dat.', 'Give an .xlsx, .ods, .csv, .tsv or .txt file.'],
  ])('%s holding %#', async (name, content, message, hint) => {
    await expect(readAll(await made(name, content))).rejects.toMatchObject({ code: 'INPUT', message, hint });
  });

  test('an xlsx named .csv says so and how to fix it', async () => {
    await expect(readAll(await renamedXlsx('jobs.csv'))).rejects.toMatchObject({
      code: 'INPUT',
      message: 'This file is an Excel workbook (.xlsx), although its name ends in .csv.',
      hint: 'Rename it to .xlsx.',
    });
  });

  test('an xlsx to be read as csv (format given) says so', async () => {
    await expect(readAll(await renamedXlsx('jobs.xlsx'), { format: 'csv' })).rejects.toMatchObject({
      message: 'This file is an Excel workbook (.xlsx), although it was to be read as csv.',
      hint: 'Read it as xlsx.',
    });
  });

  test('an xlsx under an unknown extension is read as xlsx', async () => {
    const sheet = await readAll(await renamedXlsx('jobs.dat'));
    expect(sheet.detected.format).toBe('xlsx');
    expect(sheet.rows.length).toBeGreaterThan(0);
  });

  test('a folder cannot be opened', async () => {
    const dir = path.join(await tempDir(), 'jobs.csv');
    await mkdir(dir);
    await expect(readAll(dir)).rejects.toMatchObject({ code: 'INPUT', message: 'Cannot open the file (it is a folder).' });
  });

  test('a damaged xlsx still reaches the xlsx reader', async () => {
    await expect(readAll(fixture('truncated.xlsx'))).rejects.toMatchObject({ code: 'INPUT', message: expect.stringMatching(/not a readable xlsx workbook/) });
  });
});

describe('through the CLI: exit 2, one plain message, no stack trace', () => {
  const plain = (stderr: string) => {
    expect(stderr).not.toMatch(/\n\s+at .*\(/);
    expect(stderr).not.toMatch(/bug|Unexpected error/i);
    expect(stderr.match(/^Error:/gm)).toHaveLength(1);
  };

  test('an Excel 97–2003 workbook', async () => {
    const run = await cli(['import', fixture('sjs__RkNumber.xls'), '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('This file is an Excel 97–2003 workbook (.xls); only .xlsx and .ods workbooks and .csv, .tsv or .txt files can be read.');
    expect(run.stderr).toContain('Open it in LibreOffice or Excel and save it as Excel Workbook (.xlsx).');
    plain(run.stderr);
  });

  test('an xlsx named .csv', async () => {
    const run = await cli(['import', await renamedXlsx('jobs.csv'), '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('This file is an Excel workbook (.xlsx), although its name ends in .csv.');
    expect(run.stderr).toContain('Rename it to .xlsx.');
    plain(run.stderr);
  });

  test('a web page named .xls', async () => {
    const run = await cli(['import', await made('export.xls', '<table><tr><td>Title</td></tr></table>'), '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('This file is a web page (HTML), not a real Excel workbook, although its name ends in .xls.');
    plain(run.stderr);
  });

  test('a folder', async () => {
    const dir = await tempDir();
    const run = await cli(['import', `${dir}/`, '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Cannot open the file (it is a folder).');
    plain(run.stderr);
  });
});
