import type cliProgress from 'cli-progress';
import type { Reporter } from '../reporter.js';
import type { CliIo, GlobalArgs } from './io.js';
import { Output } from './io.js';

/**
 * Rows per second since `started`. Undefined in the first half second, when a rate means nothing
 * yet, unless the run is over: then the real rate over the whole run (undefined if it took no time).
 */
function rateSince(started: number, done: number, over = false): number | undefined {
  const seconds = (Date.now() - started) / 1000;
  if (seconds >= 0.5 || (over && seconds > 0)) return done / seconds;
  return undefined;
}

/**
 * The core's reporter for a long run: a progress bar on a terminal (rows, rate, ETA, retries,
 * rejects), a plain line every few seconds otherwise, nothing with --quiet or --json.
 */
export function progressReporter(io: CliIo, args: GlobalArgs, label: string): Reporter & { stop(): void } {
  const out = new Output(io, args);
  const quiet = args.quiet || args.json;
  const tty = Boolean(io.stderr.isTTY);
  // The bar's module only when a bar will be drawn (a run without a terminal starts faster).
  let barModule: typeof cliProgress | undefined;
  if (tty && !quiet) void import('cli-progress').then((m) => (barModule = m.default));
  let bar: cliProgress.SingleBar | undefined;
  let lastLine = Date.now();
  let started: number | undefined;
  let counting = false;
  return {
    info: (message) => out.info(message),
    detail: (message) => out.detail(message),
    warn: (message) => out.warn(`Warning: ${message}`),
    progress(update) {
      if (quiet) return;
      if (update.total === undefined) {
        // A count with no known end (an export): one line kept up to date on a terminal.
        started ??= Date.now();
        const rate = rateSince(started, update.done);
        const line = `${label}: ${update.done} jobs${rate === undefined ? '' : `, ${rate.toFixed(0)} jobs/s`}`;
        if (tty) {
          io.stderr.write(`\r${line}`);
          counting = true;
        } else if (Date.now() - lastLine >= 5000) {
          lastLine = Date.now();
          out.info(line);
        }
        return;
      }
      started ??= Date.now(); // the rate counts from the first row done, not from reading the file
      // Of the rows sent: rows skipped (done by an earlier run) or left out take no time of the server's.
      const sent = typeof update.sent === 'number' ? update.sent : update.done;
      const rate = sent ? rateSince(started, sent, update.done === update.total) : undefined;
      // While the server has every sender waiting (429/503), the line says so and for how long.
      const pausedMs = typeof update.paused === 'number' ? update.paused - Date.now() : 0;
      const paused = pausedMs > 0 ? ` | paused ${Math.ceil(pausedMs / 1000)} s (the server asked to wait)` : '';
      // Rows left unsent (the run stopped, or they were not to be sent) are counted among those done: said beside.
      const notSentCount = (update.notSent as number | undefined) ?? 0;
      const notSent = notSentCount ? ` | not sent ${notSentCount}` : '';
      const extra = { rate: rate === undefined ? '… rows/s' : `${rate.toFixed(1)} rows/s`, retries: Number(update.retries ?? 0), rejected: (update.rejected as number | undefined) ?? 0, failed: (update.failed as number | undefined) ?? 0, paused, notSent };
      if (tty) {
        if (!barModule) return; // still loading: the next update draws it
        if (!bar) {
          bar = new barModule.SingleBar(
            { stream: io.stderr, format: `${label} [{bar}] {value}/{total} rows | {rate} | ETA {eta_formatted} | retries {retries} | rejected {rejected} | failed {failed}{notSent}{paused}`, hideCursor: true, etaBuffer: 50 },
            barModule.Presets.shades_classic,
          );
          bar.start(update.total, 0, extra);
        }
        bar.update(update.done, extra);
      } else if (Date.now() - lastLine >= 5000 || update.done === update.total) {
        lastLine = Date.now();
        const left = update.done === update.total ? '' : rate ? `, about ${Math.round((update.total - update.done) / rate)} s left` : '';
        out.info(`${label}: ${update.done}/${update.total} rows${rate === undefined ? '' : `, ${extra.rate}`}${left}, ${extra.retries} retries, ${extra.rejected} rejected, ${extra.failed} failed${notSentCount ? `, ${notSentCount} not sent` : ''}${paused.replace(' |', ',')}`);
      }
    },
    stop() {
      if (counting) io.stderr.write('\n');
      counting = false;
      bar?.stop();
      bar = undefined;
    },
  };
}
