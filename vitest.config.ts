import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Unit tests of the renderer's pure logic sit beside it (src/renderer/src/<domain>/*.test.ts).
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/adversarial/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    // better-sqlite3 is a native addon: separate processes keep each file's handles to itself.
    pool: 'forks',
    testTimeout: 20_000,
  },
});
