import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Unit tests of the renderer's pure logic sit beside it (src/renderer/src/<domain>/*.test.ts).
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/adversarial/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    // better-sqlite3 is a native addon: separate processes keep each file's handles to itself.
    pool: 'forks',
    // At least two files at once (vitest's default, one less than the cores, is 1 on 2 cores): most
    // files wait on timers, HTTP and child processes rather than compute; 10.6 min instead of 16 here.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 20_000,
  },
});
