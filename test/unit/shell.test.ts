import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrations } from '../../src/main/db/migrations';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { channels } from '../../src/shared/contract';
import { appUrlToFile, contentTypeOf } from '../../src/main/shell/app-protocol';
import { applicationMenuTemplate } from '../../src/main/shell/menu';
import { lockDevTools, secureWebPreferences } from '../../src/main/shell/window';

/*
 * The Electron binary cannot be downloaded on these machines, so the shell runs here against a fake
 * `electron` module that records what the shell asks of it. It checks the wiring, not Electron.
 */
const fake = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
  const windows: {
    options: { webPreferences: Record<string, unknown> };
    loaded: string[];
    contentsEvents: Map<string, (...a: unknown[]) => void>;
    openHandler?: () => unknown;
    /** What main sent the page (webContents.send). */
    sent: [string, unknown][];
  }[] = [];
  const instances: unknown[] = [];
  // The preload's side: what it exposed to the page, and its IPC listeners.
  const exposed = new Map<string, unknown>();
  const rendererListeners = new Map<string, Set<(...a: unknown[]) => void>>();
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
  const state = { userData: '', sandboxed: false, saveTo: '' as string | null, readyCalled: false, pickFolder: null as string | null, openDialogOptions: undefined as unknown };
  // protocol and Menu: what the shell registered, and whether the scheme came before ready.
  const protocol = {
    privileged: [] as { scheme: string; privileges: Record<string, unknown> }[],
    privilegedBeforeReady: false,
    handlers: new Map<string, (request: Request) => Promise<Response>>(),
  };
  const menu = { template: null as unknown[] | null };
  return { handlers, windows, instances, exposed, rendererListeners, appEvents, session, whenReady, ready: () => ((state.readyCalled = true), ready()), state, protocol, menu };
});

