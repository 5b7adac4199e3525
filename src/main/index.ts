import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BrowserWindow, app, dialog, ipcMain, session } from 'electron';
import { systemClock } from './clock';
import { type Core, openCore } from './core';
import { registerAllHandlers } from './shell/ipc';
import { electronNativeBinding } from './shell/native';
import { guardContents, hardenSession, secureWindow } from './shell/window';

/*
 * The Electron entry: everything here is wiring. The app itself is the core (openCore), which runs
 * the same in plain Node under the browser host and the tests.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(here, '../renderer/index.html')).href;
let core: Core | null = null;

async function start() {
  core = await openCore({
    dataDir: app.getPath('userData'),
    appVersion: app.getVersion(),
    nativeBinding: electronNativeBinding(app.getAppPath(), app.isPackaged),
  });
  hardenSession(session.defaultSession);
  registerAllHandlers(ipcMain, core.dispatch, () => ({ clock: systemClock }), rendererUrl);
  openWindow();
}

function openWindow() {
  const win = secureWindow({ preload: join(here, '../preload/index.cjs'), rendererUrl });
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
  void closing.close().finally(() => app.quit());
});

app.whenReady().then(start).catch((err: unknown) => {
  dialog.showErrorBox('OptiCounter could not start', err instanceof Error ? err.message : String(err));
  app.exit(1);
});
