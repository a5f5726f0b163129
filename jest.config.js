// Test tiers are named in the file: *.unit.spec.ts (pure logic, no I/O),
// *.int.spec.ts (real Kafka, registry, Cassandra, Postgres, Redis), *.e2e.spec.ts (real sockets),
// *.chaos.spec.ts (services of the stack restarted under load).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@chat/config$': '<rootDir>/libs/config/src',
  '^@chat/events$': '<rootDir>/libs/events/src',
  '^@chat/events/testing$': '<rootDir>/libs/events/src/testing',
  '^@chat/domain/testing$': '<rootDir>/libs/domain/src/testing',
  '^@chat/domain/limits$': '<rootDir>/libs/domain/src/limits',
  '^@chat/storage$': '<rootDir>/libs/storage/src',
  '^@chat/observability$': '<rootDir>/libs/observability/src',
  '^@chat/platform$': '<rootDir>/libs/platform/src',
  '^@chat/domain$': '<rootDir>/libs/domain/src',
  '^@chat/views$': '<rootDir>/libs/views/src',
  '^@chat/auth$': '<rootDir>/libs/auth/src',
  '^@chat/protocol$': '<rootDir>/libs/protocol/src',
  '^@chat/client$': '<rootDir>/libs/client/src',
  '^@chat/commands$': '<rootDir>/libs/commands/src',
};
const ignored = ['/node_modules/', '/dist/', '/.stack/'];
/** Integration tests that switch the readers of a projection: they run in the 'alone' project. */
const STACK_WIDE = ['tools/admin/rebuild.int.spec.ts', 'tools/admin/rebuild-search.int.spec.ts'];
const base = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/local-environment.ts'],
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.int.spec.ts'],
      testPathIgnorePatterns: [...ignored, ...STACK_WIDE],
    },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/**/*.e2e.spec.ts'] },
    // What changes the stack for every test beside it runs alone, after the others
    // (tools/stack/src/test-runner.ts): restarts of its services (the chaos tier), and rebuilds
    // that switch every reader of a projection to a new version (a rebuild also adopts an
    // unfinished version as its own, and a test's fresh version looks like one).
    {
      ...base,
      displayName: 'alone',
      testMatch: ['<rootDir>/**/*.chaos.spec.ts', ...STACK_WIDE.map((path) => `<rootDir>/${path}`)],
    },
  ],
  // Integration and end-to-end tests wait on real services with their own deadlines.
  testTimeout: 60000,
  // Most test files spend their time waiting on Kafka, the stores and sockets, not on a core:
  // three at a time keep both cores of a small machine busy (jest's default here is one; the
  // figures are in docs/benchmarks.md).
  maxWorkers: 3,
  testPathIgnorePatterns: ignored,
};
