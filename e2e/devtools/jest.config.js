/**
 * WeChat DevTools specs (miniprogram-automator), kept out of the default jest projects: they need
 * DevTools on the machine. `npm run test:devtools` runs them through run.ts, which says why it skips.
 */
const path = require('path');

module.exports = {
  rootDir: path.resolve(__dirname, '..', '..'),
  displayName: 'devtools',
  testEnvironment: 'node',
  roots: ['<rootDir>/e2e/devtools'],
  testMatch: ['**/*.devtools.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }] },
  moduleNameMapper: {
    '^@/types/(.*)$': '<rootDir>/types/$1',
    '^@/(.*)$': '<rootDir>/src/$1',
  },
};
