/**
 * The error for a file whose content is not what its name (or the format asked for) says: what
 * the file really is, and the one thing to do about it.
 */
import path from 'node:path';
import { CdbError } from '../errors.js';
import type { FileKind } from './identify-file.js';

type Format = 'csv' | 'xlsx' | 'ods';

/** Kinds each reader takes: anything else is named instead of failing to parse. */
const READABLE: Record<Format, ReadonlySet<FileKind>> = {
  // Bytes no rule knows, and a damaged zip, go to the xlsx reader, which says why it cannot read them.
  xlsx: new Set<FileKind>(['xlsx', 'zip-damaged', 'text']),
  ods: new Set<FileKind>(['ods', 'zip-damaged', 'text']),
  csv: new Set<FileKind>(['text', 'empty']),
};

const WORKBOOK_EXTENSIONS = new Set(['.xlsx', '.xlsm', '.xltx', '.xltm', '.xls', '.ods', '.ots']);

const SAVE_AS_XLSX = 'Open it in LibreOffice or Excel and save it as Excel Workbook (.xlsx).';

interface Description {
  what: string;
  hint: string;
  /** Extensions that say truthfully what the file is. */
  extensions: string[];
  /** `what` already says that the file cannot be read. */
  complete?: boolean;
}

function describe(kind: FileKind, claimsWorkbook: boolean, forced: boolean, format: Format | undefined): Description | undefined {
  switch (kind) {
    case 'xlsx':
      return { what: 'an Excel workbook (.xlsx)', hint: forced ? 'Read it as xlsx.' : 'Rename it to .xlsx.', extensions: ['.xlsx', '.xlsm', '.xltx', '.xltm', '.ods', '.ots'] };
    case 'xlsb':
      return { what: 'an Excel Binary Workbook (.xlsb)', hint: 'Open it in Excel and save it as Excel Workbook (.xlsx).', extensions: ['.xlsb'] };
    case 'ods':
      return { what: 'an OpenDocument spreadsheet (.ods)', hint: forced ? 'Read it as ods.' : 'Rename it to .ods.', extensions: ['.ods', '.ots', '.fods', '.xlsx', '.xlsm', '.xltx', '.xltm'] };
    case 'cfb':
      return { what: 'an Excel 97–2003 workbook (.xls)', hint: SAVE_AS_XLSX, extensions: ['.xls', '.xlt'] };
    case 'encrypted':
      return {
        what: 'a password-protected workbook, which cannot be read while it has a password',
        hint: 'Remove the password (File › Info › Protect Workbook) and save it again.',
        extensions: [...WORKBOOK_EXTENSIONS],
        complete: true,
      };
    case 'numbers':
      return { what: 'an Apple Numbers document', hint: 'In Numbers choose File › Export To › Excel…', extensions: ['.numbers'] };
    case 'pdf':
      return { what: 'a PDF document, not a spreadsheet', hint: 'Export the data from the program that made the PDF as .xlsx or .csv.', extensions: ['.pdf'] };
    case 'html':
      return {
        what: `a web page (HTML)${claimsWorkbook ? ', not a real Excel workbook' : ''}`,
        hint: 'Open it in Excel and save it as Excel Workbook (.xlsx).',
        extensions: ['.html', '.htm'],
      };
    case 'spreadsheetml2003':
      return {
        what: `an XML Spreadsheet 2003 file${claimsWorkbook ? ', not a real Excel workbook' : ''}`,
        hint: 'Open it in Excel and save it as Excel Workbook (.xlsx).',
        extensions: ['.xml'],
      };
    case 'zip':
      return {
        what: claimsWorkbook ? `a zip archive, not ${format === 'ods' ? 'an OpenDocument spreadsheet' : 'an xlsx workbook'}` : 'a zip archive',
        hint: 'Unzip it and import the spreadsheet inside.',
        // Its name claiming a workbook is already said.
        extensions: claimsWorkbook ? [...WORKBOOK_EXTENSIONS, '.zip'] : ['.zip'],
        complete: claimsWorkbook,
      };
    case 'zip-damaged':
      return {
        what: 'an incomplete zip archive (perhaps a damaged Excel workbook)',
        hint: 'Copy or download it again; if it is an Excel workbook, name it .xlsx (an OpenDocument spreadsheet .ods).',
        extensions: ['.zip', ...WORKBOOK_EXTENSIONS],
      };
    default:
      return undefined;
  }
}

/**
 * The error to throw when a file of this kind cannot be read as `format` (the extension's, or
 * `forced`), or when no reader takes it at all (`format` undefined); undefined when it can be read.
 */
export function wrongKind(file: string, kind: FileKind, format: Format | undefined, forced = false): CdbError | undefined {
  if (format && READABLE[format].has(kind)) return undefined;
  if (kind === 'empty' && (format === 'xlsx' || format === 'ods')) {
    return new CdbError('INPUT', `The file is empty (0 bytes), not ${format === 'ods' ? 'an OpenDocument spreadsheet' : 'an xlsx workbook'}.`, { context: { file }, hint: 'Check that you exported the right file.' });
  }
  const ext = path.extname(file).toLowerCase();
  const claimsWorkbook = format === 'xlsx' || format === 'ods' || WORKBOOK_EXTENSIONS.has(ext);
  const description = describe(kind, claimsWorkbook, forced, format);
  if (!description) return undefined;
  let although = '';
  if (forced) although = `, although it was to be read as ${format}`;
  else if (ext && !description.extensions.includes(ext)) although = `, although its name ends in ${path.extname(file)}`;
  const readable = although === '' && !description.complete ? '; only .xlsx and .ods workbooks and .csv, .tsv or .txt files can be read' : '';
  return new CdbError('INPUT', `This file is ${description.what}${although}${readable}.`, {
    context: { file },
    hint: description.hint,
  });
}
