import { defineConfig } from '@playwright/test';
import { findBrowser } from './test/e2e/browser';

/*
 * End-to-end tests: the built renderer (out/renderer, from `npx electron-vite build`) in Chromium
 * against the real browser host. Each test starts its own host on a fresh data dir
 * (test/e2e/fixtures.ts), so there is no webServer here.
 */

// Which Chromium: test/e2e/browser.ts. The config is loaded again in each worker; only the runner speaks.
const browser = await findBrowser();
const isRunner = process.env.TEST_WORKER_INDEX === undefined;
if (!browser.ok) {
  console.error(browser.message);
  process.exit(1);
}
if (isRunner) console.log(`e2e browser: ${browser.executablePath} (${browser.source})`);

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
    // Off: recording one for every test added 1–2 s to each (a third of a short test); to see a failure
    // step by step, run it again with `npx playwright test <file> --trace on`.
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: browser.executablePath,
      env: { ...process.env, ...browser.env },
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
