import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Points RUNS_ROOT / RUNS_DB at a temp dir so no test can reach models/runs/mlx.
    setupFiles: ['tests/helpers/setup.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    // 2 cores here: spawn tests start real processes, keep parallelism modest.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
