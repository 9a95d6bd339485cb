import { describe, expect, test } from '@jest/globals';
import { cli, cliProcess } from './helpers/cli.js';
import { KEY, sandbox } from './helpers/sandbox.js';

describe('version via the CLI', () => {
  test('exit 0 and the server version with a good key from the environment', async () => {
    const s = await sandbox();
    const run = await cli(['version'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('version 2180');
    expect(run.stdout + run.stderr).not.toContain(KEY);
  });

  test('--json prints one JSON document without the key', async () => {
    const s = await sandbox();
    const run = await cli(['version', '--json', '--base-url', s.url, '--api-key', KEY]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, server: { version: '2180' } });
    expect(run.stdout).not.toContain(KEY);
  });

  test('a wrong key: exit 1, says the key was refused, no stack, no key', async () => {
    const s = await sandbox();
    const run = await cli(['version', '--base-url', s.url, '--api-key', 'wrong-key-xyz']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused the API key/);
    expect(run.stderr).not.toContain('wrong-key-xyz');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('an unreachable server: exit 1, says so', async () => {
    const s = await sandbox();
    const url = s.url;
    await s.close();
    const run = await cli(['version', '--base-url', url, '--api-key', KEY]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Could not reach the API at ${url} (connection refused)`);
  });

  test.each([
    [['version', '--no-such-flag'], /Unknown option for version: --no-such-flag\./],
    [['frobnicate'], /No command "frobnicate"\./],
    [[], /Name a command/],
    [['version', '--base-url', 'http://jobs.example.com/api/1', '--api-key', KEY], /plain http/],
  ])('invalid usage %j: exit 2 with one clear message', async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('a missing key: exit 2, says where to put it', async () => {
    const run = await cli(['version']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/COREDINATION_API_KEY/);
  });

  test('--help works for every command', async () => {
    for (const args of [['--help'], ['version', '--help'], ['sandbox', '--help']]) {
      const run = await cli(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Options:');
    }
  });
});

describe('the bin', () => {
  // A process of its own: the bin's start-up, and a stderr on which nothing but the CLI (no
  // warning of node's or of a library's) may write.
  test.each([['--help'], ['--version']])('%s through the built bin: exit 0, nothing on stderr', async (flag) => {
    const run = await cliProcess([flag]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(flag === '--help' ? /Options:/ : /^\d+\.\d+\.\d+\n$/);
    expect(run.stderr).toBe('');
  });
});
