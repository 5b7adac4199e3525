import type { Configuration } from 'electron-builder';
import { WINDOWS_PUBLISHER_NAMES } from './src/main/update/signature';

/*
 * The installers: `npm run dist` on a build machine (Node 22.12+ with internet: electron-builder
 * fetches Electron, NSIS and the AppImage tools, and rebuilds better-sqlite3 for Electron's ABI).
 * It cannot run on the development machines, which can fetch neither. TypeScript rather than YAML:
 * `npm run typecheck` checks every key against electron-builder's own types, and
 * test/unit/builder-config.test.ts imports it to pin the fuses, targets and feed.
 */

/** Seed 001's production cloud; releases go to `<cloud>/updates/<win|mac|linux>/` (cloud-api.md). */
const CLOUD = 'https://joptic.jethings.com';

const config: Configuration = {
  appId: 'com.jethings.opticounter',
  productName: 'OptiCounter',
  directories: { output: 'dist', buildResources: 'build' },
  // electron-vite's output; the production dependencies are added by electron-builder itself.
  files: ['out/**/*', '!**/*.map'],
  // Beside app.asar: the icon only. Licence public keys are compiled into the main bundle
  // (src/main/licence/trusted-keys.ts), never read from this user-writable folder.
  extraResources: [{ from: 'resources', to: 'resources', filter: ['**/*'] }],
  // OnlyLoadAppFromAsar (below) needs the app in an asar archive; native addons cannot be loaded
  // from inside one, so better-sqlite3's .node file sits unpacked beside it.
  asar: true,
  asarUnpack: ['**/node_modules/better-sqlite3/**/*.node'],
  // Rebuilds better-sqlite3 for Electron here, not in postinstall (that would break the Node tests).
  npmRebuild: true,

  /*
   * Fuses are flipped in the Electron binary before signing (electron-builder >= 25 `electronFuses`,
   * through @electron/fuses). Off: running the app as plain Node, NODE_OPTIONS and --inspect, any of
   * which would let someone run their own code with the app's access to the store's data. On: the
   * asar archive's integrity is checked at start (macOS, and Windows since Electron 30) and the app
   * loads only from it, so the code cannot be swapped for an edited copy beside it.
   * No extra file:// privileges: the renderer is served from app://opticounter (src/main/shell/app-protocol.ts).
   */
  electronFuses: {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    enableCookieEncryption: true,
    grantFileProtocolExtraPrivileges: false,
  },

  // Windows first: the counter PCs. A per-user install updates without an administrator.
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    // Written into app-update.yml; the app verifies updates against the same, compiled-in list
    // (src/main/update/signature.ts), since that file lies outside app.asar and can be edited.
    // (electron-builder 26 keeps it under signtoolOptions.)
    signtoolOptions: { publisherName: [...WINDOWS_PUBLISHER_NAMES] },
    verifyUpdateCodeSignature: true,
  },
  nsis: {
    oneClick: true,
    perMachine: false,
    // The store's data (database, documents, backups) stays when the app is uninstalled.
    deleteAppDataOnUninstall: false,
  },
  linux: { target: [{ target: 'AppImage', arch: ['x64'] }], category: 'Office' },
  // electron-updater updates a Mac from the zip; the dmg is for the first install.
  mac: { target: ['dmg', 'zip'], category: 'public.app-category.business' },

  /*
   * electron-updater's generic provider. `${os}` is electron-builder's win | mac | linux for the
   * platform being built (`${platform}` would be the build machine's process.platform). The URL
   * is written into the app's app-update.yml; the running app sets the same kind of URL from the
   * cloud address in its settings (src/main/update/policy.ts feedUrl). A release is the dist/
   * artefacts plus latest.yml / latest-mac.yml / latest-linux.yml copied into that folder.
   */
  publish: { provider: 'generic', url: `${CLOUD}/updates/\${os}/`, channel: 'latest' },
};

export default config;
