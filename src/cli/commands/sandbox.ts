import type { Argv, CommandModule } from 'yargs';
import { QUIRKS, SANDBOX_KEY, type Quirk, type SandboxOptions } from '../../sandbox/options.js';
import type { CliIo, GlobalArgs } from '../io.js';
import { Output } from '../io.js';
import { CdbError } from '../../errors.js';
import { stopSignal } from '../stop-signals.js';
import { isLoopbackHost } from '../../api/base-url.js';

interface SandboxArgs
  extends Omit<GlobalArgs, 'apiKey'>,
    Pick<SandboxOptions, 'data' | 'latency' | 'failRate' | 'dropAfterCommit' | 'dropBeforeCommit' | 'rateLimit' | 'retryAfter' | 'generate' | 'seed' | 'putReplaces' | 'ignorePostUuid' | 'errorAfterCommit' | 'pageCap' | 'ignoreLimit' | 'ignoreOffset' | 'ignoreModified' | 'churn' | 'trickle' | 'putNoCreate' | 'ignoreDelete' | 'listOmits' | 'hideCreated' | 'draftState'> {
  port: number;
  host: string;
  apiKey?: string[];
  readOnlyKey?: string[];
  quirk?: Quirk[];
}

function share(name: string) {
  return (value: number | undefined): number | undefined => {
    if (value !== undefined && (!(value >= 0) || value > 1)) throw new CdbError('USAGE', `--${name} takes a share from 0 to 1, got ${value}.`);
    return value;
  };
}

// Read as a string so that a bad value is quoted as given, not as NaN.
function port(value: string | number): number {
  const text = String(value).trim();
  const number = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(number <= 65535)) throw new CdbError('USAGE', `--port takes a port number from 0 to 65535 (0: any free port), got '${value}'.`);
  return number;
}

function count(name: string) {
  return (value: number | undefined): number | undefined => {
    if (value !== undefined && !(value >= 0)) throw new CdbError('USAGE', `--${name} takes a number of 0 or more, got ${value}.`);
    return value;
  };
}

/** The port is taken or not ours to use: the user's to fix, not a bug. */
function listenError(error: unknown, args: SandboxArgs): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new CdbError('USAGE', `Port ${args.port} on ${args.host} is already in use.`, {
      cause: error,
      hint: 'Stop what is using it, or pass --port 0 to listen on any free port (the address is printed).',
    });
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new CdbError('USAGE', `Cannot listen on ${args.host} port ${args.port} (${code}).`, {
      cause: error,
      hint: code === 'EACCES' ? 'Ports below 1024 need privileges: pass --port 0 or a port above 1023.' : 'Pass an address of this machine with --host, such as 127.0.0.1.',
    });
  }
  return error;
}

