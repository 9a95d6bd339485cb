import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { expect, test } from '@jest/globals';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';

const down = { COREDINATION_BASE_URL: 'http://127.0.0.1:9/api/1', COREDINATION_API_KEY: 'k' };

test.each([
  ['import of a missing file', ['import', '/no/such/file.csv', '--dry-run'], 'INPUT', 2],
  ['version against a server that is down', ['version'], 'UNREACHABLE', 1],
  ['export against a server that is down', ['export', 'OUT'], 'UNREACHABLE', 1],
  ['undo of a run with no record', ['undo', '2026-01-01T00-00-00Z-abcd', '--yes'], 'INPUT', 2],
  ['a bad flag', ['import', 'x.csv', '--concurrency', '0'], 'USAGE', 2],
  ['export --details --concurrency 0', ['export', 'OUT', '--details', '--concurrency', '0'], 'USAGE', 2],
  ['export --rate -5', ['export', 'OUT', '--rate', '-5'], 'USAGE', 2],
])('--json prints one JSON document when a run fails: %s', async (_what, args, code, exit) => {
  const dir = await tempDir();
  const argv = args.map((a) => (a === 'OUT' ? path.join(dir, 'jobs.csv') : a));
  const run = await cli([...argv, '--json'], { ...down, COREDINATION_STATE_DIR: dir });
  expect(run.code).toBe(exit);
  const lines = run.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0] as string)).toMatchObject({ status: 'failed', error: { code, message: expect.any(String) } });
  expect(run.stdout).not.toContain('"k"');
});

test('--json=true is --json: a failure still prints its one JSON document', async () => {
  const run = await cli(['import', '/no/such/file.csv', '--dry-run', '--json=true']);
  expect(run.code).toBe(2);
  expect(JSON.parse(run.stdout)).toMatchObject({ status: 'failed', error: { code: 'INPUT' } });
});

test('--json of a mapping that does not load: one JSON document naming the problem', async () => {
  const dir = await tempDir();
  const mapping = path.join(dir, 'bad.mapping.yaml');
  await writeFile(mapping, 'columns:\n  - column: A\n    field: titel\n');
  const run = await cli(['mapping', 'check', mapping, '--json']);
  expect(run.code).toBe(2);
  expect(JSON.parse(run.stdout)).toMatchObject({ status: 'failed', error: { code: 'MAPPING' } });
});
