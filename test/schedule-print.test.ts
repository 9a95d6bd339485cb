// schedule --print: units and crontab lines a user can install as printed.
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { cli } from './helpers/cli.js';
import { TEMPLATES, tempDir } from './helpers/files.js';

async function scheduleIn(folder: string): Promise<string> {
  const dir = path.join(await tempDir(), folder);
  await mkdir(dir);
  const file = path.join(dir, 'schedules.yaml');
  await writeFile(file, 'timezone: Europe/Stockholm\nexports:\n  - name: nightly\n    cron: "0 2 * * *"\n    output: jobs.csv\n');
  return file;
}

describe('schedule --print', () => {
  test('systemd: the service runs as the invoking user with its state folder; % and $ are escaped for systemd', async () => {
    const file = await scheduleIn('100% $done');
    const state = path.join(await tempDir(), 'state 50%');
    const run = await cli(['schedule', file, '--print', 'systemd'], { COREDINATION_STATE_DIR: state });
    expect(run.code).toBe(0);
    const service = run.stdout.slice(run.stdout.indexOf('# ---- coredination-batch-nightly.service'), run.stdout.indexOf('# ---- coredination-batch-nightly.timer'));
    expect(service).toMatch(new RegExp(`^User=${userInfo().username}$`, 'm'));
    expect(service).toContain(`Environment="COREDINATION_STATE_DIR=${state.replace('%', '%%')}"`);
    const line = (key: string) => service.split('\n').find((l) => l.startsWith(`${key}=`)) ?? '';
    for (const key of ['Description', 'WorkingDirectory', 'ExecStart']) {
      expect(line(key)).toContain('100%% ');
      expect(line(key)).not.toMatch(/(?<!%)%(?!%)/);
    }
    expect(line('ExecStart')).toContain('$$done');
  });

  test('crontab: says CRON_TZ needs a cron that supports it, and what to do without it', async () => {
    const run = await cli(['schedule', await scheduleIn('plain'), '--print', 'crontab']);
    expect(run.code).toBe(0);
    const before = run.stdout.slice(0, run.stdout.indexOf('CRON_TZ=Europe/Stockholm'));
    expect(before).toMatch(/CRON_TZ needs a cron that supports it/);
    expect(before).toMatch(/timedatectl set-timezone Europe\/Stockholm/);
    expect(before).toMatch(/--print systemd/);
  });
});

