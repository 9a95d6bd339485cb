// Notifications of scheduled runs: a local webhook receiver, a local SMTP server and a health
// check, each a real server on loopback; the API key and the SMTP password never in them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { SMTPServer } from 'smtp-server';
import { API_KEY_HEADER } from '../src/api/assumptions.js';
import { Notifier, type NotifyLogLine } from '../src/notify/notifier.js';
import type { RunEvent } from '../src/notify/run-event.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { KEY, sandbox } from './helpers/sandbox.js';

interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A webhook receiver (and health check) on loopback: answers each request with the next status given, then 200. */
async function receiver(statuses: number[] = []): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** An SMTP server on loopback that takes a login (user and password noted) and keeps each mail. */
async function smtpServer(): Promise<{ port: number; mails: Mail[]; logins: { user: string; pass: string }[] }> {
  const mails: Mail[] = [];
  const logins: { user: string; pass: string }[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push({ user: auth.username ?? '', pass: auth.password ?? '' });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString()));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, mails, logins };
}

const SMTP_PASSWORD = 'smtp-secret-42x';

describe('schedule notifications', () => {
  test('a webhook, a mail and a health check hear of a success and of a failure; no key, no password in them', async () => {
    const s = await sandbox({ generate: 3 });
    const hooks = await receiver();
    const smtp = await smtpServer();
    const dir = await tempDir();
    const file = path.join(dir, 'schedules.yaml');
    await writeFile(
      file,
      [
        'timezone: Europe/Stockholm',
        'notify:',
        `  - webhook: ${hooks.url}/services/T000/B000/hook-secret`,
        '    on: [failure, success]',
        `  - email: { to: kontoret@firma.se, from: batch@firma.se, smtp: "smtp://batch@127.0.0.1:${smtp.port}" }`,
        '    on: [failure, success]',
        `healthcheck: ${hooks.url}/ping/3f2a-check`,
        'exports:',
        '  - name: nightly',
        '    cron: "0 2 * * *"',
        '    output: nightly-{date}.csv',
        '',
      ].join('\n'),
    );
    const env = { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state'), COREDINATION_SMTP_PASSWORD: SMTP_PASSWORD };
    const ok = await cli(['schedule', file, '--once', 'nightly'], env);
    expect(ok.code).toBe(0);
    // --once waits for its notifications before it exits.
    const hook = hooks.received.find((r) => r.path.startsWith('/services/'));
    expect(hook?.method).toBe('POST');
    expect(hook?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(hook?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({ entry: 'nightly', kind: 'export', outcome: 'ok', counts: { rows: 3 }, error: null, tries: 1, schedule: file });
    expect(body.text).toMatch(/^coredination-batch on .+: export nightly: wrote 3 jobs to .*nightly-\d{4}-\d\d-\d\d\.csv\.$/);
    expect(body.file).toMatch(/nightly-\d{4}-\d\d-\d\d\.csv$/);
    expect(body.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0[12]:00$/);
    expect(hooks.received.find((r) => r.path === '/ping/3f2a-check')?.method).toBe('POST');
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({ from: 'batch@firma.se', to: ['kontoret@firma.se'] });
    expect(smtp.mails[0]?.raw).toMatch(/^Subject: \[coredination-batch\] export nightly done$/m);
    expect(smtp.logins).toEqual([{ user: 'batch', pass: SMTP_PASSWORD }]);

    const refused = await cli(['schedule', file, '--once', 'nightly'], { ...env, COREDINATION_API_KEY: 'wrong-key-9' });
    expect(refused.code).toBe(1);
    const failed = JSON.parse(hooks.received.filter((r) => r.path.startsWith('/services/'))[1]?.body ?? '{}') as Record<string, unknown>;
    expect(failed).toMatchObject({ entry: 'nightly', outcome: 'failed', tries: 1, file: null });
    expect(failed.text).toMatch(/export nightly FAILED: The API at http:\/\/127\.0\.0\.1:\d+\/api\/1 refused the API key/);
    expect(hooks.received.some((r) => r.path === '/ping/3f2a-check/fail')).toBe(true);
    expect(smtp.mails[1]?.raw).toMatch(/^Subject: \[coredination-batch\] export nightly FAILED$/m);

    for (const request of hooks.received) {
      expect(request.headers[API_KEY_HEADER.toLowerCase()]).toBeUndefined();
      for (const secret of [KEY, 'wrong-key-9', SMTP_PASSWORD]) expect(JSON.stringify(request)).not.toContain(secret);
    }
    for (const mail of smtp.mails) for (const secret of [KEY, 'wrong-key-9', SMTP_PASSWORD]) expect(mail.raw).not.toContain(secret);
    for (const secret of [KEY, 'wrong-key-9', SMTP_PASSWORD]) expect(ok.stdout + ok.stderr + refused.stdout + refused.stderr).not.toContain(secret);
  });

  test('on: [failure] by default; an entry\'s notify replaces the file\'s, [] tells no one', async () => {
    const s = await sandbox({ generate: 2 });
    const hooks = await receiver();
    const dir = await tempDir();
    const file = path.join(dir, 'schedules.yaml');
    await writeFile(
      file,
      [
        'notify:',
        `  - webhook: ${hooks.url}/file-hook`,
        'exports:',
        '  - name: quiet',
        '    cron: "0 2 * * *"',
        '    output: quiet.csv',
        '    notify: []',
        '  - name: own',
        '    cron: "0 2 * * *"',
        '    output: own.csv',
        '    notify:',
        `      - webhook: ${hooks.url}/own-hook`,
        '        on: [success]',
        '  - name: plain',
        '    cron: "0 2 * * *"',
        '    output: plain.csv',
        '',
      ].join('\n'),
    );
    const env = { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') };
    for (const name of ['quiet', 'own', 'plain']) expect((await cli(['schedule', file, '--once', name], env)).code).toBe(0);
    expect(hooks.received.map((r) => r.path)).toEqual(['/own-hook']);
    for (const name of ['quiet', 'own', 'plain']) expect((await cli(['schedule', file, '--once', name], { ...env, COREDINATION_API_KEY: 'nope' })).code).toBe(1);
    expect(hooks.received.map((r) => r.path)).toEqual(['/own-hook', '/file-hook']);
  });

  test('a webhook that fails is logged and tried again; the run is not failed by it', async () => {
    const s = await sandbox({ generate: 2 });
    const hooks = await receiver([500]);
    const dir = await tempDir();
    const file = path.join(dir, 'schedules.yaml');
    await writeFile(file, `notify:\n  - webhook: ${hooks.url}/hook/secret-part\n    on: [success]\nexports:\n  - name: nightly\n    cron: "0 2 * * *"\n    output: out.csv\n`);
    const run = await cli(['schedule', file, '--once', 'nightly'], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') });
    expect(run.code).toBe(0);
    expect(hooks.received).toHaveLength(2);
    const logged = run.lines.filter((l) => l.notification);
    expect(logged).toEqual([expect.objectContaining({ notification: 'webhook', to: `${hooks.url}/…`, entry: 'nightly', delivered: false, runOutcome: 'ok', attempt: 1, of: 4, error: 'answered 500', retryInMs: 1000 })]);
    expect(run.stderr).toMatch(/nightly: the webhook to http:\/\/127\.0\.0\.1:\d+\/… was not delivered \(attempt 1 of 4\): answered 500; trying again in 1 s/);
    expect(run.stdout + run.stderr).not.toContain('secret-part');
  });

  test('a mail that names an SMTP user needs the password from the environment or the config file: exit 2 before anything runs', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'schedules.yaml');
    await writeFile(file, 'notify:\n  - email: { to: it@firma.se, from: batch@firma.se, smtp: "smtp://batch@mail.firma.se:587" }\nexports:\n  - name: nightly\n    cron: "0 2 * * *"\n    output: out.csv\n');
    const run = await cli(['schedule', file, '--once', 'nightly'], { COREDINATION_BASE_URL: 'http://127.0.0.1:9/api/1', COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('logs in to smtp://mail.firma.se:587 as batch, but no SMTP password is set');
    const withPassword = path.join(dir, 'with-password.yaml');
    await writeFile(withPassword, 'notify:\n  - email: { to: it@firma.se, from: batch@firma.se, smtp: "smtp://batch:hunter2@mail.firma.se:587" }\nexports:\n  - name: nightly\n    cron: "0 2 * * *"\n    output: out.csv\n');
    const refused = await cli(['schedule', withPassword, '--next', '1'], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/notify\[0\]\.email\.smtp \(line 2\): holds a password: a schedule file is no place for one/);
    expect(refused.stderr).not.toContain('hunter2');
  });

  test('a notification that cannot be delivered is tried a few times, logged each time, and given up; never thrown', async () => {
    const log: NotifyLogLine[] = [];
    const notifier = new Notifier({ secrets: ['the-key'], log: (line) => log.push(line), pausesMs: [10, 20], timeoutMs: 2000 });
    const event: RunEvent = { entry: 'nightly', kind: 'export', outcome: 'failed', counts: {}, file: null, error: 'refused the-key', start: '', end: '', tries: 3, schedule: '/s.yaml', host: 'h' };
    notifier.notify([{ kind: 'webhook', url: 'http://127.0.0.1:9/hook/abc', on: ['failure'] }], 'http://127.0.0.1:9/ping/xyz', event);
    await notifier.settled();
    expect(log.filter((l) => l.notification === 'webhook').map((l) => [l.attempt, l.of, l.retryInMs])).toEqual([[1, 3, 10], [2, 3, 20], [3, 3, undefined]]);
    expect(log.filter((l) => l.notification === 'healthcheck')).toHaveLength(3);
    expect(log[0]).toMatchObject({ to: 'http://127.0.0.1:9/…', error: 'ECONNREFUSED' });
  });
});