/** `sandbox`: the local API emulator, until SIGINT or SIGTERM. */
export function sandboxCommand(io: CliIo, done: (code: number) => void): CommandModule<GlobalArgs, SandboxArgs> {
  return {
    command: 'sandbox',
    describe: 'Run the local Coredination API emulator (for trying the tool and rehearsing runs)',
    builder: (yargs: Argv<GlobalArgs>) =>
      yargs
        .option('port', { requiresArg: true, default: 8080, coerce: port, describe: 'Port to listen on (0: any free port)' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
        .option('api-key', { type: 'string', array: true, describe: `Key(s) to accept (default: COREDINATION_API_KEY, else "${SANDBOX_KEY}")` })
        .option('read-only-key', { type: 'string', array: true, describe: 'Key(s) that may read but are answered 403 on writes (repeatable)' })
        .option('data', { type: 'string', describe: 'JSON file to load at start and keep up to date, to inspect a run afterwards' })
        .option('latency', { type: 'number', coerce: count('latency'), describe: 'Response time in milliseconds: each answer leaves this long after its request arrived' })
        .option('fail-rate', { type: 'number', coerce: share('fail-rate'), describe: 'Share (0..1) of requests answered 500, 503 or 429' })
        .option('ignore-post-uuid', { type: 'boolean', describe: 'POST makes its own uuid, ignoring one in the body' })
        .option('error-after-commit', { type: 'number', coerce: share('error-after-commit'), describe: 'Share (0..1) of writes stored, then answered 500' })
        .option('put-replaces', { type: 'boolean', describe: 'PUT replaces the whole job instead of leaving absent attributes as they are' })
        .option('put-no-create', { type: 'boolean', describe: 'PUT to a uuid no job has answers 404 instead of creating the job' })
        .option('ignore-delete', { type: 'boolean', describe: 'DELETE answers 204 and deletes nothing' })
        .option('list-omits', { type: 'string', array: true, describe: 'GET /job leaves out this attribute too (repeatable); GET /job/:id still has it' })
        .option('hide-created', { type: 'boolean', describe: 'Jobs are answered without created, so that a PUT\'s answer does not tell a create from an update' })
        .option('draft-state', { type: 'string', describe: 'The state a job without resources is answered in, instead of DRAFT' })
        .option('drop-after-commit', { type: 'number', coerce: share('drop-after-commit'), describe: 'Share (0..1) of writes stored, then the connection dropped' })
        .option('drop-before-commit', { type: 'number', coerce: share('drop-before-commit'), describe: 'Share (0..1) of writes dropped before anything is stored' })
        .option('rate-limit', { type: 'number', coerce: count('rate-limit'), describe: 'Requests per second beyond which it answers 429' })
        .option('retry-after', { type: 'number', coerce: count('retry-after'), describe: 'Seconds sent in Retry-After with 429 and 503 (default 1)' })
        .option('page-cap', { type: 'number', coerce: count('page-cap'), describe: 'GET /job answers at most n jobs, whatever limit asks' })
        .option('ignore-limit', { type: 'boolean', describe: 'GET /job ignores limit: a page runs to the end of the list' })
        .option('ignore-offset', { type: 'boolean', describe: 'GET /job ignores offset: every page starts at the first job' })
        .option('ignore-modified', { type: 'boolean', describe: 'GET /job ignores modified: every job is listed' })
        .option('churn', { type: 'number', coerce: count('churn'), describe: 'Between the first and second page of each listing, another user deletes the n oldest jobs and creates n new ones' })
        .option('trickle', { type: 'number', coerce: count('trickle'), describe: 'Send a job list one byte every this many milliseconds' })
        .option('quirk', { type: 'string', array: true, choices: Object.keys(QUIRKS), describe: `Answers no good server gives (repeatable): ${Object.entries(QUIRKS).map(([name, what]) => `${name} (${what})`).join(', ')}` })
        .option('generate', { type: 'number', coerce: count('generate'), describe: 'Start with this many realistic jobs (for trying exports)' })
        .option('seed', { type: 'number', coerce: count('seed'), describe: 'Seed of the fault and data generators (default 1)' }) as unknown as Argv<SandboxArgs>,
    handler: async (args) => {
      const envKey = io.env.COREDINATION_API_KEY;
      const apiKeys = args.apiKey?.length ? args.apiKey : envKey ? [envKey] : [SANDBOX_KEY];
      // A key from the environment may be the user's real one: it is used, never printed.
      const fromEnv = !args.apiKey?.length && Boolean(envKey);
      const out = new Output(io, { json: args.json, quiet: args.quiet, verbose: args.verbose });
      if (!isLoopbackHost(args.host)) {
        out.warn(`Warning: listening on ${args.host}, not only on this machine: anyone who can reach it can use the key it accepts. Use --host 127.0.0.1 unless you mean it.`);
      }
      const { startSandbox } = await import('../../sandbox/server.js');
      const sandbox = await startSandbox({
        port: args.port,
        host: args.host,
        apiKeys,
        readOnlyKeys: args.readOnlyKey,
        data: args.data,
        latency: args.latency,
        failRate: args.failRate,
        dropAfterCommit: args.dropAfterCommit,
        putReplaces: args.putReplaces,
        putNoCreate: args.putNoCreate,
        ignoreDelete: args.ignoreDelete,
        listOmits: args.listOmits,
        hideCreated: args.hideCreated,
        draftState: args.draftState,
        ignorePostUuid: args.ignorePostUuid,
        errorAfterCommit: args.errorAfterCommit,
        dropBeforeCommit: args.dropBeforeCommit,
        rateLimit: args.rateLimit,
        retryAfter: args.retryAfter,
        pageCap: args.pageCap,
        ignoreLimit: args.ignoreLimit,
        ignoreOffset: args.ignoreOffset,
        ignoreModified: args.ignoreModified,
        churn: args.churn,
        trickle: args.trickle,
        quirks: args.quirk,
        generate: args.generate,
        seed: args.seed,
        recordRequests: false,
      }).catch((error: unknown) => {
        throw listenError(error, args);
      });
      out.result(
        [
          `Coredination sandbox listening on ${sandbox.url} with ${sandbox.store.size} jobs${args.data ? ` (kept in ${args.data})` : ''}.`,
          fromEnv ? 'API key: the one in COREDINATION_API_KEY (not printed).' : `API key: ${apiKeys[0]}`,
          ...(args.readOnlyKey?.length ? [`Read-only key (403 on writes): ${args.readOnlyKey.join(', ')}`] : []),
          `Try:  COREDINATION_BASE_URL=${sandbox.url}${fromEnv ? '' : ` COREDINATION_API_KEY=${apiKeys[0]}`} coredination-batch version`,
          'Stop it with Ctrl+C.',
        ].join('\n'),
        {
          url: sandbox.url,
          ...(fromEnv ? { apiKeyFrom: 'COREDINATION_API_KEY' } : { apiKeys }),
          ...(args.readOnlyKey?.length ? { readOnlyKeys: args.readOnlyKey } : {}),
          jobs: sandbox.store.size,
        },
      );
      await stopSignal();
      await sandbox.close();
      out.info('Sandbox stopped.');
      done(0);
    },
  };
}
