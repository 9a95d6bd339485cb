import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { CdbError } from '../../errors.js';
import { XLSX_LIMITS } from '../xlsx-reader.js';
import { SMALL_PART_LIMIT } from '../xlsx/workbook-parts.js';
import { XlsxError } from '../xlsx/xlsx-error.js';
import { XmlScanner, type XmlHandler } from '../xlsx/xml-scanner.js';
import { ZipPackage } from '../xlsx/zip-package.js';

/** Where an OpenDocument spreadsheet keeps its content: content.xml of a zip, or a flat .fods file. */
export interface OdsPackage {
  /** The part the tables are in, for messages. */
  readonly part: string;
  /** That part as text, in chunks, each time it is asked for. */
  content(): AsyncIterable<string>;
  close(): void;
}

/**
 * Opens the package of an .ods (a zip: its manifest checked for encryption, styles.xml handed to
 * `styles` at once) or of a flat .fods (one XML document, its styles inside it).
 */
export async function openOdsPackage(file: string, styles: XmlHandler): Promise<OdsPackage> {
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
  } finally {
    await handle.close();
  }
  if (head.toString('latin1') !== 'PK') return flatPackage(file);
  const zip = await ZipPackage.open(file);
  try {
    const manifest = await zip.text('META-INF/manifest.xml', SMALL_PART_LIMIT);
    if (manifest !== undefined && /encryption-data/.test(manifest)) {
      throw new CdbError('INPUT', 'The spreadsheet is password-protected (its content is encrypted).', {
        context: { file },
        hint: 'Open it in LibreOffice, remove the password (File › Properties › Security, or save it again without "Save with password"), and save it again.',
      });
    }
    if (!zip.has('content.xml')) throw new XlsxError('the zip archive holds no content.xml, where an OpenDocument spreadsheet keeps its tables');
    const stylesXml = await zip.text('styles.xml', XLSX_LIMITS.styles);
    if (stylesXml !== undefined) {
      const scanner = new XmlScanner(styles, 'styles.xml', XLSX_LIMITS.cell + 1024);
      scanner.write(stylesXml);
      scanner.end();
    }
  } catch (error) {
    zip.close();
    throw error;
  }
  return { part: 'content.xml', content: () => zip.stream('content.xml', XLSX_LIMITS.sheet), close: () => zip.close() };
}

/** A flat OpenDocument file, read as UTF-8 text in chunks, at most the sheet limit. */
function flatPackage(file: string): OdsPackage {
  const streams = new Set<ReturnType<typeof createReadStream>>();
  return {
    part: 'the document',
    async *content() {
      const stream = createReadStream(file);
      streams.add(stream);
      const decoder = new StringDecoder('utf8');
      let bytes = 0;
      let first = true;
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          if (bytes > XLSX_LIMITS.sheet) throw new XlsxError(`the document is larger than ${XLSX_LIMITS.sheet / 1048576} MB, this reader's limit`, 'limit');
          let text = decoder.write(chunk);
          if (first && text.length) {
            first = false;
            if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          }
          if (text) yield text;
        }
        const rest = decoder.end();
        if (rest) yield rest;
      } finally {
        stream.destroy();
        streams.delete(stream);
      }
    },
    close() {
      for (const stream of streams) stream.destroy();
    },
  };
}
