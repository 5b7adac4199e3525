import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openCore } from '../../src/main/core';
import { type ReadAuthenticode, createElectronUpdater } from '../../src/main/shell/updater';
import { currentWindowsSystemDir, windowsProgram } from '../../src/main/system-programs';
import { WINDOWS_PUBLISHER_NAMES, authenticodeProblem, parseDn } from '../../src/main/update/signature';
import { UpdateService } from '../../src/main/update/service';
import { OWNER, manualClock, memoryLogger, tempDir } from '../helpers/core';

/*
 * The shell's updater against a fake 'electron-updater' (and a fake 'electron' for net.isOnline):
 * neither Electron's binary nor a real feed is available here. It checks the wiring — feed URL,
 * settings, events, install only on the click — not electron-updater itself.
 */
const fake = vi.hoisted(() => ({ online: true, updater: null as unknown as FakeAppUpdater }));

class FakeAppUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  allowPrerelease = true;
  allowDowngrade = true;
  logger: { info(m?: unknown): void; warn(m?: unknown): void; error(m?: unknown): void } | null = null;
  feeds: unknown[] = [];
  installs: unknown[][] = [];
  /** What the next checkForUpdates does. */
  onCheck: (u: FakeAppUpdater) => Promise<unknown> = async () => null;
  setFeedURL(options: unknown) {
    this.feeds.push(options);
  }
  checkForUpdates() {
    return this.onCheck(this);
  }
  quitAndInstall(...args: unknown[]) {
    this.installs.push(args);
  }
}

/** NsisUpdater's shape (Windows): the public verifier, and the private step that calls it. */
class FakeNsisUpdater extends FakeAppUpdater {
  verifyUpdateCodeSignature: (publishers: string[], file: string) => Promise<string | null> = async () => null;
  // electron-updater's own: no publisherName in app-update.yml means no check at all.
  async verifySignature(file: string): Promise<string | null> {
    const publisherName = null as string | null;
    return publisherName === null ? null : this.verifyUpdateCodeSignature([publisherName], file);
  }
}

// The programs the default Authenticode reader starts, and what they answer.
const spawned = vi.hoisted(() => ({ calls: [] as { file: string; args: readonly string[] }[] }));
vi.mock('node:child_process', async (importOriginal) => {
  const cp = await importOriginal<typeof import('node:child_process')>();
  const execFile = (file: string, args: readonly string[], _options: unknown, done: (err: Error | null, stdout: string, stderr: string) => void) => {
    spawned.calls.push({ file, args });
    done(null, '{}', '');
  };
  return { ...cp, default: { ...cp, execFile }, execFile };
});

vi.mock('electron', () => ({ net: { isOnline: () => fake.online } }));
vi.mock('electron-updater', () => ({
  default: {
    get autoUpdater() {
      return fake.updater;
    },
  },
}));

function setup(platform = 'win32', readAuthenticode?: ReadAuthenticode) {
  fake.updater = platform === 'win32' ? new FakeNsisUpdater() : new FakeAppUpdater();
  const log = memoryLogger();
  const adapter = createElectronUpdater(log, undefined, readAuthenticode);
  const clock = manualClock();
  let base = 'https://joptic.jethings.com';
  const service = new UpdateService({ updater: adapter, clock, log, platform, cloudBaseUrl: () => base });
  return { updater: fake.updater, adapter, service, log, clock, setBase: (b: string) => (base = b) };
}

const info = (version: string, releaseNotes?: unknown) => ({ version, files: [], path: '', sha512: '', releaseDate: '2026-01-15T00:00:00.000Z', releaseNotes });

