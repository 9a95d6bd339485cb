/**
 * What a file really is, from its first bytes and, for a zip archive, the names in its central
 * directory, whatever its name says. People rename files, and programs save web pages, old
 * workbooks and OpenDocument files under `.xlsx` or `.xls`: saying so beats a parse error.
 */
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import yauzl from 'yauzl';

/** What {@link identifyFile} found a file to be. */
export type FileKind =
  | 'xlsx' // Office Open XML workbook (also .xlsm, .xltx): a zip holding a workbook.xml part
  | 'xlsb' // Excel binary workbook: a zip holding a workbook.bin part
  | 'ods' // OpenDocument spreadsheet: a zip, or one XML document (a flat .fods)
  | 'numbers' // Apple Numbers: a zip or a folder bundle
  | 'zip' // any other zip archive
  | 'zip-damaged' // starts like a zip archive, but its central directory cannot be read
  | 'cfb' // a Compound File: an Excel 97–2003 .xls (or another Office 97–2003 document)
  | 'encrypted' // a password-protected workbook: a Compound File holding an EncryptionInfo stream
  | 'pdf'
  | 'html' // a web page, as many programs save "Excel" exports
  | 'spreadsheetml2003' // Excel's "XML Spreadsheet 2003"
  | 'text' // anything else: csv, tsv, plain text, or bytes no rule knows
  | 'empty' // 0 bytes
  | 'folder';

const SAMPLE_BYTES = 64 * 1024;
const XML_SNIFF_CHARS = 4096;
/** Enough for any workbook; a zip with more entries is looked at no further. */
const MAX_ZIP_ENTRIES = 10_000;

const CFB_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le');
const ODS_MIMETYPE = 'application/vnd.oasis.opendocument.spreadsheet';

/**
 * Says what a file is from its content: one read of its first 64 KB and, only when those start
 * like a zip archive, the file names in the zip's central directory. Rejects with the file
 * system's error (ENOENT, EACCES…) when the file cannot be read.
 */
export async function identifyFile(file: string): Promise<FileKind> {
  const info = await stat(file);
  if (info.isDirectory()) return (await isNumbersBundle(file)) ? 'numbers' : 'folder';
  // A pipe or device: reading its first bytes would take them from the reader.
  if (!info.isFile()) return 'text';
  if (info.size === 0) return 'empty';
  const head = await readHead(file, SAMPLE_BYTES);
  if (head.length === 0) return 'empty';
  if (isZipStart(head)) return identifyZip(file, head);
  if (head.subarray(0, 8).equals(CFB_SIGNATURE)) return (await isEncryptedCfb(file, head)) ? 'encrypted' : 'cfb';
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  return identifyMarkup(head) ?? 'text';
}

async function readHead(file: string, length: number, position = 0): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A local file header, or the end of central directory record of an empty archive. */
function isZipStart(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b
    && ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06));
}

async function identifyZip(file: string, head: Buffer): Promise<FileKind> {
  let names: string[];
  try {
    names = await zipEntryNames(file);
  } catch {
    return 'zip-damaged';
  }
  // Excel opens entries named with backslashes (xl\workbook.xml) and in any letter case.
  const lower = names.map((name) => name.replace(/\\/g, '/').toLowerCase());
  const has = (pattern: RegExp) => lower.some((name) => pattern.test(name));
  // Part names in a package are case-insensitive; the workbook part may live in any folder.
  if (has(/(^|\/)workbook\.xml$/)) return 'xlsx';
  if (has(/(^|\/)workbook\.bin$/)) return 'xlsb';
  const mimetype = storedMimetype(head);
  if (mimetype !== undefined) return mimetype === ODS_MIMETYPE || mimetype === `${ODS_MIMETYPE}-template` ? 'ods' : 'zip';
  if (lower.includes('content.xml') && lower.includes('meta-inf/manifest.xml')) return 'ods';
  // A single-file Numbers document, or a zipped bundle (`Name.numbers/Index.zip`).
  if (has(/(^|\/)index\/document\.iwa$/) || has(/(^|\/)index\.zip$/)) return 'numbers';
  return 'zip';
}

/** The file names in a zip's central directory. */
function zipEntryNames(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // Names are decoded here, not by yauzl, which would reject an archive for one odd name.
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false }, (openError, zip) => {
      if (openError) {
        reject(openError);
        return;
      }
      const names: string[] = [];
      const finish = (error?: Error) => {
        zip.removeAllListeners();
        zip.on('error', () => {});
        zip.close();
        if (error) reject(error);
        else resolve(names);
      };
      zip.on('entry', (entry: yauzl.Entry) => {
        const raw = entry.fileName as unknown as Buffer | string;
        names.push(typeof raw === 'string' ? raw : raw.toString('utf8'));
        if (names.length >= MAX_ZIP_ENTRIES) finish();
        else zip.readEntry();
      });
      zip.on('end', () => finish());
      zip.on('error', (error: Error) => finish(error));
      zip.readEntry();
    });
  });
}

