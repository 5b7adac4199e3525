import { BrowserWindow, type Session, type WebContents, type WebPreferences } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../security';

/**
 * The renderer gets no Node, no remote content, and a preload that only exposes window.api.
 * DevTools exist only in a development build: in an installed one they would hand anyone at the
 * counter a console inside the signed-in window (window.api, the session's rights).
 */
export function secureWebPreferences(preload: string, devTools = false): WebPreferences {
  return {
    preload,
    devTools,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    spellcheck: false,
  };
}

/** Denies every permission (camera, notifications, …) and adds the CSP header to every response. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}

/** Whether a key press is one of Chromium's DevTools shortcuts (F12, Ctrl/Cmd+Shift+I/J/C, Cmd+Alt+I/J/C). */
export function isDevToolsShortcut(input: Pick<Electron.Input, 'type' | 'key' | 'control' | 'meta' | 'shift' | 'alt'>): boolean {
  if (input.type !== 'keyDown') return false;
  const key = input.key.toLowerCase();
  if (key === 'f12') return true;
  const modified = ((input.control || input.meta) && input.shift) || (input.meta && input.alt);
  return modified && (key === 'i' || key === 'j' || key === 'c');
}

/**
 * Installed builds: DevTools shortcuts are swallowed and DevTools, should anything open them anyway,
 * closed at once (webPreferences.devTools is already false there; this is the second lock).
 */
export function lockDevTools(contents: Pick<WebContents, 'on' | 'closeDevTools'>): void {
  contents.on('before-input-event', (event, input) => {
    if (isDevToolsShortcut(input)) event.preventDefault();
  });
  contents.on('devtools-opened', () => contents.closeDevTools());
}

/** The window stays on the app's page: no navigation, no new windows, no webviews. */
export function guardContents(contents: WebContents, rendererUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== rendererUrl) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function secureWindow(opts: { preload: string; rendererUrl: string; packaged: boolean }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'OptiCounter',
    webPreferences: secureWebPreferences(opts.preload, !opts.packaged),
  });
  guardContents(win.webContents, opts.rendererUrl);
  if (opts.packaged) lockDevTools(win.webContents);
  win.once('ready-to-show', () => win.show());
  return win;
}
