// Mapping, schedule and config files (issue 17, items 6, 7, 8): a size limit checked before they
// are parsed, settings checked against the tool's own list (never the prototype chain), and YAML's
// warnings told in this tool's words, by line, never quoting a line that may hold the API key.
import { chmod, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { readConfig } from '../src/cli/config-file.js';
import { renderError } from '../src/cli/render-error.js';
import { CdbError } from '../src/errors.js';
import { loadMapping } from '../src/mapping/load-mapping.js';
import { loadSchedule } from '../src/schedule/load-schedule.js';
import { SETTINGS_FILE_LIMIT } from '../src/util/yaml-data.js';
import { cliProcess } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});

async function failure(run: () => unknown): Promise<CdbError> {
  let error: unknown;
  try {
    await run();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(CdbError);
  return error as CdbError;
}

/** A file of `bytes` bytes of valid YAML comments, written in chunks. */
async function bigYaml(name: string, bytes: number): Promise<string> {
  const file = path.join(dir, name);
  const handle = await open(file, 'w');
  const line = `# ${'x'.repeat(1021)}\n`;
  for (let written = 0; written < bytes; written += line.length) await handle.write(line);
  await handle.close();
  return file;
}

/** Collects what the config reader writes to stderr. */
function capture() {
  const lines: string[] = [];
  return { lines, io: { stdin: new PassThrough(), stdout: new PassThrough(), stderr: { write: (text: string) => lines.push(text) } as unknown as NodeJS.WritableStream, env: {} } };
}

describe('a size limit, checked before parsing', () => {
  test('the limit is 1 MB', () => {
    expect(SETTINGS_FILE_LIMIT).toBe(1048576);
  });

  test('a 20 MB mapping, schedule or config file is refused at once, exit 2', async () => {
    const file = await bigYaml('huge.yaml', 20 * 1048576);
    const before = process.memoryUsage().rss;
    const mapping = await failure(() => loadMapping(file));
    expect(mapping.message).toBe("The mapping file is larger than 1 MB, this tool's limit for one, so it is not read.");
    expect(mapping.context).toEqual({ file });
    expect(renderError(mapping).exitCode).toBe(2);
    expect((await failure(() => loadSchedule(file))).message).toMatch(/^The schedule file is larger than 1 MB/);
    const config = await failure(() => readConfig(file, capture().io));
    expect(config.message).toMatch(/^The config file is larger than 1 MB/);
    expect(renderError(config).exitCode).toBe(2);
    // Nothing of it was read into memory (a parse took 1.8 GB).
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1048576);
  });

  test('a mapping just under the limit is read', async () => {
    const file = await bigYaml('under.yaml', SETTINGS_FILE_LIMIT - 4096);
    const handle = await open(file, 'a');
    await handle.write('columns:\n  - column: Title\n    field: title\n');
    await handle.close();
    const { mapping } = await loadMapping(file);
    expect(mapping.columns.map((c) => c.field)).toEqual(['title']);
  });
});

describe("settings are the tool's own, never the prototype chain's", () => {
  test('constructor:, toString: and hasOwnProperty: in a config file are unknown settings', async () => {
    const file = path.join(dir, 'proto.config.yaml');
    await writeFile(file, 'constructor: 1\ntoString: x\nhasOwnProperty: y\n');
    const error = await failure(() => readConfig(file, capture().io));
    expect(error.message).toBe(
      'The config file has problems:\n' +
        '  constructor: not a known setting (baseUrl, apiKey, insecure, concurrency, rate, smtpPassword)\n' +
        '  toString: not a known setting (baseUrl, apiKey, insecure, concurrency, rate, smtpPassword)\n' +
        '  hasOwnProperty: not a known setting (baseUrl, apiKey, insecure, concurrency, rate, smtpPassword)',
    );
    expect(error.message).not.toMatch(/native code/);
  });

  test('a mapping field named toString or valueOf is not a job field', async () => {
    const file = path.join(dir, 'proto.mapping.yaml');
    await writeFile(file, 'columns:\n  - column: Title\n    field: title\n  - column: X\n    field: toString\n  - column: Y\n    field: valueOf\n    value: 1\n');
    const error = await failure(() => loadMapping(file));
    expect(error.message).toMatch(/columns\[1\]\.field \(line 5\): "toString" is not a job field this tool knows/);
    expect(error.message).toMatch(/columns\[2\]\.field \(line 7\): "valueOf" is not a job field this tool knows/);
  });
});

describe("YAML's warnings are this tool's messages", () => {
  test('an unknown tag on the apiKey line is warned about by line, without the key', async () => {
    const file = path.join(dir, 'tag.config.yaml');
    await writeFile(file, `baseUrl: http://127.0.0.1:9/api/1\napiKey: !secret ${KEY}\n`);
    await chmod(file, 0o600);
    const { lines, io } = capture();
    expect(readConfig(file, io)).toMatchObject({ apiKey: KEY });
    expect(lines).toEqual([`Warning: ${file}, line 2: a YAML tag (a word starting with "!") that this tool does not know: the value after it is read as plain text; remove the tag\n`]);
  });

  test('config errors name the line and never quote it', async () => {
    const file = path.join(dir, 'twice.config.yaml');
    await writeFile(file, `apiKey: ${KEY}\napiKey: ${KEY}-2\nbaseUrl: "https://x\n`);
    const error = await failure(() => readConfig(file, capture().io));
    expect(error.message).toMatch(/^The config file is not valid YAML:\n {2}line 2: a setting is given twice/);
    expect(error.message).not.toContain(KEY);
  });

  test('through the CLI: the warning is ours, nothing else is on stderr, and the key works', async () => {
    const s = await sandbox();
    const file = path.join(dir, 'cli.config.yaml');
    await writeFile(file, `baseUrl: ${s.url}\napiKey: !secret ${KEY}\n`);
    await chmod(file, 0o600);
    // A process of its own: a warning YAML gave of its own (process.emitWarning) would be on the
    // process's stderr, which only a child's shows.
    const run = await cliProcess(['version', '--config', file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`Warning: ${file}, line 2: a YAML tag (a word starting with "!") that this tool does not know: the value after it is read as plain text; remove the tag\n`);
    expect(run.stdout + run.stderr).not.toContain(KEY);
  });

  test('a mapping warns by line; a schedule refuses the tag, as it runs unattended', async () => {
    const mappingFile = path.join(dir, 'tag.mapping.yaml');
    await writeFile(mappingFile, 'columns:\n  - column: !weird Title\n    field: title\n');
    const { warnings } = await loadMapping(mappingFile);
    expect(warnings).toEqual([{ path: '(yaml)', line: 2, message: expect.stringMatching(/^a YAML tag/) }]);
    const scheduleFile = path.join(dir, 'tag.schedule.yaml');
    await writeFile(scheduleFile, 'exports:\n  - name: !weird nightly\n    cron: "0 2 * * *"\n    output: out.xlsx\n');
    expect((await failure(() => loadSchedule(scheduleFile))).message).toMatch(/\(yaml\) \(line 2\): a YAML tag/);
  });
});
