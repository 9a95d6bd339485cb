// A csv byte its encoding does not define (0x81 in Windows-1252) is a problem on its cell, naming
// the byte and the encoding, never a U+FFFD sent as the job's text.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import iconv from 'iconv-lite';
import { CdbError } from '../src/errors.js';
import { cli } from './helpers/cli.js';
import { readAll, tempDir } from './helpers/files.js';

async function payloads(file: string): Promise<unknown[]> {
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
}

describe('bytes the encoding does not define (issue 17, item 8)', () => {
  test('0x81 in a file guessed as Windows-1252 is a problem on its cell, the row not sent; the errors file keeps the rest', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'e.csv');
    await writeFile(file, Buffer.from('Title,Reference no\nab\x81cd,R1\nR\xe4ksm\xf6rg\xe5s,R2\n', 'latin1'));
    const out = path.join(dir, 'p.jsonl');
    const run = await cli(['import', file, '--dry-run', '--offline', '--payloads', out]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain(
      'row 2, column "Title": the cell holds byte 0x81 (after "ab"), which windows-1252, the encoding guessed for the file, does not define',
    );
    expect(run.stdout + run.stderr).toMatch(/save it as "CSV UTF-8" in Excel, or give its encoding \(--encoding/);
    expect(await payloads(out)).toEqual([{ row: 3, job: { title: 'Räksmörgås', referenceNo: 'R2' } }]);
    const errors = (await readFile(path.join(dir, 'e.errors.csv'), 'utf8')).split(/\r?\n/);
    expect(errors[1]).toMatch(/^abcd,R1,"Title: the cell holds byte 0x81/);
    expect(errors.join('\n')).not.toContain('\uFFFD');
  });

  test.each(['\x8d', '\x8f', '\x90', '\x9d'])('every undefined byte of Windows-1252 is named (%j)', async (byte) => {
    const file = path.join(await tempDir(), 'bytes.csv');
    await writeFile(file, Buffer.from(`Title;Place\nJob;${byte}x${byte}\n`, 'latin1'));
    const { rows } = await readAll(file);
    const hex = `0x${byte.charCodeAt(0).toString(16).toUpperCase()}`;
    expect(rows[0]?.cells[1]).toEqual({ kind: 'unreadable', reason: expect.stringContaining(`holds byte ${hex} (the first at the start)`), text: 'x' });
  });

  test('a Mac Roman file guessed as Windows-1252 is a problem, not Åhléns sent as \\uFFFDhlŽns; given its encoding it reads', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'mac.csv');
    await writeFile(file, iconv.encode('Title;Customer\nFönsterputs;Åhléns\n', 'macintosh'));
    const out = path.join(dir, 'p.jsonl');
    const guessed = await cli(['import', file, '--dry-run', '--offline', '--payloads', out]);
    expect(guessed.code).toBe(2);
    expect(guessed.stdout + guessed.stderr).toContain('column "Customer": the cell holds byte 0x81 (at the start), which windows-1252');
    expect(await payloads(out)).toEqual([]);
    const given = await cli(['import', file, '--dry-run', '--offline', '--payloads', out, '--encoding', 'macintosh']);
    expect(given.code).toBe(0);
    expect(await payloads(out)).toEqual([{ row: 2, job: { title: 'Fönsterputs', customerName: 'Åhléns' } }]);
  });

  test('the given encoding is named as given; the bytes EF BF BD in a Windows-1252 file are text (ï¿½), no problem', async () => {
    const file = path.join(await tempDir(), 'given.csv');
    await writeFile(file, Buffer.concat([Buffer.from('Title;Place\nJob\x81;R\xe4\n', 'latin1'), Buffer.from('Odd;\xef\xbf\xbd\n', 'latin1')]));
    const { rows } = await readAll(file, { encoding: 'windows-1252' });
    expect(rows[0]?.cells[0]).toMatchObject({ kind: 'unreadable', reason: expect.stringContaining('which windows-1252, the encoding given for the file') });
    expect(rows[1]?.cells).toEqual(['Odd', 'ï¿½']);
  });

  test('a header holding an undefined byte reads as before (U+FFFD), so the mapping names the column it misses', async () => {
    const file = path.join(await tempDir(), 'header.csv');
    await writeFile(file, Buffer.from('Title;\x81rende\nJob;x\xe4\n', 'latin1'));
    const { header, rows } = await readAll(file);
    expect(header).toEqual(['Title', '\uFFFDrende']);
    expect(rows[0]?.cells).toEqual(['Job', 'xä']);
  });

  test('bytes that are not UTF-8 in a file given as utf-8 stop it at their row, as a guessed one does', async () => {
    const file = path.join(await tempDir(), 'not-utf8.csv');
    await writeFile(file, Buffer.from('Title;Place\nJob;R\xe4\n', 'latin1'));
    const error = await readAll(file, { encoding: 'utf-8' }).then(() => undefined, (caught: unknown) => caught as CdbError);
    expect(error).toBeInstanceOf(CdbError);
    expect(error?.message).toBe('This row holds bytes that are not UTF-8, the encoding given (utf-8): the file is in another encoding, or mixes encodings.');
    expect(error?.context.row).toBe(2);
  });
});
