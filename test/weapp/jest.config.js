/**
 * `npm run test:weapp`'s own tests (test/weapp/*.weapp.ts), kept out of the default jest projects:
 * they need the weapp build and run WeChat's compilers on copies of it. package.json's test:weapp
 * runs them right after the check itself, which leaves the build they copy in place.
 */
const path = require('path');

module.exports = {
  rootDir: path.resolve(__dirname, '..', '..'),
  displayName: 'weapp',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/weapp'],
  testMatch: ['**/*.weapp.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }] },
};
