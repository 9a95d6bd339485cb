import { writeFile } from 'node:fs/promises';
import { zipArchive, type ZipEntry } from './zip-writer.js';

export const ODS_MIMETYPE = 'application/vnd.oasis.opendocument.spreadsheet';

/** The namespaces LibreOffice declares on content.xml's root, the ones the reader needs. */
export const ODS_NAMESPACES =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" ' +
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ' +
  'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" ' +
  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" ' +
  'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"';

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** content.xml around the given automatic styles and tables (each `<table:table>` whole). */
export function contentXml(tables: string, automaticStyles = '', namespaces = ODS_NAMESPACES): string {
  return (
    `${XML_DECL}<office:document-content ${namespaces} office:version="1.3">` +
    `<office:automatic-styles>${automaticStyles}</office:automatic-styles>` +
    `<office:body><office:spreadsheet>${tables}</office:spreadsheet></office:body></office:document-content>`
  );
}

/** styles.xml around the given common styles (named cell styles and data styles). */
export function stylesPartXml(styles: string): string {
  return `${XML_DECL}<office:document-styles ${ODS_NAMESPACES} office:version="1.3"><office:styles>${styles}</office:styles></office:document-styles>`;
}

/** A table of the given rows (each `<table:table-row>` whole). */
export function tableXml(name: string, rows: string, attributes = ''): string {
  return `<table:table table:name="${name}"${attributes}><table:table-column table:number-columns-repeated="16384"/>${rows}</table:table>`;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A row of cells (each whole), optionally repeated. */
export const row = (cells: string, repeat?: number) => `<table:table-row${repeat ? ` table:number-rows-repeated="${repeat}"` : ''}>${cells}</table:table-row>`;
/** A string cell showing `text`. */
export const str = (text: string, extra = '') => `<table:table-cell office:value-type="string" calcext:value-type="string"${extra}><text:p>${escape(text)}</text:p></table:table-cell>`;
/** A float cell: its value and what it shows. */
export const float = (value: number, shown = String(value), extra = '') =>
  `<table:table-cell office:value-type="float" office:value="${value}" calcext:value-type="float"${extra}><text:p>${escape(shown)}</text:p></table:table-cell>`;
/** Empty cells, `n` of them. */
export const empty = (n = 1) => (n === 1 ? '<table:table-cell/>' : `<table:table-cell table:number-columns-repeated="${n}"/>`);

/**
 * Writes an .ods package to `file`: the mimetype first and stored (as OpenDocument requires),
 * the manifest, content.xml and, when given, styles.xml. Other entries can be added or replace
 * these by name.
 */
export async function makeOds(file: string, content: string, options: { styles?: string; extra?: ZipEntry[]; mimetype?: string } = {}): Promise<string> {
  const entries: ZipEntry[] = [
    { name: 'mimetype', data: options.mimetype ?? ODS_MIMETYPE, store: true },
    {
      name: 'META-INF/manifest.xml',
      data: `${XML_DECL}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="${ODS_MIMETYPE}"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`,
    },
    { name: 'content.xml', data: content },
  ];
  if (options.styles !== undefined) entries.push({ name: 'styles.xml', data: options.styles });
  for (const extra of options.extra ?? []) {
    const at = entries.findIndex((e) => e.name === extra.name);
    if (at === -1) entries.push(extra);
    else entries[at] = extra;
  }
  await writeFile(file, zipArchive(entries));
  return file;
}
