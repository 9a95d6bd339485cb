import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from '@jest/globals';
import { cli, type CliRun } from './helpers/cli.js';
import { KEY, sandbox } from './helpers/sandbox.js';
import { TOOL_VERSION } from '../src/tool-version.js';
import { tempDir } from './helpers/files.js';
import { jobsCsv } from './helpers/jobs-file.js';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A port on loopback that something else is listening on. */
async function takenPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

/** A sandbox that starts instead of refusing its flags must not hang the run: stopped after 10 s. */
const runSandboxCli = (args: string[]): Promise<CliRun> => cli(args, {}, { stopAfterMs: 10_000 });

function expectUsageError(run: { code: number | null; stderr: string }, message: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/Unexpected error|This is a bug/);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('usage errors are usage errors, through the CLI', () => {
  test('sandbox on a port that is taken: says so and suggests --port 0', async () => {
    const port = await takenPort();
    const run = await runSandboxCli(['sandbox', '--port', String(port)]);
    expectUsageError(run, new RegExp(`Port ${port} .*already in use`));
    expect(run.stderr).toContain('--port 0');
  }, 15_000);

  test.each([
    [['sandbox', '--fail-rate', '2'], /--fail-rate takes a share from 0 to 1, got 2/],
    [['sandbox', '--drop-after-commit', '-0.5'], /--drop-after-commit takes a share from 0 to 1/],
    [['sandbox', '--port', 'abc'], /--port takes a port number from 0 to 65535.*got 'abc'/],
    [['sandbox', '--port', '70000'], /--port takes a port number/],
    [['sandbox', '--latency', '-5'], /--latency takes a number of 0 or more/],
  ])('%j: exit 2 with one message', async (args, message) => {
    expectUsageError(await runSandboxCli(args), message);
  }, 15_000);

  test.each([
    [['import', 'x.csv', '--rate', 'abc'], /--rate takes requests per second \(0 for no cap\), got something that is not a number\./],
    [['export', 'out.csv', '--concurrency', 'many'], /--concurrency takes a whole number above 0, got something that is not a number\./],
  ])('%j: a number flag given a word is said so, not shown as null', async (args, message) => {
    expectUsageError(await cli(args), message);
  });

  test.each([
    [['import', 'x.csv', '--dry-rn'], /^Error: Unknown option for import: --dry-rn \(did you mean --dry-run\?\)\.\nRun "coredination-batch import --help" for its options\.$/],
    [['export', 'out.csv', '--detials', '--consurrency', '2'], /Unknown options for export: --detials \(did you mean --details\?\), --consurrency \(did you mean --concurrency\?\)\./],
    [['import', 'Nya', 'jobb.xlsx'], /import was given more than it takes: "jobb.xlsx" left over\. A file name with spaces needs quotes around it\./],
    [['import'], /^Error: import needs the file to import, and was given none\.\nRun "coredination-batch import --help"/],
    [['mapping'], /mapping needs a subcommand: init or check\./],
    [['undo'], /undo needs a results file or a run id, and was given none\./],
    [['import', 'x.csv', '--only', 'delete'], /--only takes "create" or "update"; "delete" is not\./],
    [['imprt', 'x.csv'], /^Error: No command "imprt": did you mean import\?\nRun "coredination-batch --help" for the commands/],
  ])('%j: yargs\'s usage error in the tool\'s words, pointing to the help of the command given', async (args, message) => {
    const run = await cli(args);
    expectUsageError(run, /^Error: /);
    expect(run.stderr.trim()).toMatch(message);
  });

  test.each([
    [['import', 'x.csv', '--limit']],
    [['import', 'x.csv', '--max-errors', '--skip-invalid']],
    [['import', 'x.csv', '--only']],
    [['export', 'out.csv', '--since']],
    [['mapping', 'init', 'x.csv', '--sheet']],
  ])('%j: an option given without its value is a usage error naming it, not an option left out', async (args) => {
    const flag = args.find((arg) => ['--limit', '--max-errors', '--only', '--since', '--sheet'].includes(arg)) as string;
    expectUsageError(await cli(args), new RegExp(`^Error: ${flag} needs a value after it\\.\\n`));
  });

  test.each([
    [['import', 'x.csv', '--limit', 'x'], /--limit takes a whole number above 0, got something that is not a number\./],
    [['import', 'x.csv', '--max-errors', '-1'], /--max-errors takes a whole number of 0 or more, got -1\./],
    [['schedule', 'samples/schedules.yaml', '--next', '0'], /--next takes a whole number above 0, got 0\./],
  ])('%j: a count that is not one is said so', async (args, message) => {
    expectUsageError(await cli(args), message);
  });

  test('a switch given a value (--dry-run=maybe) is a usage error, and nothing is sent', async () => {
    const s = await sandbox();
    const file = await jobsCsv(await tempDir(), 3);
    const env = { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: await tempDir() };
    expectUsageError(await cli(['import', file, '--dry-run=maybe'], env), /--dry-run is a switch: give it alone \(or --no-dry-run\), not with "=maybe"\./);
    expect(s.requests).toHaveLength(0);
    expect(s.jobs()).toHaveLength(0);
  });

  test.each([
    [['export', 'out.xlsx', '--format', 'xlsx', '--format', 'csv'], /--format was given 2 times \(xlsx, csv\): give it once\./],
    [['import', 'x.csv', '--key', 'Reference no', '--key', 'Title', '--dry-run'], /--key was given 2 times \(Reference no, Title\): give it once\./],
    [['import', 'x.csv', '-abc'], /Unknown options for import: -a, -b, -c\./],
    [['import', 'x.csv', '--dryRun=maybe'], /--dry-run is a switch: give it alone \(or --no-dry-run\), not with "=maybe"\./],
    [['import', 'x.csv', '-q', '-v'], /--quiet and --verbose cannot be given together: choose one\./],
  ])('%j: an option of one value given twice, or letters run together, are said so', async (args, message) => {
    expectUsageError(await cli(args), message);
  });

  test.each([['--version'], ['-V']])('%s prints the version, exit 0', async (flag) => {
    const run = await cli([flag]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(TOOL_VERSION);
    expect(run.stderr).toBe('');
  });

  test('a key copied with its line break is a usage error (exit 2) that never shows the key; nothing is sent', async () => {
    const s = await sandbox();
    const before = s.requests.length;
    const run = await cli(['version', '--base-url', s.url], { COREDINATION_API_KEY: `${KEY}\n` });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/The API key holds a space, a line break or another invisible character/);
    expect(run.stderr).not.toContain(KEY);
    expect(s.requests.length).toBe(before);
  });

  test('a base URL without /api/1: the 404 from /version says where the API is', async () => {
    const s = await sandbox();
    const run = await cli(['version', '--base-url', s.url.replace(/\/api\/1$/, ''), '--api-key', KEY]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/GET \/version answered 404/);
    expect(run.stderr).toMatch(/base URL.*\/api\/1/);
  });
});

