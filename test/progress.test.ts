// The progress lines of a run without a terminal: no made-up rate.
import { PassThrough } from 'node:stream';
import { describe, expect, test } from '@jest/globals';
import { progressReporter } from '../src/cli/progress.js';

function capture() {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { io: { stdin: new PassThrough(), stdout: new PassThrough(), stderr, env: {} }, text: () => text };
}

describe('progress without a terminal', () => {
  test('a run under half a second shows no 0.0 rows/s: the real rate of the whole run, or none', async () => {
    const { io, text } = capture();
    const reporter = progressReporter(io, {}, 'Sending');
    reporter.progress?.({ phase: 'send', done: 1, total: 200 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    reporter.progress?.({ phase: 'send', done: 200, total: 200 });
    reporter.stop();
    const final = text().trim().split('\n').at(-1) ?? '';
    expect(final).toMatch(/^Sending: 200\/200 rows, /);
    expect(final).not.toMatch(/(?<![\d.])0\.0 rows\/s/);
    const rate = /([\d.]+) rows\/s/.exec(final)?.[1];
    expect(Number(rate)).toBeGreaterThan(200); // 200 rows in about 50 ms
    expect(final).not.toContain('s left');
  });

  test('a run done in its first update gives no rate at all', () => {
    const { io, text } = capture();
    const reporter = progressReporter(io, {}, 'Sending');
    reporter.progress?.({ phase: 'send', done: 3, total: 3 });
    expect(text()).not.toMatch(/rows\/s/);
    expect(text()).toContain('Sending: 3/3 rows, 0 retries');
  });

  test('rows done but not sent (the run stopped) are said beside the count', () => {
    const { io, text } = capture();
    const reporter = progressReporter(io, {}, 'Importing');
    reporter.progress?.({ phase: 'send', done: 3000, sent: 1004, total: 3000, notSent: 1996 });
    expect(text()).toMatch(/^Importing: 3000\/3000 rows, .*0 failed, 1996 not sent\n$/);
  });
});
