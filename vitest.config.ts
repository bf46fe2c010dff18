import { defineConfig } from 'vitest/config';

// Tiers: unit tests need nothing; cli tests spawn the built binary; integration tests share
// one real local cluster, started once by the global setup and always stopped.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          globalSetup: ['test/support/own-tmpdir.ts'],
        },
      },
      {
        test: {
          name: 'cli',
          include: ['test/cli/**/*.test.ts'],
          globalSetup: ['test/support/own-tmpdir.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // Each cell starts its own minicluster of its Hadoop and Flink versions (test/matrix/cells.ts).
          name: 'matrix',
          include: ['test/matrix/**/*.test.ts'],
          globalSetup: ['test/support/own-tmpdir.ts'],
          testTimeout: 600_000,
          hookTimeout: 1_200_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
