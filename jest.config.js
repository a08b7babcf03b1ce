/**
 * Jest runs every package's tests against the TypeScript sources (no build needed).
 * Two projects: `unit` (everything) and `browser` (the playground's end-to-end test in headless Chromium);
 * `npm test` runs both, `npm run test:browser` only the browser one.
 */
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  // one fixed fast-check seed unless FC_SEED says otherwise (see the file)
  setupFiles: ['<rootDir>/scripts/fast-check-seed.cjs'],
  // conform8: tensors are iterable; jest's toEqual keeps comparing their fields (see the file)
  setupFilesAfterEnv: ['<rootDir>/scripts/jest-tensor-equality.cjs'],
  moduleNameMapper: {
    // ESM-style relative imports ('./data.js') name the TypeScript source
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@tapegrad/core/internal$': '<rootDir>/packages/core/src/internal.ts',
    '^@tapegrad/data/node$': '<rootDir>/packages/data/src/node/index.ts',
    '^@tapegrad/(core|nn|optim|data)$': '<rootDir>/packages/$1/src/index.ts',
    '^tapegrad$': '<rootDir>/packages/tapegrad/src/index.ts',
  },
};

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/packages'],
      testMatch: ['**/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$'],
    },
    {
      ...shared,
      displayName: 'browser',
      roots: ['<rootDir>/packages'],
      testMatch: ['**/test/**/*.e2e.test.ts'],
    },
  ],
};
