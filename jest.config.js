/** Jest projects: core + server (node), pages (jsdom). E2E runs through its own script. */
const tsJest = ['ts-jest', { tsconfig: { jsx: 'react-jsx', isolatedModules: true }, diagnostics: false }];
const moduleNameMapper = {
  '^@/types/(.*)$': '<rootDir>/types/$1',
  '^@/(.*)$': '<rootDir>/src/$1',
};

module.exports = {
  // `npm run test:core` prints the core's coverage and fails below 95% of its lines (issue 2).
  collectCoverageFrom: ['src/core/**/*.ts', '!src/core/__tests__/**'],
  coverageReporters: ['text-summary', 'text'],
  coverageThreshold: { './src/core/': { lines: 95 } },
  projects: [
    {
      displayName: 'core',
      testEnvironment: 'node',
      roots: ['<rootDir>/src/core'],
      // Only *.test.ts files are suites, so shared builders can live beside them in __tests__.
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.tsx?$': tsJest },
      moduleNameMapper,
    },
    {
      displayName: 'server',
      testEnvironment: 'node',
      roots: ['<rootDir>/src/server', '<rootDir>/cloudfunctions', '<rootDir>/test'],
      // __tests__/support/ holds shared builders, not suites.
      testPathIgnorePatterns: ['/node_modules/', '/__tests__/support/'],
      transform: { '^.+\\.tsx?$': tsJest },
      moduleNameMapper,
    },
    {
      // The host-level server suites again on the cloud path: the cloud functions' own entries on the
      // wx adapters and the real wx-server-sdk, against the cloud-sim service (SPEC §8).
      displayName: 'cloud-sim',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/host', '<rootDir>/test/hardening'],
      testPathIgnorePatterns: ['/node_modules/', '/secrets\\.test\\.ts$'],
      setupFiles: ['<rootDir>/test/support/cloudsim-env.ts'],
      transform: { '^.+\\.tsx?$': tsJest },
      moduleNameMapper,
    },
    {
      displayName: 'pages',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/src'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/src/core/', '<rootDir>/src/server/'],
      transform: { '^.+\\.tsx?$': tsJest },
      moduleNameMapper: {
        ...moduleNameMapper,
        '^@tarojs/components$': '<rootDir>/test/taro/components.tsx',
        '^@tarojs/taro$': '<rootDir>/test/taro/taro.ts',
        '\\.(css|scss)$': '<rootDir>/test/taro/style.ts',
      },
    },
    {
      // Playwright (playwright-core + Debian's chromium) journeys on the h5 build against a real host.
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/e2e'],
      testMatch: ['**/*.e2e.ts'],
      transform: { '^.+\\.tsx?$': tsJest },
      moduleNameMapper,
    },
  ],
};
