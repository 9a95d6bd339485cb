// Runs before each test file: imports, exports and undo keep their state (journals, run records,
// watermarks) in a folder of the test run's own, never in the user's ~/.local/state.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

process.env.COREDINATION_STATE_DIR ??= mkdtempSync(path.join(tmpdir(), 'cdb-state-'));

/** This test file's state folder (the engine is always told its state folder). */
export const STATE_DIR: string = process.env.COREDINATION_STATE_DIR;
