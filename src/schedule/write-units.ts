import { lstat, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CdbError } from '../errors.js';
import { temporaryPathFor } from '../util/atomic-write.js';
import { fileErrorReason } from '../util/file-errors.js';
import { makeFolder } from '../util/make-folder.js';
import type { UnitFile } from './os-scheduler.js';

/** A folder systemd's user manager reads units from (~/.config/systemd/user, /etc/systemd/user). */
export function isUserUnitFolder(folder: string): boolean {
  return /[/\\]systemd[/\\]user[/\\]?$/.test(path.resolve(folder));
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Writes unit files into a folder (made if missing), each readable by its owner only and created
 * without following a symlink at its name. A file already there is left alone and nothing is
 * written, unless `force`: then each is replaced by a rename, which replaces a symlink rather
 * than writing where it points. Returns the paths written.
 */
export async function writeUnitFiles(folder: string, files: readonly UnitFile[], force: boolean): Promise<string[]> {
  try {
    makeFolder(folder, 0o700);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CdbError('USAGE', `Cannot write the unit files into ${folder}: ${code === 'EEXIST' ? 'it is a file, not a folder' : `${fileErrorReason(error)} (${code ?? 'error'})`}; nothing was written.`, {
      hint: 'Give --out a folder you can write (it is made if missing), e.g. --out units.',
    });
  }
  const targets = files.map((f) => path.join(folder, f.name));
  if (!force) {
    const taken: string[] = [];
    for (const target of targets) if (await exists(target)) taken.push(path.basename(target));
    if (taken.length) {
      throw new CdbError('USAGE', `${folder} has ${taken.length === 1 ? 'a unit file' : `${taken.length} unit files`} of these names already (${taken.join(', ')}); nothing was written.`, {
        hint: 'Pass --force to replace them (after "systemctl daemon-reload" the new ones are used), or give another --out folder.',
      });
    }
  }
  for (const [i, file] of files.entries()) {
    const target = targets[i] as string;
    try {
      if (!force) {
        await writeFile(target, file.text, { flag: 'wx', mode: 0o600 });
        continue;
      }
      const temporary = temporaryPathFor(target);
      try {
        await writeFile(temporary, file.text, { flag: 'wx', mode: 0o600 });
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EISDIR' || code === 'ENOTEMPTY' ? 'a folder has its name' : `${fileErrorReason(error)} (${code ?? 'error'})`;
      throw new CdbError('USAGE', `Cannot write ${target}: ${why}.${i ? ` The ${i} unit file${i === 1 ? '' : 's'} before it ${i === 1 ? 'was' : 'were'} written.` : ' Nothing was written.'}`, {
        hint: 'Give --out a folder of your own that you can write, then run again.',
      });
    }
  }
  return targets;
}

/** What to run after writing the units: user units enabled by the user's manager, system units copied to /etc first. */
export function enableSteps(folder: string, written: readonly string[], user: string | undefined): string[] {
  const timers = written.filter((f) => f.endsWith('.timer')).map((f) => path.basename(f));
  const shown = (f: string) => (/^[\w@%+=:,./-]+$/.test(f) ? f : `'${f.replace(/'/g, `'\\''`)}'`);
  const lines = [`Wrote ${written.length} unit files to ${folder} (readable by you only):`, ...written.map((f) => `  ${path.basename(f)}`), ''];
  if (isUserUnitFolder(folder)) {
    lines.push(
      `They are user units: they run as you${user ? ` (${user})` : ''}, with the base URL and key from ~/.config/coredination-batch/config.yaml (chmod 600). Enable them:`,
      '  systemctl --user daemon-reload',
      `  systemctl --user enable --now ${timers.join(' ')}`,
      `  loginctl enable-linger ${user ?? '$USER'}   # so that they run while you are logged out, and after a reboot`,
      "Check them with: systemctl --user list-timers 'coredination-batch-*'",
    );
  } else {
    lines.push(
      `They are system units (User=${user ?? 'CHANGE-ME'}), reading the base URL and key from /etc/coredination-batch.env. Write it first, readable by root only:`,
      "  sudo install -m 600 /dev/null /etc/coredination-batch.env",
      "  sudoedit /etc/coredination-batch.env   # two lines: COREDINATION_BASE_URL=https://… and COREDINATION_API_KEY=…",
      'Then install and enable the units:',
      `  sudo cp ${written.map(shown).join(' ')} /etc/systemd/system/`,
      '  sudo systemctl daemon-reload',
      `  sudo systemctl enable --now ${timers.join(' ')}`,
      "Check them with: systemctl list-timers 'coredination-batch-*'",
      'To run them as user units instead (no root), write them with --out ~/.config/systemd/user.',
    );
  }
  return lines;
}
