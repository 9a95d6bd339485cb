// schedule --print: units and crontab lines a user can install as printed.
import { mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { tempDir } from './helpers/files.js';
import { runCli } from './helpers/sandbox.js';

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
    const run = await runCli(['schedule', file, '--print', 'systemd'], { COREDINATION_STATE_DIR: state });
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
    const run = await runCli(['schedule', await scheduleIn('plain'), '--print', 'crontab']);
    expect(run.code).toBe(0);
    const before = run.stdout.slice(0, run.stdout.indexOf('CRON_TZ=Europe/Stockholm'));
    expect(before).toMatch(/CRON_TZ needs a cron that supports it/);
    expect(before).toMatch(/timedatectl set-timezone Europe\/Stockholm/);
    expect(before).toMatch(/--print systemd/);
  });
});
