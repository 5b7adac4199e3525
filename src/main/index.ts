import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, session } from 'electron';
import { AppError } from '../shared/errors';
import { type GoodBackup, describeGoodBackup } from './backup/service';
import { type Core, openCore, restoreLatestGood } from './core';
import { lockDataDir, unlockDataDir } from './data-dir-lock';
import { preferSmallHeap } from './heap';
import { licenceKeysForLaunch } from './licence/keys';
import { APP_RENDERER_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler } from './shell/app-protocol';
import { utilityCheckLauncher } from './shell/check-launcher';
import { forwardAppEvents } from './shell/events';
import { WindowSessions, registerAllHandlers } from './shell/ipc';
import { applicationMenuTemplate } from './shell/menu';
import { electronPrinter } from './shell/print';
import { electronFolderPicker } from './shell/folder-picker';
import { consoleLogger } from './log';
import type { SecretBox } from './secrets';
import { electronNativeBinding } from './shell/native';
import { safeStorageSecretBox } from './shell/secrets';
import { createElectronUpdater } from './shell/updater';
import { guardContents, hardenSession, secureWindow } from './shell/window';

/*
 * The Electron entry: everything here is wiring. The app itself is the core (openCore), which runs
 * the same in plain Node under the browser host and the tests.
 */
preferSmallHeap();
const here = fileURLToPath(new URL('.', import.meta.url));
// The dev server's URL is honoured only in development: a packaged app loads its own files, from
// app://opticounter/ (shell/app-protocol.ts), never file://.
const devUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const rendererUrl = devUrl ?? APP_RENDERER_URL;
// Before the app is ready, or Electron ignores it.
protocol.registerSchemesAsPrivileged(APP_SCHEME_PRIVILEGES);
let core: Core | null = null;
const sessions = new WindowSessions();

async function start() {
  const options = {
    dataDir: app.getPath('userData'),
    appVersion: app.getVersion(),
    nativeBinding: electronNativeBinding(app.getAppPath(), app.isPackaged),
    // The keys compiled into the bundle; an installed build refuses --trust-licence-key (licence/keys.ts).
    trustedLicenceKeys: licenceKeysForLaunch({ packaged: app.isPackaged, args: process.argv }),
    // Installed builds only: a development build has nothing to update (update.status says `unsupported`).
    updater: app.isPackaged ? createElectronUpdater(consoleLogger) : undefined,
    secrets: safeStorageSecretBox(),
    printer: electronPrinter,
    folderPicker: electronFolderPicker,
    checkLauncher: utilityCheckLauncher(join(here, 'check-entry.js')),
  };
  // The single-instance lock does not see a browser host on this folder (data-dir-lock.ts).
  lockDataDir(options.dataDir, options.nativeBinding);
  core = await openCore(options).catch(async (err: unknown) => {
    // A damaged database: offer the latest good backup instead of crashing.
    if (!(err instanceof AppError) || err.code !== 'db.corrupt' || !(await restoredLatestGood(err, options))) throw err;
    return openCore(options);
  });
  // The check runs on while the window answers (searches meanwhile, writes wait for it). Found damaged:
  // nothing more is written, the same offer is made, and the app starts again on the backup.
  const opened = core;
  opened.checked.catch(async (err: unknown) => {
    if (!(err instanceof AppError) || err.code !== 'db.corrupt' || core !== opened) return;
    core = null; // will-quit then closes nothing more
    await opened.close();
    const restored = await restoredLatestGood(err, options);
    unlockDataDir();
    if (restored) app.relaunch();
    app.exit(restored ? 0 : 1);
  });
  protocol.handle(APP_SCHEME, appProtocolHandler(join(here, '../renderer')));
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate({ packaged: app.isPackaged, platform: process.platform, appName: app.getName() })));
  hardenSession(session.defaultSession);
  registerAllHandlers(ipcMain, core, sessions, rendererUrl);
  // "The sync status changed" reaches the page, which asks for the status again.
  forwardAppEvents(core, () => BrowserWindow.getAllWindows().map((win) => win.webContents));
  openWindow();
}

/** Offers the latest good backup of a store that failed its integrity check; whether it was put in place. */
async function restoredLatestGood(err: AppError, options: { dataDir: string; nativeBinding?: string; secrets: SecretBox }): Promise<boolean> {
  const good = err.details?.latestGoodBackup as GoodBackup | null;
  const latest = good ? describeGoodBackup(good) : null;
  const { response } = await dialog.showMessageBox({
    type: 'error',
    title: 'OptiCounter',
    message: 'The database failed its integrity check.',
    detail: latest ? `Restore ${latest} The damaged data is kept aside first.` : 'No good backup was found.',
    buttons: latest ? ['Restore backup', 'Quit'] : ['Quit'],
  });
  return latest !== null && response === 0 && restoreLatestGood(options.dataDir, options.nativeBinding, options.secrets) !== null;
}

function openWindow() {
  const win = secureWindow({ preload: join(here, '../preload/index.cjs'), rendererUrl, packaged: app.isPackaged });
  const id = win.webContents.id;
  // A closed window's session ends with it.
  win.on('closed', () => {
    const token = sessions.tokenOf(id);
    sessions.forget(id);
    if (token && core) void core.handle('auth.logout', {}, { sessionToken: token });
  });
  void win.loadURL(rendererUrl);
}

app.enableSandbox();
// A second instance would open the same database: hand over to the first one instead.
if (!app.requestSingleInstanceLock()) app.exit(0);

app.on('web-contents-created', (_event, contents) => guardContents(contents, rendererUrl));
app.on('second-instance', () => {
  const [win] = BrowserWindow.getAllWindows();
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});
app.on('window-all-closed', () => app.quit());
app.on('will-quit', (event) => {
  if (!core) return;
  event.preventDefault();
  const closing = core;
  core = null;
  void closing.close().finally(() => {
    unlockDataDir();
    app.quit();
  });
});

app.whenReady().then(start).catch((err: unknown) => {
  dialog.showErrorBox('OptiCounter could not start', err instanceof Error ? err.message : String(err));
  app.exit(1);
});
