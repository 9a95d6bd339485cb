import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { CdbError } from '../src/errors.js';
import { checkMapping } from '../src/mapping/load-mapping.js';
import { loadSchedule } from '../src/schedule/load-schedule.js';
import { tempDir } from './helpers/files.js';

// Every problem of a file in one run: schema and rules together, not a few now and more after those are fixed.

async function problems(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CdbError);
  return (error as CdbError).message;
}

describe('every problem of a file in one run', () => {
  test('a mapping with a type typo also reports its unknown field and its repeated column', async () => {
    const message = await problems(
      checkMapping({ columns: [{ column: 'Titel', field: 'title', type: 'strng' }, { column: 'Kund', field: 'custmerName' }, { column: 'titel', field: 'description' }] }, 'typo.yaml'),
    );
    expect(message).toMatch(/columns\[0\]\.type/);
    expect(message).toMatch(/columns\[1\]\.field.*did you mean customerName/);
    expect(message).toMatch(/columns\[2\]\.column.*already used/);
  });

  test('a schedule with schema and rule problems reports all of them', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'schedules.yaml');
    await writeFile(
      file,
      [
        'timezone: Mars/Olympus',
        'exports:',
        '  - name: a',
        '    cron: "0 2 * *"',
        '    output: out/{day}.xlsx',
        '    colour: blue',
        '  - name: a',
        '    cron: "99 2 * * *"',
        '    output: out/b.pdf',
        '  - name: c',
        '    cron: 5',
        '    output: out/c.csv',
        '',
      ].join('\n'),
    );
    const message = await problems(loadSchedule(file));
    for (const part of [/colour/, /exports\[2\]\.cron/, /timezone/, /has 4 fields/, /unknown placeholder \{day\}/, /"a" is used twice/, /not a cron expression/, /"b.pdf" is a PDF \(\.pdf\), which export does not write; it writes \.xlsx and \.csv/]) expect(message).toMatch(part);
  });
});

describe('constants and map values are checked and typed when the mapping is loaded', () => {
  test('a constant or a map value that its field cannot take is a mapping problem; good ones are typed', async () => {
    const message = await problems(
      checkMapping({ columns: [{ field: 'priority', value: 'abc' }, { column: 'Akut', field: 'allDay', map: { Ja: 'kanske' } }, { column: 'Prio', field: 'duration', map: { Hög: 'one' } }] }, 'consts.yaml'),
    );
    expect(message).toMatch(/columns\[0\]\.value: "abc" is not a integer/);
    expect(message).toMatch(/columns\[1\]\.map\.Ja: "kanske" is not a boolean/);
    expect(message).toMatch(/columns\[2\]\.map\.Hög: "one" is not a integer/);
    const { mapping } = await checkMapping({ timezone: 'Europe/Stockholm', columns: [{ field: 'allDay', value: 'ja' }, { field: 'startTime', value: '2026-12-01 08:00' }, { field: 'duration', value: '90' }, { column: 'P', field: 'priority', map: { Hög: '1' } }] }, 'ok.yaml');
    expect(mapping.columns.map((c) => c.value ?? c.map)).toEqual([true, Date.UTC(2026, 11, 1, 7), 90, { Hög: 1 }]);
  });
});
