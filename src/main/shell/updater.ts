import { execFile } from 'node:child_process';
import { net } from 'electron';
import electronUpdater, { type AppUpdater, type NsisUpdater } from 'electron-updater';
import type { Logger } from '../log';
import { windowsProgram } from '../system-programs';
import type { UpdaterEvent } from '../update/policy';
import type { UpdaterAdapter } from '../update/service';
import { authenticodeProblem } from '../update/signature';

/** `Get-AuthenticodeSignature` of a file, as JSON (PowerShell, no shell in between). */
export type ReadAuthenticode = (file: string) => Promise<string>;

const readAuthenticodeWithPowerShell: ReadAuthenticode = (file) =>
  new Promise((resolve, reject) => {
    // Single quotes doubled: the path stays one literal PowerShell string.
    const command = `Get-AuthenticodeSignature -LiteralPath '${file.replace(/'/g, "''")}' | ConvertTo-Json -Compress`;
    // By absolute path under the system directory: by name, a planted powershell.exe could answer.
    execFile(
      windowsProgram('WindowsPowerShell\\v1.0\\powershell.exe'),
      ['-NoProfile', '-NonInteractive', '-InputFormat', 'None', '-Command', command],
      { timeout: 20_000, windowsHide: true },
      (err, stdout, stderr) => (err || stderr ? reject(err ?? new Error(String(stderr))) : resolve(String(stdout))),
    );
  });

/*
 * The core's UpdaterAdapter over electron-updater: wiring only. When to check and when to offer the
 * restart is the core's policy (src/main/update/policy.ts).
 *
 * The feed is electron-updater's generic provider at `<cloud>/updates/<win|mac|linux>/`
 * (cloud-api.md; electron-builder.yml publishes there with `${os}`). The core passes the URL with each
 * check, so it follows the cloud address in the app's settings rather than the one baked in at build.
 */
export function createElectronUpdater(
  log: Logger,
  updater: AppUpdater = electronUpdater.autoUpdater,
  readAuthenticode: ReadAuthenticode = readAuthenticodeWithPowerShell,
): UpdaterAdapter {
  // Downloads start on their own once a check finds a newer version; they run in the background.
  updater.autoDownload = true;
  // A downloaded update left uninstalled (staff never clicked) goes in when the app quits.
  updater.autoInstallOnAppQuit = true;
  updater.allowPrerelease = false;
  updater.allowDowngrade = false;
  // Windows: the installer runs only when Authenticode says it is validly signed by our publisher
  // (compiled in, update/signature.ts). Fails closed: no signature, another publisher, or a check that
  // could not run all refuse the update (electron-updater reports it as an 'error' event).
  if ('verifyUpdateCodeSignature' in updater) {
    const verify = async (file: string): Promise<string | null> => {
      try {
        return authenticodeProblem(await readAuthenticode(file), file);
      } catch (err) {
        return `the signature of the update could not be checked (${err instanceof Error ? err.message : String(err)})`;
      }
    };
    (updater as NsisUpdater).verifyUpdateCodeSignature = (_publishersFromAppUpdateYml, file) => verify(file);
    // NsisUpdater's own verifySignature skips the check when app-update.yml (beside app.asar, editable)
    // names no publisher; replaced on this instance so nothing on disk can turn the check off.
    // test/unit/shell-updater.test.ts pins that electron-updater still calls it before installing.
    Object.defineProperty(updater, 'verifySignature', { value: verify, configurable: true });
  }
  // Messages name versions, files and the feed URL: no credentials travel to a generic feed.
  updater.logger = {
    info: (m?: unknown) => log.info(`updater: ${String(m)}`),
    warn: (m?: unknown) => log.warn(`updater: ${String(m)}`),
    error: (m?: unknown) => log.error(`updater: ${String(m)}`),
  };

  let currentFeed: string | null = null;
  return {
    async check(feedUrl) {
      if (feedUrl !== currentFeed) {
        updater.setFeedURL({ provider: 'generic', url: feedUrl });
        currentFeed = feedUrl;
      }
      const result = await updater.checkForUpdates();
      // A failed download is reported through the 'error' event; its promise must not go unhandled.
      result?.downloadPromise?.catch(() => undefined);
    },
    quitAndInstall() {
      // Not silent: on Windows the NSIS installer shows its progress; the app starts again after.
      updater.quitAndInstall(false, true);
    },
    onEvent(listener: (event: UpdaterEvent) => void) {
      updater.on('checking-for-update', () => listener({ type: 'checking' }));
      updater.on('update-available', (info) => listener({ type: 'available', version: info.version, releaseNotes: info.releaseNotes }));
      updater.on('update-not-available', () => listener({ type: 'not-available' }));
      updater.on('download-progress', (progress) => listener({ type: 'progress', percent: progress.percent }));
      updater.on('update-downloaded', (info) => listener({ type: 'downloaded', version: info.version, releaseNotes: info.releaseNotes }));
      updater.on('error', (err) => listener({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
    },
    isOnline: () => net.isOnline(),
  };
}
