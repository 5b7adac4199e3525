import { describe, expect, it } from 'vitest';
import { type BrowserFacts, chooseBrowser, noBrowserMessage, systemCandidates } from '../e2e/browser';

/** A Linux x64 machine that has every source; each test takes some away. */
const ALL: BrowserFacts = {
  platform: 'linux',
  arch: 'x64',
  override: { path: '/opt/my-chromium/chrome', exists: true },
  system: '/usr/bin/chromium',
  playwright: '/home/dev/.cache/ms-playwright/chromium-1255/chrome-linux/chrome',
  sparticuz: true,
};
const NONE: BrowserFacts = { platform: 'linux', arch: 'x64', sparticuz: false };

describe('which Chromium the e2e tests run in', () => {
  it('takes OPTICOUNTER_CHROMIUM first, then the system Chromium, then Playwright’s, then @sparticuz/chromium', () => {
    expect(chooseBrowser(ALL)).toEqual({ ok: true, source: 'env', executablePath: '/opt/my-chromium/chrome' });
    expect(chooseBrowser({ ...ALL, override: undefined })).toEqual({ ok: true, source: 'system', executablePath: '/usr/bin/chromium' });
    expect(chooseBrowser({ ...ALL, override: undefined, system: undefined })).toEqual({ ok: true, source: 'playwright', executablePath: ALL.playwright });
    expect(chooseBrowser({ ...NONE, sparticuz: true })).toEqual({ ok: true, source: 'sparticuz' });
  });

  it('uses @sparticuz/chromium on Linux x64 only', () => {
    for (const [platform, arch] of [['linux', 'arm64'], ['darwin', 'x64'], ['win32', 'x64']] as const) {
      expect(chooseBrowser({ ...NONE, platform, arch, sparticuz: true })).toEqual({ ok: false, message: noBrowserMessage(platform, arch) });
    }
  });

  it('says in one line what to install when there is none', () => {
    const choice = chooseBrowser(NONE);
    expect(choice).toEqual({ ok: false, message: noBrowserMessage('linux', 'x64') });
    const message = noBrowserMessage('linux', 'x64');
    expect(message).not.toContain('\n');
    expect(message).toContain('apt-get install chromium');
    expect(message).toContain('npx playwright install chromium');
    expect(message).toContain('OPTICOUNTER_CHROMIUM');
    expect(message).toContain('@sparticuz/chromium');
    // Elsewhere no Debian package and no bundled Chromium to point at.
    expect(noBrowserMessage('darwin', 'arm64')).not.toMatch(/apt-get|sparticuz/);
    expect(noBrowserMessage('linux', 'arm64')).not.toContain('sparticuz');
  });

  it('reports an OPTICOUNTER_CHROMIUM that leads nowhere rather than quietly taking another browser', () => {
    expect(chooseBrowser({ ...ALL, override: { path: '/nope/chrome', exists: false } })).toEqual({
      ok: false,
      message: 'OPTICOUNTER_CHROMIUM=/nope/chrome: no such file.',
    });
  });

  it('takes only the source OPTICOUNTER_BROWSER_SOURCE names, and says when it has no browser', () => {
    expect(chooseBrowser({ ...ALL, forced: 'sparticuz' })).toEqual({ ok: true, source: 'sparticuz' });
    expect(chooseBrowser({ ...ALL, forced: 'system' })).toEqual({ ok: true, source: 'system', executablePath: '/usr/bin/chromium' });
    expect(chooseBrowser({ ...ALL, forced: 'playwright' })).toMatchObject({ ok: true, source: 'playwright' });
    expect(chooseBrowser({ ...ALL, forced: 'env' })).toMatchObject({ ok: true, source: 'env' });
    expect(chooseBrowser({ ...ALL, playwright: undefined, forced: 'playwright' })).toEqual({
      ok: false,
      message: "OPTICOUNTER_BROWSER_SOURCE=playwright, but Playwright's Chromium is not installed (`npx playwright install chromium`).",
    });
    expect(chooseBrowser({ ...ALL, platform: 'darwin', forced: 'sparticuz' })).toMatchObject({ ok: false, message: expect.stringContaining('only for Linux x64') });
    expect(chooseBrowser({ ...ALL, forced: 'firefox' })).toEqual({
      ok: false,
      message: "OPTICOUNTER_BROWSER_SOURCE must be one of env, system, playwright, sparticuz (got 'firefox').",
    });
  });

  it('looks for a system Chromium on PATH, then in /usr/bin, under its usual names', () => {
    expect(systemCandidates('linux', { PATH: '/home/dev/bin:relative/bin:/usr/bin' })).toEqual([
      '/home/dev/bin/chromium',
      '/home/dev/bin/chromium-browser',
      '/home/dev/bin/google-chrome',
      '/home/dev/bin/google-chrome-stable',
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/usr/bin/google-chrome',
      '/usr/bin/google-chrome-stable',
    ]);
    expect(systemCandidates('linux', {})).toEqual(['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable']);
    expect(systemCandidates('win32', { PROGRAMFILES: 'C:\\Program Files', LOCALAPPDATA: 'C:\\Users\\dev\\AppData\\Local' })).toEqual([
      'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Users\\dev\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe',
    ]);
    expect(systemCandidates('darwin', {})[0]).toBe('/Applications/Chromium.app/Contents/MacOS/Chromium');
  });
});
