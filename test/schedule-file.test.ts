// The schedule file's new settings: retry and timeout durations, notify, healthcheck and watched
// imports, each checked with every problem at once, and the samples that show them.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { CdbError } from '../src/errors.js';
import { loadSchedule } from '../src/schedule/load-schedule.js';
import { parseDuration } from '../src/schedule/duration.js';
import { cli } from './helpers/cli.js';
import { SAMPLES, TEMPLATES, tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

async function problems(file: string): Promise<string> {
  const error = await loadSchedule(file).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CdbError);
  return (error as CdbError).message;
}

const MAPPING = path.join(TEMPLATES, 'jobs.mapping.yaml');

describe('the schedule file', () => {
  test('durations: 30s, 5m, 1h30m, 500ms, 0; a bare number or a word is refused with what to write', () => {
    expect(['30s', '5m', '1h30m', '500ms', 0, '0', '1.5m'].map(parseDuration)).toEqual([30_000, 300_000, 5_400_000, 500, 0, 0, 90_000]);
    expect(parseDuration(30)).toBe('30 needs a unit: 30s, 30m or 30h (or 0 for none)');
    expect(parseDuration('30')).toMatch(/needs a unit/);
    expect(parseDuration('soon')).toBe('"soon" is not a duration; write it like 30s, 5m, 1h or 1h30m');
  });

  test('defaults: retry 30m, settle 5s, notify and healthcheck from the file unless the entry has its own', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'schedules.yaml');
    await writeFile(file, [
      'notify:',
      '  - webhook: https://hooks.example/a',
      '  - email: { to: [it@firma.se, "Kontoret <kontoret@firma.se>"], from: batch@firma.se, smtp: "smtp://batch@mail.firma.se:587" }',
      '    on: [failure, success]',
      'healthcheck: https://hc-ping.com/abc',
      'exports:',
      '  - name: nightly',
      '    cron: "0 2 * * *"',
      '    output: out.csv',
      'imports:',
      '  - name: erp',
      '    watch: inbox',
      '    pattern: "*.csv"',
      `    mapping: ${MAPPING}`,
      '    archive: done',
      '    failed: failed',
      '    retry: 0',
      '    notify: []',
      '    healthcheck: https://hc-ping.com/def',
      '',
    ].join('\n'));
    const schedule = await loadSchedule(file);
    expect(schedule.exports[0]).toMatchObject({ retryMs: 30 * 60_000, healthcheck: 'https://hc-ping.com/abc' });
    expect(schedule.exports[0]?.notify).toEqual([
      { kind: 'webhook', url: 'https://hooks.example/a', on: ['failure'] },
      { kind: 'email', to: ['it@firma.se', 'Kontoret <kontoret@firma.se>'], from: 'batch@firma.se', smtp: 'smtp://mail.firma.se:587', user: 'batch', on: ['failure', 'success'] },
    ]);
    expect(schedule.imports[0]).toMatchObject({ retryMs: 0, settleMs: 5000, notify: [], healthcheck: 'https://hc-ping.com/def', watch: path.join(dir, 'inbox'), archive: path.join(dir, 'done') });
  });

  test('every problem of the new settings at once, with its path and line', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'schedules.yaml');
    await writeFile(file, [
      'timeout: 0.5s',
      'notify:',
      '  - webhook: ftp://hooks.example/a',
      '  - email: { to: nobody, from: batch@firma.se, smtp: "smtp://u:secret@mail.firma.se" }',
      '  - webhook: https://a.example',
      '    email: { to: a@b.se, from: c@d.se, smtp: "smtp://mail" }',
      '  - on: [success]',
      'healthcheck: not a url',
      'exports:',
      '  - name: erp',
      '    cron: "0 2 * * *"',
      '    output: out.csv',
      '    retry: 30',
      'imports:',
      '  - name: erp',
      '    watch: inbox',
      '    pattern: "in/*.csv"',
      `    mapping: ${MAPPING}`,
      '    archive: inbox',
      '    failed: failed',
      '    settle: soon',
      '    cron: "61 * * * *"',
      '  - name: other',
      '    watch: ./inbox',
      '    pattern: "*.csv"',
      `    mapping: ${MAPPING}`,
      '    archive: done',
      '    failed: failed',
      '    colour: red',
      '',
    ].join('\n'));
    const message = await problems(file);
    for (const problem of [
      /timeout \(line 1\): give at least 1s/,
      /notify\[0\]\.webhook \(line 3\): expected an https:\/\/ \(or http:\/\/\) URL, got ftp:\/\//,
      /notify\[1\]\.email\.to \(line 4\): "nobody" is not a mail address/,
      /notify\[2\] \(line 5\): give webhook: or email:, not both/,
      /notify\[3\] \(line 7\): give webhook: <url> or email:/,
      /healthcheck \(line 8\): "not a url" is not a URL/,
      /exports\[0\]\.retry \(line 13\): 30 needs a unit/,
      /imports\[0\]\.name \(line 15\): "erp" is used twice/,
      /imports\[0\]\.pattern \(line 17\): "in\/\*\.csv" holds a folder/,
      /imports\[0\]\.archive \(line 19\): is the watched folder itself/,
      /imports\[0\]\.settle \(line 21\): "soon" is not a duration/,
      /imports\[0\]\.cron \(line 22\): "61 \* \* \* \*" is not a cron expression/,
      /imports\[1\]\.watch \(line 24\): \.\/inbox is watched by "erp" already/,
      /imports\[1\]\.colour \(line 29\): is not a known setting/,
    ]) expect(message).toMatch(problem);
    expect(message).not.toContain('secret');
    expect(message).toMatch(/notify\[1\]\.email\.smtp .*holds a password/);
  });

  test('a file with neither exports nor imports says what it needs', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'schedules.yaml');
    await writeFile(file, 'timezone: Europe/Stockholm\n');
    expect(await problems(file)).toMatch(/give exports:, imports: or both/);
  });

  test('samples/unattended.yaml: checked, its times listed, and its watched folder run against the sandbox with its notifications', async () => {
    const next = await cli(['schedule', path.join(SAMPLES, 'unattended.yaml'), '--next', '2', '--json'], {});
    expect(next.code).toBe(0);
    expect((JSON.parse(next.stdout) as { entries: { name: string }[] }).entries.map((e) => e.name)).toEqual(['nightly-jobs', 'erp']);

    // The sample as it is, its URLs pointed at a local receiver and its folders in a temporary one.
    const s = await sandbox();
    const bodies: { path: string; body: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        bodies.push({ path: req.url ?? '', body });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const local = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    try {
      const root = await tempDir();
      await mkdir(path.join(root, 'samples'));
      await mkdir(path.join(root, 'erp', 'outbox'), { recursive: true });
      const text = (await readFile(path.join(SAMPLES, 'unattended.yaml'), 'utf8')).replace(/https:\/\/[^\s"]+/g, (url) => `${local}${new URL(url).pathname}`).replace('settle: 10s', 'settle: 0s'); // a file copied in now has not settled
      const file = path.join(root, 'samples', 'unattended.yaml');
      await writeFile(file, text);
      await copyFile(path.join(SAMPLES, 'erp.mapping.yaml'), path.join(root, 'samples', 'erp.mapping.yaml'));
      await copyFile(path.join(SAMPLES, 'erp-export.csv'), path.join(root, 'erp', 'outbox', 'erp-export.csv'));
      const run = await cli(['schedule', file, '--once', 'erp'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(root, 'state'), COREDINATION_SMTP_PASSWORD: 'not-used' });
      expect(run.code).toBe(0);
      expect(run.lines[0]).toMatchObject({ name: 'erp', outcome: 'ok', file: path.join(root, 'erp', 'imported', 'erp-export.csv'), counts: { rows: 12, created: 12 } });
      expect(s.jobs()).toHaveLength(12);
      // A success pings the import's own health check; the webhook and the mail hear of failures only.
      expect(bodies.map((b) => b.path)).toEqual(['/erp-import-check']);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
