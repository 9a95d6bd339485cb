import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PACKAGE_BIN } from '../src/tool-version.js';

export const BENCH_KEY = 'bench-key';

/** The sandbox in its own process (as users run it), so that it does not share the client's event loop. */
export async function startSandboxProcess(flags: string[] = []): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [PACKAGE_BIN, 'sandbox', '--port', '0', '--json', '--api-key', BENCH_KEY, ...flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  const { url } = JSON.parse(first) as { url: string };
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Runs `fn` and returns the seconds it took. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}
