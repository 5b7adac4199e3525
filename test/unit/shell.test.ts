import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { channels } from '../../src/shared/contract';

/*
 * The Electron binary cannot be downloaded on these machines, so the shell runs here against a fake
 * `electron` module that records what the shell asks of it. It checks the wiring, not Electron.
 */
const fake = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
  const windows: { options: { webPreferences: Record<string, unknown> }; loaded: string[]; contentsEvents: Map<string, (...a: unknown[]) => void>; openHandler?: () => unknown }[] = [];
  const appEvents = new Map<string, (...a: unknown[]) => void>();
  const session = {
    permissionRequest: undefined as undefined | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
    permissionCheck: undefined as undefined | (() => boolean),
    headers: undefined as undefined | ((details: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void),
  };
  let ready: () => void = () => {};
  const whenReady = new Promise<void>((r) => {
    ready = r;
  });
  const state = { userData: '', sandboxed: false };
  return { handlers, windows, appEvents, session, whenReady, ready: () => ready(), state };
});

vi.mock('electron', () => {
  class WebContentsFake {
    events = new Map<string, (...a: unknown[]) => void>();
    openHandler?: () => unknown;
    on(name: string, fn: (...a: unknown[]) => void) {
      this.events.set(name, fn);
      return this;
    }
    setWindowOpenHandler(fn: () => unknown) {
      this.openHandler = fn;
    }
  }
  class BrowserWindow {
    webContents = new WebContentsFake();
    record: (typeof fake.windows)[number];
    constructor(options: { webPreferences: Record<string, unknown> }) {
      this.record = { options, loaded: [], contentsEvents: this.webContents.events };
      fake.windows.push(this.record);
    }
    once() {}
    loadURL(url: string) {
      this.record.loaded.push(url);
      this.record.openHandler = this.webContents.openHandler;
      return Promise.resolve();
    }
    static getAllWindows() {
      return [];
    }
  }
  return {
    app: {
      enableSandbox: () => {
        fake.state.sandboxed = true;
      },
      requestSingleInstanceLock: () => true,
      getPath: (name: string) => (name === 'userData' ? fake.state.userData : '/nowhere'),
      getVersion: () => '9.9.9',
      getAppPath: () => '/nowhere',
      isPackaged: false,
      on: (name: string, fn: (...a: unknown[]) => void) => fake.appEvents.set(name, fn),
      whenReady: () => fake.whenReady,
      quit: () => {},
      exit: () => {},
    },
    BrowserWindow,
    dialog: { showErrorBox: () => {} },
    ipcMain: { handle: (channel: string, fn: (event: unknown, input: unknown) => Promise<unknown>) => fake.handlers.set(channel, fn) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof fake.session.permissionRequest) => {
          fake.session.permissionRequest = fn;
        },
        setPermissionCheckHandler: (fn: typeof fake.session.permissionCheck) => {
          fake.session.permissionCheck = fn;
        },
        webRequest: {
          onHeadersReceived: (fn: typeof fake.session.headers) => {
            fake.session.headers = fn;
          },
        },
      },
    },
  };
});

const dataDir = mkdtempSync(join(tmpdir(), 'opticounter-shell-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function startApp() {
  fake.state.userData = dataDir;
  await import('../../src/main/index');
  fake.ready();
  await vi.waitFor(() => expect(fake.windows).toHaveLength(1), { timeout: 10_000 });
  return fake.windows[0]!;
}

describe('the Electron shell (fake electron module)', () => {
  it('registers every contract channel, and nothing else', async () => {
    await startApp();
    expect([...fake.handlers.keys()].sort()).toEqual([...channels].sort());
    expect(fake.state.sandboxed).toBe(true);
  });

  it('opens a window with secure webPreferences and the sandboxed preload', async () => {
    const win = await startApp();
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(String(win.options.webPreferences.preload)).toMatch(/preload[/\\]index\.cjs$/);
    expect(win.loaded[0]).toMatch(/^file:.*\/renderer\/index\.html$/);
  });

  it('serves the app’s own frame and refuses a foreign or nested one', async () => {
    const win = await startApp();
    const appUrl = win.loaded[0]!;
    const handler = fake.handlers.get('app.info')!;
    const own = await handler({ senderFrame: { url: appUrl, parent: null } }, {});
    expect(own).toEqual({ ok: true, data: { version: '9.9.9', dataDir, schemaVersion: 1 } });

    for (const senderFrame of [
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///tmp/other.html', parent: null },
      { url: appUrl, parent: { url: appUrl } },
      null,
    ]) {
      const res = await handler({ senderFrame }, {});
      expect(res).toMatchObject({ ok: false, error: { code: 'ipc.forbiddenSender', status: 403 } });
    }
  });

  it('parses input through the contract on the IPC path too', async () => {
    const win = await startApp();
    const res = await fake.handlers.get('customers.get')!({ senderFrame: { url: win.loaded[0], parent: null } }, { id: 42 });
    expect(res).toMatchObject({ ok: false, error: { code: 'validation', status: 400, fieldErrors: { id: expect.any(Array) } } });
  });

  it('denies navigation, new windows and permission requests, and sends the CSP header', async () => {
    const win = await startApp();
    const navigate = win.contentsEvents.get('will-navigate')!;
    const prevented = vi.fn();
    navigate({ preventDefault: prevented }, 'https://evil.example/');
    expect(prevented).toHaveBeenCalled();
    expect(win.openHandler?.()).toEqual({ action: 'deny' });
    expect(win.contentsEvents.has('will-attach-webview')).toBe(true);

    let granted: boolean | undefined;
    fake.session.permissionRequest?.({}, 'media', (ok) => {
      granted = ok;
    });
    expect(granted).toBe(false);
    expect(fake.session.permissionCheck?.()).toBe(false);

    let headers: Record<string, string[]> = {};
    fake.session.headers?.({ responseHeaders: {} }, (r) => {
      headers = (r as { responseHeaders: Record<string, string[]> }).responseHeaders;
    });
    expect(headers['Content-Security-Policy']?.[0]).toContain("script-src 'self'");
    expect(headers['Content-Security-Policy']?.[0]).toContain("object-src 'none'");
  });
});
