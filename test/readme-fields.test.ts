// The README's table of job fields is the list the mapping loader knows (src/mapping/job-fields.ts).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@jest/globals';
import { JOB_FIELDS, SERVER_FIELDS } from '../src/mapping/job-fields.js';
import { PACKAGE_ROOT } from '../src/tool-version.js';

test('every job field a mapping can name is in the README table, with its type and an example', async () => {
  const readme = await readFile(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('The job fields a mapping can name'));
  const rows = new Map([...table.matchAll(/^\| `([^`]+)` \| (\w+) \| (.+) \|$/gm)].map((m) => [m[1], { type: m[2], example: m[3] }]));
  for (const [field, type] of Object.entries(JOB_FIELDS)) {
    const written = field.replace(/\[n\]/g, '[0]').replace('.*', '.<name>');
    expect({ field: written, ...rows.get(written) }).toEqual({ field: written, type, example: expect.stringMatching(/\S/) });
  }
  expect(rows.size).toBe(Object.keys(JOB_FIELDS).length);
  const serverLine = table.slice(table.indexOf('Set by Coredination'), table.indexOf('\n\n', table.indexOf('Set by Coredination')));
  for (const field of Object.keys(SERVER_FIELDS)) expect(serverLine).toContain(`\`${field}\``);
});