vi.mock('electron', () => {
  class WebContentsFake {
    static next = 1;
    id = WebContentsFake.next++;
    events = new Map<string, (...a: unknown[]) => void>();
    openHandler?: () => unknown;
    sent: [string, unknown][] = [];
    on(name: string, fn: (...a: unknown[]) => void) {
      this.events.set(name, fn);
      return this;
    }
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
    isDestroyed() {
      return false;
    }
    setWindowOpenHandler(fn: () => unknown) {
      this.openHandler = fn;
    }
    closeDevTools() {}
  }
  class BrowserWindow {
    webContents = new WebContentsFake();
    record: (typeof fake.windows)[number];
    constructor(options: { webPreferences: Record<string, unknown> }) {
      this.record = { options, loaded: [], contentsEvents: this.webContents.events, sent: this.webContents.sent };
      fake.windows.push(this.record);
      fake.instances.push(this);
    }
    once() {}
    on() {}
    loadURL(url: string) {
      this.record.loaded.push(url);
      this.record.openHandler = this.webContents.openHandler;
      return Promise.resolve();
    }
    static getAllWindows() {
      return fake.instances;
    }
    static fromWebContents() {
      return null;
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
      getName: () => 'OptiCounter',
      getAppPath: () => '/nowhere',
      isPackaged: false,
      on: (name: string, fn: (...a: unknown[]) => void) => fake.appEvents.set(name, fn),
      whenReady: () => fake.whenReady,
      quit: () => {},
      exit: () => {},
    },
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (schemes: (typeof fake.protocol.privileged)[number][]) => {
        fake.protocol.privileged.push(...schemes);
        fake.protocol.privilegedBeforeReady = !fake.state.readyCalled;
      },
      handle: (scheme: string, fn: (request: Request) => Promise<Response>) => fake.protocol.handlers.set(scheme, fn),
    },
    Menu: {
      buildFromTemplate: (template: unknown[]) => ({ template }),
      setApplicationMenu: (m: { template: unknown[] }) => {
        fake.menu.template = m.template;
      },
    },
    dialog: {
      showErrorBox: () => {},
      showSaveDialog: async () => (fake.state.saveTo ? { canceled: false, filePath: fake.state.saveTo } : { canceled: true }),
      showOpenDialog: async (...args: unknown[]) => {
        fake.state.openDialogOptions = args.at(-1);
        return fake.state.pickFolder ? { canceled: false, filePaths: [fake.state.pickFolder] } : { canceled: true, filePaths: [] };
      },
    },
    ipcMain: { handle: (channel: string, fn: (event: unknown, input: unknown) => Promise<unknown>) => fake.handlers.set(channel, fn) },
    // The preload's half.
    contextBridge: { exposeInMainWorld: (name: string, value: unknown) => fake.exposed.set(name, value) },
    ipcRenderer: {
      invoke: async (channel: string, input: unknown) => ({ channel, input }),
      on: (channel: string, fn: (...a: unknown[]) => void) => {
        let set = fake.rendererListeners.get(channel);
        if (!set) fake.rendererListeners.set(channel, (set = new Set()));
        set.add(fn);
      },
      removeListener: (channel: string, fn: (...a: unknown[]) => void) => fake.rendererListeners.get(channel)?.delete(fn),
    },
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
    expect(win.loaded[0]).toBe('app://opticounter/index.html');
    // A development build (the fake's isPackaged is false) keeps DevTools; installed ones do not.
    expect(win.options.webPreferences.devTools).toBe(true);
    expect(secureWebPreferences('/p.cjs', false).devTools).toBe(false);
    expect(secureWebPreferences('/p.cjs').devTools).toBe(false);
  });

  it('serves the renderer from app:// (standard, secure, registered before ready), never file://', async () => {
    await startApp();
    expect(fake.protocol.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, bypassCSP: false }) }]);
    expect(fake.protocol.privilegedBeforeReady).toBe(true);
    const handle = fake.protocol.handlers.get('app')!;
    // The shell's renderer root is ../renderer from src/main (out/renderer once built).
    const index = await handle(new Request('app://opticounter/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).toContain('<div id="root"></div>');
    expect((await handle(new Request('app://opticounter/'))).status).toBe(200);
    for (const url of ['app://opticounter/../main/index.ts', 'app://opticounter/%2e%2e/main/index.ts', 'app://opticounter/..%2fmain%2findex.ts', 'app://opticounter/missing.js', 'app://elsewhere/index.html']) {
      expect((await handle(new Request(url))).status, url).toBe(404);
    }
  });

  it('maps an app:// URL to a file under the renderer root only, with its MIME type', () => {
    const root = join(dataDir, 'renderer-root');
    expect(appUrlToFile('app://opticounter/index.html', root)).toBe(join(root, 'index.html'));
    expect(appUrlToFile('app://opticounter/', root)).toBe(join(root, 'index.html'));
    expect(appUrlToFile('app://opticounter/assets/index-C7Q.js?v=1#x', root)).toBe(join(root, 'assets', 'index-C7Q.js'));
    expect(appUrlToFile('app://opticounter/assets/a%20b.css', root)).toBe(join(root, 'assets', 'a b.css'));
    // Literal dot segments are resolved by the URL parser itself, and never above the root.
    expect(appUrlToFile('app://opticounter/../secret.js', root)).toBe(join(root, 'secret.js'));
    expect(appUrlToFile('app://opticounter/assets/../../../secret.js', root)).toBe(join(root, 'secret.js'));
    expect(appUrlToFile('app://opticounter/%2e%2e/secret.js', root)).toBe(join(root, 'secret.js'));
    for (const url of [
      'app://opticounter/%2E%2E%2Fsecret.js',
      'app://opticounter/..%5csecret.js',
      'app://opticounter/assets%00.js',
      'app://opticounter/%E0%A4%A.js',
      'app://opticounter/preload.cjs',
      'app://opticounter/opticounter.sqlite3',
      'app://other/index.html',
      'file:///index.html',
      'https://opticounter/index.html',
      'not a url',
    ]) {
      expect(appUrlToFile(url, root), url).toBeNull();
    }
    expect(contentTypeOf('a/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('a/x.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('a/x.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('a/x.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('a/x.woff2')).toBe('font/woff2');
    expect(contentTypeOf('a/x.exe')).toBeNull();
  });

  it('sets a minimal application menu: edit roles, window roles, DevTools only in development', async () => {
    await startApp();
    const roles = (template: unknown) => JSON.stringify(template).match(/"role":"\w+"/g)?.map((r) => r.slice(8, -1)) ?? [];
    expect(roles(fake.menu.template)).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'windowMenu', 'quit', 'toggleDevTools']));
    for (const platform of ['win32', 'darwin', 'linux'] as const) {
      const packaged = roles(applicationMenuTemplate({ packaged: true, platform, appName: 'OptiCounter' }));
      expect(packaged).toEqual(expect.arrayContaining(['undo', 'copy', 'paste', 'windowMenu', 'quit']));
      expect(packaged).not.toContain('toggleDevTools');
      expect(packaged).not.toContain('reload');
    }
  });

  it('swallows DevTools shortcuts and closes DevTools in an installed build', () => {
    const events = new Map<string, (...a: unknown[]) => void>();
    const closeDevTools = vi.fn();
    lockDevTools({ on: ((name: string, fn: (...a: unknown[]) => void) => events.set(name, fn)) as never, closeDevTools });
    const press = (key: string, mods: Partial<Record<'control' | 'meta' | 'shift' | 'alt', boolean>> = {}) => {
      const preventDefault = vi.fn();
      events.get('before-input-event')!({ preventDefault }, { type: 'keyDown', key, control: false, meta: false, shift: false, alt: false, ...mods });
      return preventDefault.mock.calls.length > 0;
    };
    expect(press('F12')).toBe(true);
    expect(press('I', { control: true, shift: true })).toBe(true);
    expect(press('j', { meta: true, alt: true })).toBe(true);
    expect(press('c', { control: true, shift: true })).toBe(true);
    // Ordinary typing and editing shortcuts go through.
    expect(press('c', { control: true })).toBe(false);
    expect(press('i')).toBe(false);
    events.get('devtools-opened')!();
    expect(closeDevTools).toHaveBeenCalled();
  });

  it('serves the app’s own frame and refuses a foreign or nested one', async () => {
    const win = await startApp();
    const appUrl = win.loaded[0]!;
    const handler = fake.handlers.get('app.info')!;
    const own = await handler({ senderFrame: { url: appUrl, parent: null }, sender: { id: 1 } }, {});
    expect(own).toEqual({ ok: true, data: { version: '9.9.9', dataDir, schemaVersion: Object.keys(migrations).length } });

    expect(appUrl).toBe('app://opticounter/index.html');
    for (const senderFrame of [
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///tmp/other.html', parent: null },
      // Every file: page, the app's own built file too, and other custom schemes or hosts.
      { url: `file://${process.cwd()}/out/renderer/index.html`, parent: null },
      { url: 'foo://opticounter/index.html', parent: null },
      { url: 'app://elsewhere/index.html', parent: null },
      { url: 'app://opticounter.evil/index.html', parent: null },
      { url: appUrl, parent: { url: appUrl } },
      null,
    ]) {
      const res = await handler({ senderFrame, sender: { id: 1 } }, {});
      expect(res).toMatchObject({ ok: false, error: { code: 'ipc.forbiddenSender', status: 403 } });
    }
  });

  it('keeps the session of each window in main, and parses input through the contract', async () => {
    const win = await startApp();
    const from = (windowId: number) => ({ senderFrame: { url: win.loaded[0], parent: null }, sender: { id: windowId } });
    const get = fake.handlers.get('customers.get')!;
    expect(await get(from(1), { id: 'x' })).toMatchObject({ ok: false, error: { code: 'auth.required' } });

    const setup = await fake.handlers.get('auth.setupOwner')!(from(1), { username: 'owner', displayName: 'Owner', password: 'owner-password-1' });
    expect(setup).toMatchObject({ ok: true, data: { sessionToken: '', staff: { username: 'owner' } } });
    expect(await get(from(1), { id: 42 })).toMatchObject({ ok: false, error: { code: 'validation', status: 400, fieldErrors: { id: expect.any(Array) } } });
    expect(await get(from(1), { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'customer.notFound' } });
    // Another window is not signed in by this one's sign-in.
    expect(await get(from(2), { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'auth.required' } });

    expect(await fake.handlers.get('auth.logout')!(from(1), {})).toMatchObject({ ok: true });
    expect(await get(from(1), { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'auth.required' } });
  });

  it('prints the card to a PDF for a signed-in window, and falls back to nothing for others', async () => {
    const win = await startApp();
    const printed = vi.fn(async () => Buffer.from('%PDF-1.4 card'));
    const from = (windowId: number) => ({ senderFrame: { url: win.loaded[0], parent: null }, sender: { id: windowId, printToPDF: printed } });
    const print = fake.handlers.get('app.printToPdf')!;
    expect(await print(from(7), {})).toMatchObject({ ok: false, error: { code: 'auth.required' } });
    expect(printed).not.toHaveBeenCalled();

    // The owner may already exist (an earlier test set it up): set up, or else sign in.
    const owner = { username: 'owner', displayName: 'Owner', password: 'owner-password-1' };
    const setup = (await fake.handlers.get('auth.setupOwner')!(from(7), owner)) as { ok: boolean };
    if (!setup.ok) await fake.handlers.get('auth.login')!(from(7), { username: owner.username, password: owner.password });
    fake.state.saveTo = join(dataDir, 'card.pdf');
    expect(await print(from(7), {})).toEqual({ ok: true, data: { handled: true, savedTo: fake.state.saveTo } });
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(fake.state.saveTo, 'utf8')).toBe('%PDF-1.4 card');
    fake.state.saveTo = null;
    expect(await print(from(7), {})).toEqual({ ok: true, data: { handled: true, savedTo: null } });
  });

  it('asks the owner for a folder in the system dialog (folders only), and says when it was cancelled', async () => {
    const win = await startApp();
    const from = (windowId: number) => ({ senderFrame: { url: win.loaded[0], parent: null }, sender: { id: windowId } });
    const pick = fake.handlers.get('app.pickFolder')!;
    const owner = { username: 'owner', displayName: 'Owner', password: 'owner-password-1' };
    const setup = (await fake.handlers.get('auth.setupOwner')!(from(8), owner)) as { ok: boolean };
    if (!setup.ok) await fake.handlers.get('auth.login')!(from(8), { username: owner.username, password: owner.password });
    fake.state.pickFolder = '/media/usb';
    expect(await pick(from(8), {})).toEqual({ ok: true, data: { handled: true, folder: '/media/usb' } });
    expect(fake.state.openDialogOptions).toMatchObject({ properties: expect.arrayContaining(['openDirectory']) });
    fake.state.pickFolder = null;
    expect(await pick(from(8), {})).toEqual({ ok: true, data: { handled: true, folder: null } });
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
    // No remote content: no source outside the app itself.
    expect(headers['Content-Security-Policy']?.[0]).not.toMatch(/https?:|\*/);
  });

  it('tells every window when the sync status changes (a save queues a change)', async () => {
    const win = await startApp();
    const from = { senderFrame: { url: win.loaded[0], parent: null }, sender: { id: 11 } };
    const owner = { username: 'owner', displayName: 'Owner', password: 'owner-password-1' };
    const setup = (await fake.handlers.get('auth.setupOwner')!(from, owner)) as { ok: boolean };
    if (!setup.ok) await fake.handlers.get('auth.login')!(from, { username: owner.username, password: owner.password });
    win.sent.length = 0;
    const created = await fake.handlers.get('customers.create')!(from, {
      customerData: { firstName: 'Eve', lastName: 'Event', email: 'eve@example.com', phoneNumber: '+33 6 00 00 00 00', dateOfBirth: '1990-01-01', sex: 'female' },
    });
    expect(created).toMatchObject({ ok: true });
    // Only "it changed": the page asks sync.status itself, through its own session.
    await vi.waitFor(() => expect(win.sent).toEqual([['opticounter:event', { type: 'sync.status' }]]), { timeout: 5_000 });
  });

  it('the preload exposes window.api from the contract and window.appEvents, nothing else', async () => {
    await import('../../src/preload/index');
    expect([...fake.exposed.keys()].sort()).toEqual(['api', 'appEvents']);
    const api = fake.exposed.get('api') as Record<string, Record<string, (i: unknown) => Promise<unknown>>>;
    expect(await api.customers!.get!({ id: 'x' })).toEqual({ channel: 'customers.get', input: { id: 'x' } });

    const bridge = fake.exposed.get('appEvents') as { subscribe(l: (e: unknown) => void): () => void };
    const got: unknown[] = [];
    const stop = bridge.subscribe((e) => got.push(e));
    const listeners = fake.rendererListeners.get('opticounter:event')!;
    expect(listeners.size).toBe(1);
    // The IPC event object (sender, ports) never reaches the page: the payload only.
    for (const l of listeners) l({ sender: 'ipc-internals', ports: [] }, { type: 'sync.status' });
    expect(got).toEqual([{ type: 'sync.status' }]);
    stop();
    expect(listeners.size).toBe(0);
  });
});
