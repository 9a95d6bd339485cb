import unzipper from 'unzipper';

/** A sheet of a workbook, in tab order, with the zip entry that holds it. */
export interface WorkbookSheet {
  name: string;
  /** The N of xl/worksheets/sheetN.xml. */
  fileNumber: number;
}

/** What the workbook part says: the sheets in tab order and the date system. */
export interface WorkbookInfo {
  sheets: WorkbookSheet[];
  date1904: boolean;
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of tag.matchAll(/([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out[match[1] as string] = decodeXml(match[2] ?? match[3] ?? '');
  return out;
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return named[entity.toLowerCase()] ?? _;
  });
}

/**
 * Reads xl/workbook.xml and its relationships from the zip's central directory. exceljs's
 * streaming reader names sheets only when those parts come before the sheets in the zip and
 * use relative targets, which openpyxl's files, for one, do not.
 */
export async function readWorkbookInfo(file: string): Promise<WorkbookInfo> {
  const directory = await unzipper.Open.file(file);
  const part = async (name: string) => {
    const entry = directory.files.find((f) => f.path === name || f.path === `/${name}`);
    return entry ? (await entry.buffer()).toString('utf8') : undefined;
  };
  const workbook = await part('xl/workbook.xml');
  if (workbook === undefined) throw new Error('zip archive without xl/workbook.xml');
  const rels = (await part('xl/_rels/workbook.xml.rels')) ?? '';
  const targets = new Map<string, string>();
  for (const match of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const a = attributes(match[0]);
    if (a.Id && a.Target) targets.set(a.Id, a.Target);
  }
  const sheets: WorkbookSheet[] = [];
  for (const match of workbook.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const a = attributes(match[0]);
    const rid = a['r:id'] ?? Object.entries(a).find(([k]) => k.endsWith(':id'))?.[1];
    const target = rid ? targets.get(rid) : undefined;
    const number = target ? /sheet(\d+)\.xml$/.exec(target)?.[1] : undefined;
    if (a.name !== undefined && number !== undefined) sheets.push({ name: a.name, fileNumber: Number(number) });
  }
  const pr = /<(?:\w+:)?workbookPr\b[^>]*>/.exec(workbook);
  const date1904 = pr ? ['1', 'true'].includes(attributes(pr[0]).date1904 ?? '') : false;
  return { sheets, date1904 };
}
