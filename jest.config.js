/** Jest runs every package's tests against the TypeScript sources (no build needed). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleNameMapper: {
    '^@tapegrad/data/node$': '<rootDir>/packages/data/src/node/index.ts',
    '^@tapegrad/(core|nn|optim|data)$': '<rootDir>/packages/$1/src/index.ts',
    '^tapegrad$': '<rootDir>/packages/tapegrad/src/index.ts',
  },
  testTimeout: 60000,
};
