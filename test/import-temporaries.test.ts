// Temporary files a killed import left beside its results and errors files are removed by the
// next import; those of a run still going are left.
import { spawnSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/files.js';
import { jobsCsv } from './helpers/jobs-file.js';
import { KEY, sandbox } from './helpers/sandbox.js';

/** The pid of a process that has ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}

describe('stale temporaries of an import', () => {
  test('the next import removes those of a killed run, beside the results and the errors file, and keeps a live run\'s', async () => {
    const s = await sandbox();
    const dir = await tempDir();
    const input = await jobsCsv(dir, 3);
    const dead = deadPid();
    // Named as src/util/atomic-write.ts names them: .<file>.<pid>.<random>.tmp
    const stale = [`.jobs.results.csv.${dead}.7d512283.tmp`, `.jobs.errors.csv.${dead}.0a1b2c3d.tmp`];
    // A live run's: this process's parent (the import runs in this process, which is never another run).
    const live = `.jobs.results.csv.${process.ppid}.5e6f7a8b.tmp`;
    for (const name of [...stale, live]) await writeFile(path.join(dir, name), 'half a file');
    const run = await cli(['import', input], { COREDINATION_BASE_URL: s.url, COREDINATION_API_KEY: KEY, COREDINATION_STATE_DIR: path.join(dir, 'state') });
    expect(run.code).toBe(0);
    const left = (await readdir(dir)).filter((n) => n.endsWith('.tmp'));
    expect(left).toEqual([live]);
  });
});
