import { execFile } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from '@jest/globals';
import { PACKAGE_ROOT } from '../src/tool-version.js';
import { tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

// An installed package's dependencies are the user's: patch-package patched only this checkout's
// node_modules. So what package.json's bin and exports name must run on the code the build
// bundled (as patched here), needing nothing from a node_modules. These run what `files` ships,
// copied into a folder with no node_modules above it, each in a process of its own (module
// resolution is the point).
const run = promisify(execFile);
const manifest = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; exports: { '.': { default: string } }; files: string[] };

async function installed(): Promise<string> {
  const dir = path.join(await tempDir(), 'coredination-batch');
  cpSync(path.join(PACKAGE_ROOT, 'package.json'), path.join(dir, 'package.json'));
  for (const entry of manifest.files.filter((name) => !name.startsWith('!'))) cpSync(path.join(PACKAGE_ROOT, entry), path.join(dir, entry), { recursive: true });
  return dir;
}

describe('the package as installed, without a node_modules', () => {
  test('its bin checks a mapping and exports to xlsx, with nothing on stderr', async () => {
    const dir = await installed();
    const bin = path.join(dir, manifest.bin['coredination-batch'] ?? '');
    const checked = await run(process.execPath, [bin, 'mapping', 'check', path.join(dir, 'templates', 'jobs.mapping.yaml')], { cwd: dir });
    expect(checked.stdout).toMatch(/: valid, /);
    expect(checked.stderr).toBe('');

    const server = await sandbox({ generate: 30 });
    const out = path.join(dir, 'out.xlsx');
    const exported = await run(process.execPath, [bin, 'export', out, '--quiet'], { cwd: dir, env: { PATH: process.env.PATH, COREDINATION_BASE_URL: server.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') } });
    // exceljs's zip writer calls new Buffer(), which node warns about outside node_modules.
    expect(exported.stderr).toBe('');
    expect((await readFile(out)).subarray(0, 2).toString()).toBe('PK');
  });

  test('its library lists the jobs of an account', async () => {
    const dir = await installed();
    const server = await sandbox({ generate: 12 });
    const entry = path.join(dir, manifest.exports['.'].default);
    const script = `const { createClient } = await import(${JSON.stringify(entry)}); let n = 0; for await (const _ of createClient({ baseUrl: ${JSON.stringify(server.url)}, apiKey: ${JSON.stringify(KEY)} }).listJobs()) n++; console.log(n);`;
    const listed = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: dir });
    expect(listed.stdout.trim()).toBe('12');
    expect(listed.stderr).toBe('');
  });

  test('with --verbose, the stack of an unexpected error names the source files, not the chunks', async () => {
    const dir = await installed();
    // A package that lost its schema validators: an error no input can cause, so a bug.
    rmSync(path.join(dir, 'dist', 'src', 'schemas'), { recursive: true });
    const failed = await run(process.execPath, [path.join(dir, manifest.bin['coredination-batch'] ?? ''), 'mapping', 'check', path.join(dir, 'templates', 'jobs.mapping.yaml'), '--verbose'], { cwd: dir }).catch((error: { stderr: string }) => error);
    expect(failed.stderr).toContain('This is a bug');
    expect(failed.stderr).toMatch(/at schemaValidator \(.*src\/util\/schema-validator\.ts:\d+:\d+\)/);
    expect(failed.stderr).not.toMatch(/chunks\/chunk-/);
  });

  test('each bundle holds the licences of the packages bundled into it', () => {
    for (const dir of ['cli', 'lib']) {
      const text = readFileSync(path.join(PACKAGE_ROOT, 'dist', dir, 'THIRD-PARTY-LICENSES.txt'), 'utf8');
      for (const name of ['got@', 'csv-parse@', 'luxon@']) expect(text).toContain(`\n${name}`);
      expect(text).toContain('Permission is hereby granted');
    }
    expect(readFileSync(path.join(PACKAGE_ROOT, 'dist', 'cli', 'THIRD-PARTY-LICENSES.txt'), 'utf8')).toMatch(/\nexceljs@4\.4\.0 \(MIT\)/);
  });
});
