// Three tiers, selected with --selectProjects: unit (pure logic), integration (real Postgres and simulator), e2e (real server process).
import type { Config } from 'jest';

const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json' }],
};

const common = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  rootDir: '.',
};

const config: Config = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{server,sim}/src/**/*.spec.ts', '<rootDir>/deploy/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{server,sim}/test/integration/**/*.int-spec.ts'],
      setupFilesAfterEnv: [
        '<rootDir>/server/test/support/timeouts-integration.ts',
        '<rootDir>/server/test/support/quiet-libsignal.ts',
        '<rootDir>/server/test/support/trust-sim-ca.ts',
      ],
      globalSetup: '<rootDir>/server/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/server/test/support/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/server/test/e2e/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: [
        '<rootDir>/server/test/support/timeouts-e2e.ts',
        '<rootDir>/server/test/support/quiet-libsignal.ts',
        '<rootDir>/server/test/support/trust-sim-ca.ts',
      ],
      globalSetup: '<rootDir>/server/test/support/global-setup-e2e.ts',
      globalTeardown: '<rootDir>/server/test/support/global-teardown.ts',
    },
  ],
};

export default config;
