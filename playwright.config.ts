import { defineConfig } from '@playwright/test';

/*
 * End-to-end tests: the built renderer (out/renderer, from `npx electron-vite build`) in Debian's
 * Chromium against the real browser host. Each test starts its own host on a fresh data dir
 * (test/e2e/fixtures.ts), so there is no webServer here.
 */
export default defineConfig({
  testDir: 'test/e2e',
  // Two cores: one browser at a time keeps the timings honest.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    // The screens are checked in English; the French resources have their own test.
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.OPTICOUNTER_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-quic',
        '--disable-sync',
      ],
    },
  },
});
