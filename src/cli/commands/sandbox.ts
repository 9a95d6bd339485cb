import type { Argv, CommandModule } from 'yargs';
import { SANDBOX_KEY, startSandbox, type SandboxOptions } from '../../sandbox/server.js';
import type { CliIo, GlobalArgs } from '../io.js';
import { Output } from '../io.js';
import { CdbError } from '../../errors.js';
import { stopSignal } from '../stop-signals.js';
import { isLoopbackHost } from '../../api/base-url.js';

interface SandboxArgs
  extends Omit<GlobalArgs, 'apiKey'>,
    Pick<SandboxOptions, 'data' | 'latency' | 'failRate' | 'dropAfterCommit' | 'dropBeforeCommit' | 'rateLimit' | 'retryAfter' | 'generate' | 'seed'> {
  port: number;
  host: string;
  apiKey?: string[];
}

function share(name: string) {
  return (value: number | undefined): number | undefined => {
    if (value !== undefined && (!(value >= 0) || value > 1)) throw new CdbError('USAGE', `--${name} takes a share from 0 to 1, got ${value}.`);
    return value;
  };
}

/** `sandbox`: the local API emulator, until SIGINT or SIGTERM. */
export function sandboxCommand(io: CliIo, done: (code: number) => void): CommandModule<GlobalArgs, SandboxArgs> {
  return {
    command: 'sandbox',
    describe: 'Run the local Coredination API emulator (for trying the tool and rehearsing runs)',
    builder: (yargs: Argv<GlobalArgs>) =>
      yargs
        .option('port', { type: 'number', default: 8080, describe: 'Port to listen on (0: any free port)' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
        .option('api-key', { type: 'string', array: true, describe: `Key(s) to accept (default: COREDINATION_API_KEY, else "${SANDBOX_KEY}")` })
        .option('data', { type: 'string', describe: 'JSON file to load at start and keep up to date, to inspect a run afterwards' })
        .option('latency', { type: 'number', describe: 'Response time in milliseconds: each answer leaves this long after its request arrived' })
        .option('fail-rate', { type: 'number', coerce: share('fail-rate'), describe: 'Share (0..1) of requests answered 500, 503 or 429' })
        .option('drop-after-commit', { type: 'number', coerce: share('drop-after-commit'), describe: 'Share (0..1) of writes stored, then the connection dropped' })
        .option('drop-before-commit', { type: 'number', coerce: share('drop-before-commit'), describe: 'Share (0..1) of writes dropped before anything is stored' })
        .option('rate-limit', { type: 'number', describe: 'Requests per second beyond which it answers 429' })
        .option('retry-after', { type: 'number', describe: 'Seconds sent in Retry-After with 429 and 503 (default 1)' })
        .option('generate', { type: 'number', describe: 'Start with this many realistic jobs (for trying exports)' })
        .option('seed', { type: 'number', describe: 'Seed of the fault and data generators (default 1)' }) as unknown as Argv<SandboxArgs>,
    handler: async (args) => {
      const envKey = io.env.COREDINATION_API_KEY;
      const apiKeys = args.apiKey?.length ? args.apiKey : envKey ? [envKey] : [SANDBOX_KEY];
      // A key from the environment may be the user's real one: it is used, never printed.
      const fromEnv = !args.apiKey?.length && Boolean(envKey);
      const out = new Output(io, { json: args.json, quiet: args.quiet, verbose: args.verbose });
      if (!isLoopbackHost(args.host)) {
        out.warn(`Warning: listening on ${args.host}, not only on this machine: anyone who can reach it can use the key it accepts. Use --host 127.0.0.1 unless you mean it.`);
      }
      const sandbox = await startSandbox({
        port: args.port,
        host: args.host,
        apiKeys,
        data: args.data,
        latency: args.latency,
        failRate: args.failRate,
        dropAfterCommit: args.dropAfterCommit,
        dropBeforeCommit: args.dropBeforeCommit,
        rateLimit: args.rateLimit,
        retryAfter: args.retryAfter,
        generate: args.generate,
        seed: args.seed,
        recordRequests: false,
      });
      out.result(
        [
          `Coredination sandbox listening on ${sandbox.url} with ${sandbox.store.size} jobs${args.data ? ` (kept in ${args.data})` : ''}.`,
          fromEnv ? 'API key: the one in COREDINATION_API_KEY (not printed).' : `API key: ${apiKeys[0]}`,
          `Try:  COREDINATION_BASE_URL=${sandbox.url}${fromEnv ? '' : ` COREDINATION_API_KEY=${apiKeys[0]}`} coredination-batch version`,
          'Stop it with Ctrl+C.',
        ].join('\n'),
        fromEnv ? { url: sandbox.url, apiKeyFrom: 'COREDINATION_API_KEY', jobs: sandbox.store.size } : { url: sandbox.url, apiKeys, jobs: sandbox.store.size },
      );
      await stopSignal();
      await sandbox.close();
      out.info('Sandbox stopped.');
      done(0);
    },
  };
}