function hasSystemdAnalyze(): boolean {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('schedule --print systemd --out', () => {
  const env = () => ({ COREDINATION_STATE_DIR: path.join(tmpdir(), 'cdb-print-state') });

  test('writes each unit file (owner only), prints how to install and enable them; never overwrites without --force, never through a symlink', async () => {
    const file = await scheduleIn('plain');
    await writeFile(file, `timezone: Europe/Stockholm\nexports:\n  - name: nightly\n    cron: "0 2 * * *"\n    output: jobs.csv\nimports:\n  - name: erp\n    watch: inbox\n    pattern: "*.csv"\n    mapping: ${path.join(TEMPLATES, 'jobs.mapping.yaml')}\n    archive: done\n    failed: failed\n`);
    const folder = path.join(await tempDir(), 'units');
    const run = await cli(['schedule', file, '--print', 'systemd', '--out', folder], env());
    expect(run.code).toBe(0);
    const names = ['coredination-batch-erp.service', 'coredination-batch-erp.timer', 'coredination-batch-nightly.service', 'coredination-batch-nightly.timer'];
    expect((await readdir(folder)).sort()).toEqual(names);
    for (const name of names) expect((await stat(path.join(folder, name))).mode & 0o777).toBe(0o600);
    // The same units as --print systemd shows.
    const printed = (await cli(['schedule', file, '--print', 'systemd'], env())).stdout;
    for (const name of names) expect(printed).toContain(`# ---- ${name}\n${(await readFile(path.join(folder, name), 'utf8')).trimEnd()}\n`);
    expect(await readFile(path.join(folder, 'coredination-batch-erp.timer'), 'utf8')).toContain('OnCalendar=*-*-* *:*:00 Europe/Stockholm');
    expect(run.stdout).toContain(`Wrote 4 unit files to ${folder} (readable by you only):`);
    expect(run.stdout).toMatch(/^ {2}sudo cp .*coredination-batch-erp\.service .* \/etc\/systemd\/system\/$/m);
    expect(run.stdout).toContain('  sudo systemctl daemon-reload\n  sudo systemctl enable --now coredination-batch-nightly.timer coredination-batch-erp.timer');
    if (hasSystemdAnalyze()) execFileSync('systemd-analyze', ['verify', ...names.map((n) => path.join(folder, n))], { stdio: 'ignore' }); // throws if systemd rejects one

    const before = await readFile(path.join(folder, 'coredination-batch-nightly.timer'), 'utf8');
    await writeFile(path.join(folder, 'coredination-batch-nightly.timer'), '# edited by hand\n');
    const again = await cli(['schedule', file, '--print', 'systemd', '--out', folder], env());
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${folder} has 4 unit files of these names already`);
    expect(again.stderr).toContain('--force');
    expect(await readFile(path.join(folder, 'coredination-batch-nightly.timer'), 'utf8')).toBe('# edited by hand\n');

    // A symlink at a unit's name: --force replaces the link, never writes where it points.
    const elsewhere = path.join(await tempDir(), 'not-a-unit');
    await writeFile(elsewhere, 'keep me\n');
    await rm(path.join(folder, 'coredination-batch-erp.service'));
    await symlink(elsewhere, path.join(folder, 'coredination-batch-erp.service'));
    const forced = await cli(['schedule', file, '--print', 'systemd', '--out', folder, '--force'], env());
    expect(forced.code).toBe(0);
    expect(await readFile(elsewhere, 'utf8')).toBe('keep me\n');
    expect((await lstat(path.join(folder, 'coredination-batch-erp.service'))).isSymbolicLink()).toBe(false);
    expect(await readFile(path.join(folder, 'coredination-batch-nightly.timer'), 'utf8')).toBe(before);
  });

  test('into a systemd/user folder: user units (no User=, the key from the config file) and systemctl --user', async () => {
    const folder = path.join(await tempDir(), '.config', 'systemd', 'user');
    const run = await cli(['schedule', await scheduleIn('plain'), '--print', 'systemd', '--out', folder], env());
    expect(run.code).toBe(0);
    const service = await readFile(path.join(folder, 'coredination-batch-nightly.service'), 'utf8');
    expect(service).not.toMatch(/^User=/m);
    expect(service).not.toMatch(/^EnvironmentFile=/m);
    expect(service).not.toMatch(/network-online/);
    expect(service).toContain('~/.config/coredination-batch/config.yaml');
    expect(run.stdout).toContain('They are user units');
    expect(run.stdout).toContain('  systemctl --user daemon-reload\n  systemctl --user enable --now coredination-batch-nightly.timer\n');
    expect(run.stdout).toMatch(/loginctl enable-linger/);
  });

  test('--out without --print systemd, and --force without --out, are usage errors', async () => {
    const file = await scheduleIn('plain');
    for (const args of [['--out', 'units'], ['--print', 'crontab', '--out', 'units'], ['--print', 'systemd', '--force']]) {
      const run = await cli(['schedule', file, ...args], env());
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/--(out|force) goes with/);
    }
  });

  test('--out naming a file, or a folder that cannot be made (under /proc): one message, exit 2, at once', async () => {
    const file = await scheduleIn('plain');
    const dir = await tempDir();
    const afile = path.join(dir, 'afile');
    await writeFile(afile, 'x\n');
    const onFile = await cli(['schedule', file, '--print', 'systemd', '--out', afile], env());
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toContain(`Cannot write the unit files into ${afile}: it is a file, not a folder`);
    expect(await readFile(afile, 'utf8')).toBe('x\n');
    const onProc = await cli(['schedule', file, '--print', 'systemd', '--out', '/proc/coredination-units'], env(), { stopAfterMs: 10_000 });
    expect(onProc.code).toBe(2);
    expect(onProc.stderr).toContain('Cannot write the unit files into /proc/coredination-units');
  });
});
