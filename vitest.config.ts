import { defineConfig } from 'vitest/config';

const INCLUDE = [
  'packages/*/src/**/*.test.ts',
  'packages/*/test/**/*.test.ts',
  'services/*/src/**/*.test.ts',
  'services/*/test/**/*.test.ts',
  'apps/*/src/**/*.test.ts',
  'apps/*/test/**/*.test.ts',
  'load/**/*.test.ts',
  'infra/test/**/*.test.ts',
  'e2e/**/*.test.ts',
];

// The whole self-healing loop on a real stack: the detector must see no anomaly in fault-free
// load, and the operator must tell causes from victims. On a 2-core machine another stack
// beside them is load they would rightly notice, so these files run last, one at a time.
const ALONE = ['e2e/detector.e2e.test.ts', 'services/ai-operator/test/remediation.int.test.ts'];

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    // The `archaics` bin runs the compiled CLI (apps/cli/dist): build it before any test runs it.
    globalSetup: ['apps/cli/test/fixtures/build-cli.global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: INCLUDE,
          exclude: ['**/node_modules/**', ...ALONE],
          // Integration tests start real processes on fixed port offsets; keep files from racing for CPU.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