/**
 * OpenDocument puts a `mimetype` entry first, uncompressed, so that its type shows in the first
 * bytes. Undefined when the archive does not start that way.
 */
function storedMimetype(head: Buffer): string | undefined {
  if (head.length < 30 || head.readUInt32LE(0) !== 0x04034b50) return undefined;
  const method = head.readUInt16LE(8);
  const size = head.readUInt32LE(18);
  const nameLength = head.readUInt16LE(26);
  const extraLength = head.readUInt16LE(28);
  const name = head.subarray(30, 30 + nameLength).toString('latin1');
  // Size 0 here means the size is only given after the data (a data descriptor).
  if (name !== 'mimetype' || method !== 0 || size === 0 || size > 200) return undefined;
  const start = 30 + nameLength + extraLength;
  if (start + size > head.length) return undefined;
  return head.subarray(start, start + size).toString('latin1').trim();
}

/**
 * A password-protected OOXML workbook is a Compound File with an `EncryptionInfo` stream. Its
 * name is in the directory, which is usually within the first bytes; when the header says the
 * directory starts further on, that one sector is read too.
 */
async function isEncryptedCfb(file: string, head: Buffer): Promise<boolean> {
  if (head.includes(ENCRYPTION_INFO)) return true;
  if (head.length < 0x34) return false;
  const sectorSize = 2 ** head.readUInt16LE(0x1e);
  const directorySector = head.readUInt32LE(0x30);
  if (sectorSize !== 512 && sectorSize !== 4096) return false;
  if (directorySector >= 0xfffffffa) return false;
  const offset = (directorySector + 1) * sectorSize;
  if (offset + sectorSize <= head.length) return false;
  return (await readHead(file, sectorSize, offset)).includes(ENCRYPTION_INFO);
}

/** HTML, XML Spreadsheet 2003 or a flat OpenDocument spreadsheet, from the start of the text; undefined for anything else. */
function identifyMarkup(head: Buffer): FileKind | undefined {
  const text = decodeStart(head).replace(/^\uFEFF/, '');
  const start = skipNoise(text, 0);
  const rest = text.slice(start, start + 64).toLowerCase();
  if (/^<!doctype\s+html[\s>]/.test(rest) || /^<html[\s>]/.test(rest) || /^<table[\s>]/.test(rest)) return 'html';
  if (!rest.startsWith('<?xml') && !rest.startsWith('<workbook')) return undefined;
  const root = rootElement(text, start);
  if (root === 'html') return 'html';
  if (root === 'document' && text.slice(0, XML_SNIFF_CHARS).includes(ODS_MIMETYPE)) return 'ods';
  if (text.slice(0, XML_SNIFF_CHARS).includes('urn:schemas-microsoft-com:office:spreadsheet')) return 'spreadsheetml2003';
  return undefined;
}

/** The first few thousand characters: UTF-16 when a BOM says so, else bytes as Latin-1 (markup is ASCII). */
function decodeStart(head: Buffer): string {
  const bytes = head.subarray(0, XML_SNIFF_CHARS * 2);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  const utf8Bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.subarray(utf8Bom ? 3 : 0, (utf8Bom ? 3 : 0) + XML_SNIFF_CHARS).toString('latin1');
}

/** Past whitespace and `<!-- comments -->`. */
function skipNoise(text: string, from: number): number {
  let at = from;
  for (;;) {
    while (at < text.length && /\s/.test(text[at] ?? '')) at += 1;
    if (!text.startsWith('<!--', at)) return at;
    const end = text.indexOf('-->', at + 4);
    if (end < 0) return text.length;
    at = end + 3;
  }
}

/** The name of the first element after the prolog (declaration, processing instructions, doctype, comments). */
function rootElement(text: string, from: number): string | undefined {
  let at = from;
  for (;;) {
    at = skipNoise(text, at);
    if (text.startsWith('<?', at) || text.startsWith('<!', at)) {
      const end = text.indexOf('>', at);
      if (end < 0) return undefined;
      at = end + 1;
      continue;
    }
    const match = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(at, at + 100));
    return match?.[1]?.toLowerCase().replace(/^.*:/, '');
  }
}

/** A folder that macOS shows as one Numbers document: `Index.zip` or `Index/Document.iwa`, and `Metadata/`. */
async function isNumbersBundle(folder: string): Promise<boolean> {
  try {
    const names = await readdir(folder);
    const index = names.includes('Index.zip')
      || (names.includes('Index') && (await readdir(path.join(folder, 'Index'))).includes('Document.iwa'));
    return index && (names.includes('Metadata') || path.extname(folder).toLowerCase() === '.numbers');
  } catch {
    return false;
  }
}