describe('template', () => {
  test('refuses to overwrite an existing file without --force; overwrites with it', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'filled.xlsx');
    await writeFile(out, 'a filled-in workbook');
    const refused = await cli(['template', out]);
    expectUsageError(refused, /filled\.xlsx exists already/);
    expect(refused.stderr).toContain('--force');
    expect(await readFile(out, 'utf8')).toBe('a filled-in workbook');
    const forced = await cli(['template', out, '--force']);
    expect(forced.code).toBe(0);
    expect((await readFile(out)).subarray(0, 2).toString()).toBe('PK');
  });
});

describe('export --state', () => {
  test('an unknown state is a usage error that lists the states; nothing is written', async () => {
    const s = await sandbox({ generate: 5 });
    const dir = await tempDir();
    const out = path.join(dir, 'jobs.csv');
    const run = await cli(['export', out, '--state', 'SCHEDULED,BOGUS', '--base-url', s.url, '--api-key', KEY]);
    expectUsageError(run, /--state "BOGUS": not a job state\. The states are DRAFT, SCHEDULED, FINISHED\./);
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });

  test('known states, in any case, still export', async () => {
    const s = await sandbox({ generate: 5 });
    const dir = await tempDir();
    const run = await cli(['export', path.join(dir, 'jobs.csv'), '--state', 'scheduled,FINISHED,DRAFT', '--base-url', s.url, '--api-key', KEY]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Exported 5 jobs/);
  });
});

