// The XML scanner's DOCTYPE check reads declarations as XML defines them (issue 17, item 7): quoted
// text hides nothing, and any entity declaration is refused.
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { CdbError } from '../src/errors.js';
import { XmlScanner } from '../src/readers/xlsx/xml-scanner.js';
import { readAll, tempDir } from './helpers/files.js';
import { makeXlsx, sheetXml } from './helpers/zip-writer.js';

/** The text and element names a document gives, fed in chunks of `size` characters. */
function scan(xml: string, size = xml.length): string[] {
  const seen: string[] = [];
  const scanner = new XmlScanner({ open: (name) => seen.push(`<${name}>`), close: () => {}, text: (text) => seen.push(text) }, 'test.xml', 1048576);
  for (let i = 0; i < xml.length; i += size) scanner.write(xml.slice(i, i + size));
  scanner.end();
  return seen;
}

const refused = /declares XML entities of its own/;

describe('DOCTYPE declarations', () => {
  test.each([
    ['an entity after an ATTLIST whose default holds "]>"', '<!DOCTYPE r [<!ATTLIST r a CDATA "]>"><!ENTITY e "x">]>'],
    ['an entity after an ATTLIST whose default holds \']\' in single quotes', "<!DOCTYPE r [<!ATTLIST r a CDATA ']'><!ENTITY e 'x'>]>"],
    ['a parameter entity', '<!DOCTYPE r [<!ENTITY % p "x">]>'],
    ['an entity after a comment holding "]>"', '<!DOCTYPE r [<!-- ]> --><!ENTITY e "x">]>'],
    ['an entity after a processing instruction holding "]>"', '<!DOCTYPE r [<?pi ]> ?><!ENTITY e "x">]>'],
    ['an external entity', '<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'],
    ['an entity after a system id holding "[" and ">"', '<!DOCTYPE r SYSTEM "a[>b" [<!ENTITY e "x">]>'],
  ])('%s is refused, read whole or a character at a time', (_what, doctype) => {
    const xml = `<?xml version="1.0"?>${doctype}<r>&e;</r>`;
    expect(() => scan(xml)).toThrow(refused);
    expect(() => scan(xml, 1)).toThrow(refused);
  });

  test('declarations without entities are passed over, quoted brackets and all', () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE r PUBLIC "-//x//[y]>" "r.dtd" [<!ELEMENT r (#PCDATA)><!ATTLIST r a CDATA "]>"><!-- <!ENTITY not one> -->]><r>text</r>';
    expect(scan(xml)).toEqual(['<r>', 'text']);
    expect(scan(xml, 3)).toEqual(['<r>', 'text']);
    expect(scan('<!DOCTYPE r><r>plain</r>')).toEqual(['<r>', 'plain']);
  });

  test('a DOCTYPE longer than 64 KB is refused', () => {
    expect(() => scan(`<!DOCTYPE r [<!ATTLIST r a CDATA "${'x'.repeat(70_000)}">]><r/>`, 4096)).toThrow(/DOCTYPE longer than 64 KB/);
  });

  test('in a workbook, the ATTLIST trick is refused with the file named, exit 2', async () => {
    const sheet = sheetXml('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol;</t></is></c></row>').replace('<worksheet', '<!DOCTYPE worksheet [<!ATTLIST worksheet x CDATA "]>"><!ENTITY lol "lol">]><worksheet');
    const file = await makeXlsx(path.join(await tempDir(), 'attlist.xlsx'), { 'xl/worksheets/sheet1.xml': sheet });
    const error = await readAll(file).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CdbError);
    expect((error as CdbError).message).toMatch(/xl\/worksheets\/sheet1.xml declares XML entities of its own/);
    expect((error as CdbError).context).toMatchObject({ file });
  });
});
