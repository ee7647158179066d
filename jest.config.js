// Three projects: pure unit tests (libs/**, no services), e2e tests (tests/e2e, real PostgreSQL + Redis, see
// tests/support/test-env.ts) and browser tests (tests/browser, Debian's Chromium).
const { existsSync } = require('node:fs');

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromium);
if (!hasChromium) console.log(`[jest] ${chromium} not found: the browser tests are SKIPPED (apt-get install chromium, or set CHROMIUM_PATH)`);
const moduleNameMapper = {
  '^@app/([a-z]+)$': '<rootDir>/libs/$1/src/index.ts',
  '^@app/([a-z]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] };
const common = { rootDir: __dirname, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'], moduleNameMapper, transform };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'], setupFilesAfterEnv: ['<rootDir>/tests/support/unit-timeout.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/tests/e2e/**/*.e2e-spec.ts'], setupFilesAfterEnv: ['<rootDir>/tests/support/jest-timeout.ts'],
      globalSetup: '<rootDir>/tests/support/global-setup.ts', globalTeardown: '<rootDir>/tests/support/global-teardown.ts' },
    hasChromium && { ...common, displayName: 'browser', testMatch: ['<rootDir>/tests/browser/**/*.browser-spec.ts'], setupFilesAfterEnv: ['<rootDir>/tests/support/jest-timeout.ts'],
      globalSetup: '<rootDir>/tests/support/global-setup.ts', globalTeardown: '<rootDir>/tests/support/global-teardown.ts' },
  ].filter(Boolean),
};
