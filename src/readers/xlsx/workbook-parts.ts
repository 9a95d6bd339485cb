import path from 'node:path/posix';
import { XlsxError } from './xlsx-error.js';
import { parseAttributes, XmlScanner } from './xml-scanner.js';
import type { ZipPackage } from './zip-package.js';

/** What a sheet tab holds: only a worksheet has cells to import. */
export type SheetType = 'worksheet' | 'chartsheet' | 'dialogsheet' | 'macrosheet' | 'unknown';

/** A sheet tab of the workbook, in tab order. */
export interface SheetEntry {
  name: string;
  type: SheetType;
  state: 'visible' | 'hidden' | 'veryHidden';
  /** Its part in the zip, resolved through the workbook's relationships. */
  part?: string;
}

/** The workbook's package as a reader needs it. */
export interface WorkbookParts {
  sheets: SheetEntry[];
  date1904: boolean;
  sharedStrings?: string;
  styles?: string;
}

/** Size limit of the small parts (relationships, workbook, content types). */
export const SMALL_PART_LIMIT = 32 * 1048576;

interface Relationship {
  id: string;
  type: string;
  target: string;
}

interface Element {
  name: string;
  attributes: Record<string, string>;
}

/**
 * Elements with their attributes, of a small part read whole, each where it belongs: `wanted`
 * maps an element name to the path of its parents (`workbook/sheets` for `sheet`). An element of
 * the same name elsewhere, such as the `x14:workbookPr` Mac Excel writes inside the workbook's
 * `extLst`, is not the one meant.
 */
function elements(xml: string, part: string, wanted: Record<string, string>): Element[] {
  const found: Element[] = [];
  const path: string[] = [];
  const scanner = new XmlScanner(
    {
      open(name, attributes) {
        const where = wanted[name];
        if (where !== undefined && Object.hasOwn(wanted, name) && path.join('/') === where) found.push({ name, attributes: parseAttributes(attributes) });
        path.push(name);
      },
      close() {
        path.pop();
      },
      text() {},
    },
    part,
    Number.MAX_SAFE_INTEGER,
  );
  scanner.write(xml);
  scanner.end();
  return found;
}

function relationships(xml: string | undefined, part: string, from: string): Relationship[] {
  if (xml === undefined) return [];
  return elements(xml, part, { Relationship: 'Relationships' })
    .filter((r) => r.attributes.TargetMode !== 'External' && r.attributes.Target !== undefined)
    .map((r) => ({ id: r.attributes.Id ?? '', type: r.attributes.Type ?? '', target: resolveTarget(from, r.attributes.Target as string) }));
}

/** A relationship's target as a part name: absolute (`/xl/…`) or relative to the source part's folder. */
function resolveTarget(from: string, target: string): string {
  const clean = target.replace(/\\/g, '/');
  if (clean.startsWith('/')) return clean.slice(1);
  return path.normalize(path.join(path.dirname(from), clean)).replace(/^(\.\.\/)+/, '');
}

/** The relationships part of a part: `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`. */
function relsPartOf(part: string): string {
  return path.join(path.dirname(part), '_rels', `${path.basename(part)}.rels`);
}

/** The last word of a relationship type (Transitional and Strict differ only before it). */
function typeOf(relationship: Relationship): string {
  return relationship.type.slice(relationship.type.lastIndexOf('/') + 1).toLowerCase();
}

const SHEET_TYPES: Record<string, SheetType> = {
  worksheet: 'worksheet',
  chartsheet: 'chartsheet',
  dialogsheet: 'dialogsheet',
  xlmacrosheet: 'macrosheet',
  macrosheet: 'macrosheet',
  xlintlmacrosheet: 'macrosheet',
};

/**
 * Finds the workbook part through the package's relationships (`_rels/.rels`), then its sheets
 * through `workbook.xml` and the workbook's relationships: never by part-name patterns, since
 * Numbers names its part `sheet.xml` and other writers name theirs as they like.
 */
export async function readWorkbookParts(zip: ZipPackage): Promise<WorkbookParts> {
  const rootRels = relationships(await zip.text('_rels/.rels', SMALL_PART_LIMIT), '_rels/.rels', '');
  const office = rootRels.find((r) => typeOf(r) === 'officedocument');
  const workbookPart = office?.target ?? 'xl/workbook.xml';
  const workbook = await zip.text(workbookPart, SMALL_PART_LIMIT);
  if (workbook === undefined) throw new XlsxError('the zip archive holds no workbook (no xl/workbook.xml)');
  const relsPart = relsPartOf(workbookPart);
  const rels = relationships(await zip.text(relsPart, SMALL_PART_LIMIT), relsPart, workbookPart);
  const byId = new Map(rels.map((r) => [r.id, r]));

  const sheets: SheetEntry[] = [];
  let date1904 = false;
  for (const element of elements(workbook, workbookPart, { sheet: 'workbook/sheets', workbookPr: 'workbook' })) {
    const a = element.attributes;
    if (element.name === 'workbookPr') {
      date1904 = a.date1904 === '1' || a.date1904 === 'true';
      continue;
    }
    const relationshipId = a['r:id'] ?? Object.entries(a).find(([k]) => k.endsWith(':id'))?.[1] ?? a.id;
    const relationship = relationshipId === undefined ? undefined : byId.get(relationshipId);
    const state = a.state === 'hidden' || a.state === 'veryHidden' ? a.state : 'visible';
    const type = relationship ? (SHEET_TYPES[typeOf(relationship)] ?? 'unknown') : 'unknown';
    const part = relationship && zip.has(relationship.target) ? relationship.target : undefined;
    sheets.push({ name: a.name ?? `Sheet${sheets.length + 1}`, type, state, part });
  }
  const find = (type: string, fallback: string) => {
    const target = rels.find((r) => typeOf(r) === type)?.target;
    if (target && zip.has(target)) return target;
    const conventional = path.join(path.dirname(workbookPart), fallback);
    return zip.has(conventional) ? conventional : undefined;
  };
  return { sheets, date1904, sharedStrings: find('sharedstrings', 'sharedStrings.xml'), styles: find('styles', 'styles.xml') };
}
