/** Jest runs the TypeScript tests as ES modules through ts-jest (transpile only: `tsc` typechecks first). */
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
  setupFiles: ['<rootDir>/test/helpers/state-dir.ts'],
};
