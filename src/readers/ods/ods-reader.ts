import { CdbError } from '../../errors.js';
import type { SheetRow } from '../cell.js';
import { headedSheet } from '../headed-sheet.js';
import { localGeneral } from '../shown-locale.js';
import type { OpenSheet, ReadOptions } from '../types.js';
import { unreadable } from '../unreadable.js';
import { XLSX_LIMITS } from '../xlsx-reader.js';
import { XlsxError } from '../xlsx/xlsx-error.js';
import { XmlScanner } from '../xlsx/xml-scanner.js';
import { OdsContentHandler, type OdsTable, type TableChoice } from './content-rows.js';
import { openOdsPackage, type OdsPackage } from './ods-package.js';
import { OdsStyles } from './ods-styles.js';

/** The limits the ods reader adds to the xlsx reader's (README, "Limits"). */
export const ODS_LIMITS = {
  /** Cells that repeated rows and columns (`number-rows-repeated`) may stand for in all. */
  cells: 256 * 1048576,
};

const RESAVE = 'Open it in LibreOffice and save it again as an OpenDocument spreadsheet (.ods) or Excel workbook (.xlsx).';

function problem(file: string, error: unknown, sheet?: string): CdbError {
  if (error instanceof CdbError) return error;
  const context = { file, sheet };
  if (error instanceof XlsxError) {
    return error.kind === 'limit'
      ? new CdbError('INPUT', `The spreadsheet is too large to read safely: ${error.message}.`, { context, hint: 'Split the file, or save it as .csv and import that.' })
      : new CdbError('INPUT', `The spreadsheet could not be read: ${error.message}.`, { context, hint: RESAVE });
  }
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return unreadable(file, error);
  const message = (error as Error)?.message ?? String(error);
  return new CdbError('INPUT', 'The file is not a readable OpenDocument spreadsheet (it is not a complete zip archive, or it is damaged).', {
    context,
    cause: error,
    hint: `${RESAVE} (${message})`,
  });
}

/** What `--sheet` asks for, as the content handler chooses tables. */
function choiceOf(wanted: string | number | undefined): TableChoice {
  if (wanted === undefined) return { firstVisible: true };
  if (typeof wanted === 'number') return { index: wanted };
  return { name: wanted };
}

function names(tables: readonly OdsTable[]): string {
  return tables.map((t) => `"${t.name}"`).join(', ');
}

const HINT = 'Set sheet in the mapping (or --sheet) to one of those names, or a 1-based number.';

/**
 * Opens a sheet (table) of an OpenDocument spreadsheet (.ods, or a flat .fods) by the same rules
 * as an xlsx workbook: styles.xml and content.xml's automatic styles first, then the chosen
 * table's rows streamed out of content.xml, so memory stays flat however long it is.
 */
export async function openOds(file: string, options: ReadOptions): Promise<OpenSheet> {
  const styles = new OdsStyles();
  let pkg: OdsPackage;
  try {
    pkg = await openOdsPackage(file, new OdsContentHandler(styles, null, context(options)));
  } catch (error) {
    throw problem(file, error);
  }

  let choice = choiceOf(options.sheet);
  let handler = new OdsContentHandler(styles, choice, context(options));
  // The sheet is known once its table begins; the names of the tables grow as they are passed.
  const detected = { format: 'ods' as const, sheet: undefined as string | undefined, sheets: handler.names };

  /** Streams content.xml through a handler, its rows expanded; stops once the chosen table is read. */
  async function* scan(through: OdsContentHandler): AsyncGenerator<SheetRow> {
    const scanner = new XmlScanner(through, pkg.part, XLSX_LIMITS.cell + 1024);
    let beforeBody = 0;
    for await (const chunk of pkg.content()) {
      scanner.write(chunk);
      if (!through.inBody && (beforeBody += chunk.length) > XLSX_LIMITS.styles) {
        throw new XlsxError(`${pkg.part} holds more than ${XLSX_LIMITS.styles / 1048576} MB of styles before its tables`, 'limit');
      }
      if (through.chosen) detected.sheet = through.chosen.name;
      if (through.rows.length) {
        const ready = through.rows;
        through.rows = [];
        for (const { row, cells, repeat } of ready) {
          for (let i = 0; i < repeat; i++) yield { row: row + i, cells: i === 0 ? cells : cells.slice() };
        }
      }
      if (through.done) break;
    }
    if (!through.done) scanner.end();
    if (through.chosen && !through.done) throw new XlsxError(`${pkg.part} ends before the table is complete (the file was cut short)`);
  }

  function rechoose(next: TableChoice): void {
    choice = next;
    handler = new OdsContentHandler(styles, choice, context(options));
    detected.sheets = handler.names;
  }

  async function* sheetRows(): AsyncGenerator<SheetRow> {
    try {
      if (choice && 'index' in choice) {
        // A table named "2" is asked for by its name, wherever it is: the names are looked at first.
        const lister = new OdsContentHandler(styles, null, context(options));
        for await (const row of scan(lister)) void row;
        const all = lister.tables;
        const wanted = String(choice.index);
        if (all.some((t) => t.name.trim() === wanted)) rechoose({ name: wanted });
        else if (choice.index > all.length) {
          throw new CdbError('INPUT', all.length ? `The spreadsheet has no sheet number ${choice.index}; it has ${names(all)}.` : 'The spreadsheet has no sheets (tables).', { context: { file }, hint: HINT });
        }
      }
      yield* scan(handler);
      if (!handler.chosen && choice && 'firstVisible' in choice && handler.tables.length) {
        // Every table is hidden: the first one is read, as for an xlsx workbook.
        rechoose({ index: 1 });
        yield* scan(handler);
      }
      if (!handler.chosen) {
        const all = handler.tables;
        if (!all.length) throw new CdbError('INPUT', 'The spreadsheet has no sheets (tables).', { context: { file } });
        throw new CdbError('INPUT', `The spreadsheet has no sheet "${options.sheet}"; it has ${names(all)}.`, { context: { file }, hint: HINT });
      }
    } finally {
      pkg.close();
    }
  }

  const source = sheetRows();
  return headedSheet(
    file,
    {
      async next() {
        try {
          const result = await source.next();
          return result.done ? undefined : result.value;
        } catch (error) {
          throw problem(file, error, detected.sheet);
        }
      },
      // Asked once the header is read: by then the rows come from the last handler.
      limitColumns(count) {
        handler.columnLimit = count;
      },
      beyond: () => handler.beyond,
      async close() {
        await source.return(undefined);
      },
    },
    options.headerRow ?? 1,
    detected,
  );
}

function context(options: ReadOptions) {
  return { maxCell: XLSX_LIMITS.cell, maxCells: ODS_LIMITS.cells, general: localGeneral(options.locale), locale: options.locale };
}

