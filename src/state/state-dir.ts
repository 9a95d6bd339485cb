import { homedir } from 'node:os';
import path from 'node:path';

/**
 * The folder for state kept between runs (journals, run records, watermarks, schedule ledgers and
 * locks): COREDINATION_STATE_DIR, else $XDG_STATE_HOME/coredination-batch, else
 * ~/.local/state/coredination-batch. Only the CLI calls this, with its environment; the engine is
 * always told its state folder.
 */
export function defaultStateDir(env: NodeJS.ProcessEnv): string {
  return env.COREDINATION_STATE_DIR || path.join(env.XDG_STATE_HOME || path.join(homedir(), '.local', 'state'), 'coredination-batch');
}