describe('the shell updater (fake electron-updater)', () => {
  afterEach(() => {
    vi.useRealTimers();
    fake.online = true;
  });

  it('downloads in the background, installs on quit, and logs through the app log', () => {
    const { updater, log } = setup();
    expect(updater.autoDownload).toBe(true);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(updater.allowPrerelease).toBe(false);
    expect(updater.allowDowngrade).toBe(false);
    updater.logger?.info('Checking for update');
    expect(log.lines).toContain('info updater: Checking for update ');
  });

  it('points the generic provider at <cloud>/updates/<platform>/ and follows the cloud address', async () => {
    const { updater, service, clock, setBase } = setup('win32');
    await service.tick();
    expect(updater.feeds).toEqual([{ provider: 'generic', url: 'https://joptic.jethings.com/updates/win/' }]);

    // Same feed next time: not set again.
    clock.advance(5 * 3_600_000);
    await service.tick();
    expect(updater.feeds).toHaveLength(1);

    setBase('http://127.0.0.1:4010/');
    clock.advance(5 * 3_600_000);
    await service.tick();
    expect(updater.feeds.at(-1)).toEqual({ provider: 'generic', url: 'http://127.0.0.1:4010/updates/win/' });
  });

  it('asks the PowerShell of the Windows system directory by absolute path, never one found by search order', async () => {
    // By name, Windows looks in the current folder and PATH first: a planted powershell.exe would say any update is signed.
    spawned.calls.length = 0;
    const { updater } = setup('win32');
    const file = 'C:\\Users\\me\\AppData\\Local\\opticounter-updater\\pending\\OptiCounter-Setup-2.0.0.exe';
    expect(await (updater as FakeNsisUpdater).verifySignature(file)).toMatch(/not signed/);
    expect(spawned.calls.map((c) => c.file)).toEqual([windowsProgram('WindowsPowerShell\\v1.0\\powershell.exe', currentWindowsSystemDir())]);
    expect(spawned.calls[0]!.file).toMatch(/^[A-Z]:\\.+\\WindowsPowerShell\\v1\.0\\powershell\.exe$/i);
  });

  it('installs a Windows update only when Authenticode says it is validly signed by our publisher', async () => {
    const file = 'C:\\Users\\me\\AppData\\Local\\opticounter-updater\\pending\\temp-OptiCounter-Setup-2.0.0.exe';
    const signed = (subject: string, status = 0, path = file) => JSON.stringify({ Status: status, StatusMessage: 'x', Path: path, SignerCertificate: { Subject: subject } });
    let answer: () => Promise<string> = async () => signed(`CN=${WINDOWS_PUBLISHER_NAMES[0]}, O=Jethings, C=FR`);
    const asked: string[] = [];
    const { updater } = setup('win32', async (f) => {
      asked.push(f);
      return answer();
    });
    const nsis = updater as FakeNsisUpdater;
    // The check electron-updater runs before installing: ours, whatever app-update.yml says.
    expect(await nsis.verifySignature(file)).toBeNull();
    expect(await nsis.verifyUpdateCodeSignature([], file)).toBeNull();
    expect(asked).toEqual([file, file]);

    // Unsigned (NotSigned = 2), tampered (HashMismatch = 1), another publisher, another file, a check that fails: refused.
    answer = async () => signed('', 2);
    expect(await nsis.verifySignature(file)).toMatch(/not signed/);
    answer = async () => signed(`CN=${WINDOWS_PUBLISHER_NAMES[0]}`, 1);
    expect(await nsis.verifySignature(file)).toMatch(/not valid/);
    answer = async () => signed('CN=Evil Corp, O=Evil Corp');
    expect(await nsis.verifySignature(file)).toMatch(/Evil Corp/);
    answer = async () => signed(`CN=${WINDOWS_PUBLISHER_NAMES[0]}`, 0, 'C:\\Windows\\notepad.exe');
    expect(await nsis.verifySignature(file)).toMatch(/another file/);
    answer = async () => {
      throw new Error('powershell.exe not found');
    };
    expect(await nsis.verifySignature(file)).toMatch(/could not be checked/);
    answer = async () => 'not json';
    expect(await nsis.verifySignature(file)).toMatch(/could not be read/);
  });

  it('electron-updater still verifies through verifySignature before it installs (pins the override)', () => {
    const source = readFileSync(join(dirname(createRequire(import.meta.url).resolve('electron-updater')), 'NsisUpdater.js'), 'utf8');
    expect(source).toContain('await this.verifySignature(destinationFile)');
    expect(source).toMatch(/async verifySignature\(tempUpdateFile\)/);
  });

  it('matches a publisher by CN, or by every part of a full distinguished name', () => {
    const at = (subject: string) => JSON.stringify({ Status: 0, Path: 'C:\\u.exe', SignerCertificate: { Subject: subject } });
    expect(parseDn('CN=Jethings, O="Jethings, SAS", C=FR')).toEqual(new Map([['CN', 'Jethings'], ['O', 'Jethings, SAS'], ['C', 'FR']]));
    expect(parseDn('Jethings').size).toBe(0);
    expect(authenticodeProblem(at('CN=Jethings, O=X'), 'c:/u.exe', ['Jethings'])).toBeNull();
    expect(authenticodeProblem(at('CN=Jethings Ltd, O=X'), 'C:\\u.exe', ['Jethings'])).not.toBeNull();
    expect(authenticodeProblem(at('CN=Jethings, O=X, C=FR'), 'C:\\u.exe', ['CN=Jethings, C=FR'])).toBeNull();
    expect(authenticodeProblem(at('CN=Jethings, O=X, C=US'), 'C:\\u.exe', ['CN=Jethings, C=FR'])).not.toBeNull();
    expect(authenticodeProblem(JSON.stringify({ Status: 0, Path: 'C:\\u.exe', SignerCertificate: null }), 'C:\\u.exe', ['Jethings'])).not.toBeNull();
    expect(authenticodeProblem('null', 'C:\\u.exe', ['Jethings'])).not.toBeNull();
  });

  it('asks Electron whether the PC is online', async () => {
    const { updater, service } = setup('linux');
    const check = vi.spyOn(updater, 'checkForUpdates');
    fake.online = false;
    await service.tick();
    expect(check).not.toHaveBeenCalled();
    fake.online = true;
    await service.tick();
    expect(check).toHaveBeenCalledOnce();
  });

  it('maps electron-updater’s events, and installs only when staff click', async () => {
    const { updater, service } = setup('darwin');
    let failDownload: (err: Error) => void = () => {};
    updater.onCheck = async (u) => {
      u.emit('checking-for-update');
      u.emit('update-available', info('2.0.0', [{ version: '2.0.0', note: '<p>New <b>grid</b></p>' }]));
      const downloadPromise = new Promise((_resolve, reject) => {
        failDownload = reject;
      });
      return { isUpdateAvailable: true, updateInfo: info('2.0.0'), downloadPromise };
    };
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      await service.tick();
      expect(service.status()).toMatchObject({ state: 'downloading', version: '2.0.0', releaseNotes: [{ version: '2.0.0', text: 'New grid' }] });
      updater.emit('download-progress', { percent: 55.5, total: 100, delta: 1, transferred: 55, bytesPerSecond: 1 });
      expect(service.status().progress).toBe(56);
      updater.emit('update-downloaded', { ...info('2.0.0'), downloadedFile: '/tmp/x.zip' });
      expect(service.status(false)).toMatchObject({ state: 'ready', offerRestart: true });
      // A rejected download promise is reported by the 'error' event, never left unhandled.
      failDownload(new Error('late'));
      await new Promise((r) => setTimeout(r, 10));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }

    expect(updater.installs).toEqual([]);
    vi.useFakeTimers();
    service.restart();
    vi.runAllTimers();
    expect(updater.installs).toEqual([[false, true]]);
  });

  it('reports an error event once, with its first line', async () => {
    const { updater, service } = setup('linux');
    updater.onCheck = async (u) => {
      const err = new Error('HttpError: 404 Not Found\n"method: GET url: https://joptic.jethings.com/updates/linux/latest-linux.yml"');
      u.emit('error', err);
      throw err;
    };
    await service.tick();
    expect(service.status()).toMatchObject({ state: 'error', error: 'HttpError: 404 Not Found' });
    expect(updater.listenerCount('error')).toBe(1);
  });

  it('drives the core’s update channels', async () => {
    const { updater, adapter } = setup('linux');
    const tmp = tempDir();
    const core = await openCore({ dataDir: tmp.dir, appVersion: '1.0.0', log: memoryLogger(), updater: adapter, clock: manualClock() });
    try {
      const { sessionToken } = await core.call('auth.setupOwner', OWNER);
      const as = { sessionToken };
      expect((await core.call('update.status', {}, as)).state).not.toBe('unsupported');
      updater.emit('update-available', info('1.1.0', 'Fixes'));
      updater.emit('update-downloaded', { ...info('1.1.0'), downloadedFile: '/tmp/x.AppImage' });
      expect(await core.call('update.status', { busy: true }, as)).toMatchObject({ state: 'ready', version: '1.1.0', offerRestart: false });
      expect(await core.call('update.status', { busy: false }, as)).toMatchObject({ state: 'ready', offerRestart: true, releaseNotes: [{ text: 'Fixes' }] });
      expect(updater.installs).toEqual([]);
      expect(await core.call('update.restart', {}, as)).toEqual({ message: expect.any(String) });
      await vi.waitFor(() => expect(updater.installs).toHaveLength(1));
    } finally {
      await core.close();
      tmp.remove();
    }
  });
});