describe('field names in a mapping', () => {
  test('typos are refused with "did you mean"; a passthrough field is sent as written', async () => {
    const dir = await tempDir();
    const csv = path.join(dir, 'jobs.csv');
    await writeFile(csv, 'Title,Customer,Minutes,Vehicle\nFix pump,Acme AB,90,Van 3\n');
    const typos = path.join(dir, 'typos.mapping.yaml');
    await writeFile(typos, 'columns:\n  - { column: Title, field: title }\n  - { column: Customer, field: custmerName }\n  - { column: Minutes, field: duraton }\n');
    const check = await cli(['mapping', 'check', typos, csv]);
    expect(check.code).toBe(2);
    expect(check.stderr).toMatch(/columns\[1\]\.field \(line 3\): "custmerName" is not a job field this tool knows: did you mean customerName\?/);
    expect(check.stderr).toMatch(/columns\[2\]\.field \(line 4\): "duraton" is not a job field this tool knows: did you mean duration\?/);
    const dryRun = await cli(['import', csv, '--dry-run', '--mapping', typos]);
    expect(dryRun.code).toBe(2);
    expect(dryRun.stderr).toMatch(/did you mean customerName\?/);

    const fixed = path.join(dir, 'fixed.mapping.yaml');
    await writeFile(fixed, 'columns:\n  - { column: Title, field: title }\n  - { column: Customer, field: customerName }\n  - { column: Minutes, field: duration }\n  - { column: Vehicle, field: vehicle, passthrough: true }\n');
    expect((await cli(['mapping', 'check', fixed, csv])).code).toBe(0);
    const payloads = path.join(dir, 'payloads.jsonl');
    const sent = await cli(['import', csv, '--dry-run', '--mapping', fixed, '--payloads', payloads]);
    expect(sent.code).toBe(0);
    expect(JSON.parse((await readFile(payloads, 'utf8')).trim())).toMatchObject({ job: { customerName: 'Acme AB', duration: 90, vehicle: 'Van 3' } });
  });
});

describe('--help shows the connection options only where the API is called', () => {
  const apiOptions = /--base-url|--insecure|--api-key {2}/;
  test.each([['import'], ['export'], ['schedule'], ['version'], ['undo']])('%s --help has --base-url, --api-key and --insecure', async (command) => {
    const run = await cli([command, '--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--base-url', '--api-key', '--insecure']) expect(run.stdout).toContain(flag);
  });

  test.each([[[]], [['mapping', 'init']], [['mapping', 'check']], [['template']], [['demo']]])('%j --help has none of them', async (command) => {
    const run = await cli([...command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(apiOptions);
  });

  test('sandbox --help has its own --api-key (the keys it accepts), no --base-url or --insecure', async () => {
    const run = await cli(['sandbox', '--help']);
    expect(run.stdout).toMatch(/--api-key +Key\(s\) to accept/);
    expect(run.stdout).not.toMatch(/--base-url|--insecure/);
  });

  test('a connection option on a command that does not call the API is a usage error', async () => {
    const out = path.join(await tempDir(), 'blank.xlsx');
    expectUsageError(await cli(['template', out, '--base-url', 'http://127.0.0.1:1/api/1']), /Unknown option for template: --base-url\./);
  });
});
