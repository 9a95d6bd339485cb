import { writeFile } from 'node:fs/promises';
import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a zip archive: its name and content, and whether to deflate it (default yes). */
export interface ZipEntry {
  name: string;
  data: string | Buffer;
  store?: boolean;
}

/**
 * A zip archive with its entries in exactly the order given (local file headers, then the
 * central directory), deflated with node:zlib: enough to build workbooks whose part order,
 * part names and XML an office program would never produce.
 */
export function zipArchive(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const raw = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data, 'utf8');
    const method = entry.store ? 0 : 8;
    const packed = method === 8 ? deflateRawSync(raw) : raw;
    const crc = crc32(raw);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed to extract
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date: 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // no extra field

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra, comment, disk number, internal and external attributes: 0
    central.writeUInt32LE(offset, 42);

    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
export const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
export const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
/** Relationship types: `${REL_TYPE}/worksheet` and so on. */
export const REL_TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** A worksheet part around the given `<row>` elements. */
export function sheetXml(rows: string): string {
  return `${XML_DECL}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetData>${rows}</sheetData></worksheet>`;
}

/** A shared strings part of the given `<si>` contents (each item's inner XML). */
export function sharedStringsXml(items: readonly string[]): string {
  return `${XML_DECL}<sst xmlns="${MAIN_NS}" count="${items.length}" uniqueCount="${items.length}">${items.map((i) => `<si>${i}</si>`).join('')}</sst>`;
}

/**
 * A styles part: custom number formats by id, and the cell styles (`s=` on a cell) as their
 * numFmtId. Style 0 is always General.
 */
export function stylesXml(customFormats: Record<number, string>, cellFormatIds: readonly number[]): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const fmts = Object.entries(customFormats);
  return (
    `${XML_DECL}<styleSheet xmlns="${MAIN_NS}">` +
    (fmts.length ? `<numFmts count="${fmts.length}">${fmts.map(([id, code]) => `<numFmt numFmtId="${id}" formatCode="${escape(code)}"/>`).join('')}</numFmts>` : '') +
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>' +
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${cellFormatIds.length + 1}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
    cellFormatIds.map((id) => `<xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"><alignment wrapText="1"/></xf>`).join('') +
    '</cellXfs></styleSheet>'
  );
}

/** Content types of the parts a workbook may have, by where they are. */
const CONTENT_TYPES: [RegExp, string][] = [
  [/workbook\.xml$/, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml'],
  [/worksheets\/[^/]+\.xml$/, 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml'],
  [/chartsheets\/[^/]+\.xml$/, 'application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml'],
  [/sharedStrings\.xml$/, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml'],
  [/styles\.xml$/, 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml'],
];

/** `[Content_Types].xml` for the given part names. */
export function contentTypesXml(names: readonly string[]): string {
  const overrides = names.flatMap((name) => {
    const type = CONTENT_TYPES.find(([pattern]) => pattern.test(name))?.[1];
    return type ? [`<Override PartName="/${name}" ContentType="${type}"/>`] : [];
  });
  return (
    `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `${overrides.join('')}</Types>`
  );
}

/** The parts of a minimal workbook of one worksheet, `Sheet1`, with no cells. */
function defaultParts(parts: Record<string, string | null>): Record<string, string> {
  const has = (name: string) => typeof parts[name] === 'string';
  const workbookRels =
    `${XML_DECL}<Relationships xmlns="${PKG_REL_NS}">` +
    `<Relationship Id="rId1" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet1.xml"/>` +
    (has('xl/sharedStrings.xml') ? `<Relationship Id="rId2" Type="${REL_TYPE}/sharedStrings" Target="sharedStrings.xml"/>` : '') +
    (has('xl/styles.xml') ? `<Relationship Id="rId3" Type="${REL_TYPE}/styles" Target="styles.xml"/>` : '') +
    '</Relationships>';
  return {
    '[Content_Types].xml': '', // made from the parts there are, unless given
    '_rels/.rels': `${XML_DECL}<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_TYPE}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `${XML_DECL}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': workbookRels,
    'xl/worksheets/sheet1.xml': sheetXml(''),
  };
}

/**
 * Writes a minimal valid xlsx package to `file`: [Content_Types].xml, _rels/.rels,
 * xl/workbook.xml and its rels, xl/worksheets/sheet1.xml, and xl/sharedStrings.xml and
 * xl/styles.xml when given. Any part can be overridden by name, added, or left out (null).
 * Parts are written in `order` (names not listed follow in the default order).
 */
export async function makeXlsx(file: string, parts: Record<string, string | null>, order: readonly string[] = []): Promise<string> {
  const all: Record<string, string | null> = { ...defaultParts(parts), ...parts };
  const names = Object.keys(all).filter((name) => all[name] !== null);
  if (parts['[Content_Types].xml'] === undefined) all['[Content_Types].xml'] = contentTypesXml(names);
  const ordered = [...order.filter((name) => names.includes(name)), ...names.filter((name) => !order.includes(name))];
  await writeFile(file, zipArchive(ordered.map((name) => ({ name, data: all[name] as string }))));
  return file;
}
