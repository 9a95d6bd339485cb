import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { CdbError } from '../errors.js';

/** What a settings file is, for messages. */
export type SettingsKind = 'mapping' | 'schedule' | 'config';

/**
 * The largest mapping, schedule or config file read: such files are a few KB, and a 20 MB one
 * took 1.8 GB to parse. Checked before parsing (README, "Limits").
 */
export const SETTINGS_FILE_LIMIT = 1024 * 1024;

function tooLarge(kind: SettingsKind, file: string): CdbError {
  return new CdbError(kind === 'config' ? 'USAGE' : 'MAPPING', `The ${kind} file is larger than ${SETTINGS_FILE_LIMIT / 1048576} MB, this tool's limit for one, so it is not read.`, {
    context: { file },
    hint: `A ${kind} file is a few KB of settings: check that the path names the ${kind} file and not a spreadsheet, a log or an export.`,
  });
}

/**
 * A mapping, schedule or config file as UTF-8 text, refused past the limit before it is parsed
 * (a file that grows while it is read is refused too). Rejects with the file system's error when
 * the file cannot be read.
 */
export async function readSettingsFile(file: string, kind: SettingsKind): Promise<string> {
  const handle = await open(file, 'r');
  try {
    if ((await handle.stat()).size > SETTINGS_FILE_LIMIT) throw tooLarge(kind, file);
    const buffer = Buffer.alloc(SETTINGS_FILE_LIMIT + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > SETTINGS_FILE_LIMIT) throw tooLarge(kind, file);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}

/** {@link readSettingsFile}, for the CLI's config file, read before anything else runs. */
export function readSettingsFileSync(file: string, kind: SettingsKind): string {
  const fd = openSync(file, 'r');
  try {
    if (fstatSync(fd).size > SETTINGS_FILE_LIMIT) throw tooLarge(kind, file);
    const buffer = Buffer.alloc(SETTINGS_FILE_LIMIT + 1);
    let length = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > SETTINGS_FILE_LIMIT) throw tooLarge(kind, file);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** A settings file parsed, with the line of every offset; nothing printed by the yaml library itself. */
export function parseSettings(text: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  // prettyErrors would quote the offending line (an apiKey's value with it); logLevel silent keeps
  // the library from writing its own warnings to stderr. This tool renders both (yamlProblems).
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, logLevel: 'silent' });
  return { doc, lines };
}

/** What a YAML error or warning means, in this tool's words, where its code says it alone. */
const WORDS: Record<string, string> = {
  DUPLICATE_KEY: 'a setting is given twice',
  TAG_RESOLVE_FAILED: 'a YAML tag (a word starting with "!") that this tool does not know: the value after it is read as plain text; remove the tag',
  TAB_AS_INDENT: 'a tab is used for indentation, which YAML does not allow: indent with spaces',
  BAD_DQ_ESCAPE: 'a backslash in double quotes starts no escape YAML knows: write \\\\ for a backslash, or use single quotes',
  MULTIPLE_DOCS: 'the file holds more than one YAML document (a "---" line in the middle)',
  BAD_ALIAS: 'an alias (*name) refers to no anchor (&name) set before it',
  MULTIPLE_ANCHORS: 'a value has two anchors (&name)',
  MULTIPLE_TAGS: 'a value has two tags (!name)',
  KEY_OVER_1024_CHARS: 'a setting name is longer than 1,024 characters',
};

/**
 * Words for the codes that stand for several things (MISSING_CHAR is a quote, a bracket or a
 * list's "-"), from the library's own fixed message: for a file whose lines are never quoted.
 */
function unquotedWords(problem: YAMLError): string {
  const text = problem.message;
  if (/quote/i.test(text)) return 'a quote is opened and never closed';
  if (/flow (collection|sequence|map)|[\]}]/i.test(text)) return 'a bracket ([ or {) is opened and never closed';
  if (/- indicator/.test(text)) return 'a list item without its "- " in front, or a line indented wrongly';
  if (/indent/i.test(text)) return 'the indentation is wrong: line up settings of the same level with spaces';
  if (/implicit key|single line/i.test(text)) return 'a setting runs over more than one line: write "name: value" on one line, or quote the value';
  return 'not valid YAML here: write each setting as "name: value" on a line of its own';
}

/** One problem of a YAML file: its line, and what it is. */
export interface YamlProblem {
  line?: number;
  message: string;
}

/**
 * The errors and the warnings of a parsed settings file, each with its line, in this tool's words
 * where the code says enough, else the library's one line (never the source: prettyErrors is off).
 * A file that may hold the API key (`quote: false`, the config file) never has the library's text,
 * which can name a tag or an alias written on the line.
 */
export function yamlProblems(doc: Document, lines: LineCounter, quote: boolean): { errors: YamlProblem[]; warnings: YamlProblem[] } {
  const render = (problem: YAMLError): YamlProblem => ({
    line: lines.linePos(problem.pos[0]).line,
    message: WORDS[problem.code] ?? (quote ? (problem.message.split('\n')[0] ?? 'not valid YAML').replace(/ at line \d+, column \d+:?$/, '') : unquotedWords(problem)),
  });
  return { errors: doc.errors.map(render), warnings: doc.warnings.map(render) };
}

/**
 * A parsed YAML document as plain data. The yaml package refuses aliases that expand too far (a
 * "billion laughs" file, whose few lines would become gigabytes): that is a problem of the file,
 * reported as such, not a crash.
 */
export function yamlData(doc: Document, what: SettingsKind, file: string): unknown {
  try {
    return doc.toJS();
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new CdbError(what === 'config' ? 'USAGE' : 'MAPPING', `The ${what} file uses YAML aliases (*name) that expand too far: it would grow without bound, so it is not read.`, {
        context: { file },
        hint: `Write the ${what} out without nested aliases (each alias may be used a few times), then run it again.`,
      });
    }
    throw error;
  }
}
