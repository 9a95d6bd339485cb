/** Jest runs the TypeScript tests as ES modules through ts-jest (transpile only: `tsc` typechecks first). */
import { availableParallelism } from 'node:os';

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testTimeout: 30000,
  // At least three workers, also on two cores (jest's default there is one): the tests mostly wait
  // on loopback, the sandbox's latency and a schedule's clock. Measured on this suite, 2 cores:
  // 1 worker 315 s, 2 198 s, 3 162 s, 4 184 s on a loaded machine; 2 118 s, 3 88 s, 4 77 s on a
  // quiet one (4 doubles every file's time: less room for a test that waits on a clock).
  maxWorkers: Math.max(3, availableParallelism() - 1),
  setupFiles: ['<rootDir>/test/helpers/state-dir.ts'],
};
