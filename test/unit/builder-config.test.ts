import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import config from '../../electron-builder.config';
import { feedUrl, feedUrlProblem } from '../../src/main/update/policy';
import { WINDOWS_PUBLISHER_NAMES } from '../../src/main/update/signature';

/*
 * The installers cannot be built on these machines (electron-builder fetches Electron and NSIS), so
 * the configuration itself is pinned here: a later edit that turns a fuse back on, drops a target or
 * moves the update feed fails this test.
 */
describe('electron-builder configuration', () => {
  it('flips the fuses: no RunAsNode, NODE_OPTIONS or --inspect; ASAR integrity and ASAR-only loading on', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      // The renderer comes from app://, so file:// keeps no extra privileges.
      grantFileProtocolExtraPrivileges: false,
    });
    // OnlyLoadAppFromAsar and the integrity check mean nothing without an asar archive.
    expect(config.asar).toBe(true);
  });

  it('signs Windows installers under the publisher the running app verifies updates against', () => {
    // publisherName goes into app-update.yml; the app itself checks against the compiled-in list.
    expect(config.win?.signtoolOptions?.publisherName).toEqual([...WINDOWS_PUBLISHER_NAMES]);
    expect(config.win?.verifyUpdateCodeSignature).not.toBe(false);
  });

  it('publishes over https only', () => {
    expect(feedUrlProblem((config.publish as { url: string }).url.replace('${os}', 'win'))).toBeNull();
  });

  it('publishes to the generic feed electron-updater reads: <cloud>/updates/${os}/', () => {
    expect(config.publish).toMatchObject({ provider: 'generic', url: 'https://joptic.jethings.com/updates/${os}/' });
    // The same folders the running app asks for (policy.ts): electron-builder's ${os} is win|mac|linux.
    const url = (config.publish as { url: string }).url;
    for (const os of ['win', 'mac', 'linux'] as const) expect(url.replace('${os}', os)).toBe(feedUrl('https://joptic.jethings.com', os));
  });

  it('builds Windows NSIS first, plus Linux AppImage and macOS dmg (with the zip macOS updates from)', () => {
    const targets = (platform: { target?: unknown } | null | undefined) =>
      ([] as unknown[]).concat(platform?.target ?? []).map((t) => (typeof t === 'string' ? t : (t as { target: string }).target));
    expect(targets(config.win)).toEqual(['nsis']);
    expect(targets(config.linux)).toEqual(['AppImage']);
    expect(targets(config.mac)).toEqual(['dmg', 'zip']);
    // Uninstalling never takes the store's data with it.
    expect(config.nsis?.deleteAppDataOnUninstall).toBe(false);
  });

  it('packages the built app, the licence keys beside it, and better-sqlite3 unpacked', () => {
    expect(config).toMatchObject({ appId: expect.any(String), productName: 'OptiCounter' });
    expect(config.files).toContain('out/**/*');
    expect(config.extraResources).toEqual([expect.objectContaining({ from: 'resources', to: 'resources' })]);
    expect(config.asarUnpack).toEqual(expect.arrayContaining([expect.stringMatching(/better-sqlite3.*\.node$/)]));
  });

  it('is what `npm run dist` builds with, and never publishes from a build', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.dist).toContain('electron-builder --config electron-builder.config.ts');
    expect(pkg.scripts.dist).toContain('--publish never');
  });
});
