import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BUSY_LEASE_MS,
  CHECK_INTERVAL_MS,
  RETRY_BASE_MS,
  type UpdateModel,
  type UpdaterEvent,
  feedPlatform,
  feedUrl,
  feedUrlProblem,
  initialModel,
  nextCheckAt,
  normaliseReleaseNotes,
  offersRestart,
  reduce,
  reportBusy,
  shouldCheck,
  startCheck,
} from '../../src/main/update/policy';
import { UpdateService, type UpdaterAdapter } from '../../src/main/update/service';
import { UpdateStatus } from '../../src/shared/update/schema';
import { openCore } from '../../src/main/core';
import { OWNER, expectFailure, manualClock, memoryLogger, openTestCore, tempDir } from '../helpers/core';

const T0 = Date.parse('2026-01-15T10:00:00.000Z');
const HOUR = 3_600_000;
const open = { online: true };

function after(m: UpdateModel, events: UpdaterEvent[], at = T0): UpdateModel {
  return events.reduce((acc, e) => reduce(acc, e, at), m);
}

describe('when to check', () => {
  it('checks at start whenever online, licensed or not (security fixes reach every install)', () => {
    const m = initialModel(true);
    expect(shouldCheck(m, T0, open)).toBe(true);
    expect(shouldCheck(m, T0, { online: false })).toBe(false);
  });

  it('never checks without an updater', () => {
    const m = initialModel(false);
    expect(m.state).toBe('unsupported');
    expect(shouldCheck(m, T0, open)).toBe(false);
    expect(reduce(m, { type: 'downloaded', version: '2.0.0' }, T0)).toBe(m);
  });

  it('checks again only once the interval has passed since the last check', () => {
    const checked = after(startCheck(initialModel(true), T0), [{ type: 'not-available' }], T0 + 5_000);
    expect(checked.state).toBe('idle');
    expect(nextCheckAt(checked)).toBe(T0 + 5_000 + CHECK_INTERVAL_MS);
    expect(shouldCheck(checked, T0 + HOUR, open)).toBe(false);
    expect(shouldCheck(checked, T0 + 5_000 + CHECK_INTERVAL_MS - 1, open)).toBe(false);
    expect(shouldCheck(checked, T0 + 5_000 + CHECK_INTERVAL_MS, open)).toBe(true);
    expect(CHECK_INTERVAL_MS).toBe(4 * HOUR);
  });

  it('starts nothing while a check or a download is under way, or once an update is ready', () => {
    const checking = startCheck(initialModel(true), T0);
    expect(shouldCheck(checking, T0 + 10 * CHECK_INTERVAL_MS, open)).toBe(false);
    const downloading = after(checking, [{ type: 'available', version: '2.0.0' }]);
    expect(downloading.state).toBe('downloading');
    expect(shouldCheck(downloading, T0 + 10 * CHECK_INTERVAL_MS, open)).toBe(false);
    const ready = after(downloading, [{ type: 'downloaded', version: '2.0.0' }]);
    expect(ready.state).toBe('ready');
    expect(shouldCheck(ready, T0 + 10 * CHECK_INTERVAL_MS, open)).toBe(false);
  });

  it('tries a failed check again later, sooner than the interval but backing off', () => {
    let m = after(startCheck(initialModel(true), T0), [{ type: 'error', message: 'net::ERR_INTERNET_DISCONNECTED' }]);
    expect(m).toMatchObject({ state: 'error', failures: 1, error: 'net::ERR_INTERNET_DISCONNECTED' });
    expect(shouldCheck(m, T0 + RETRY_BASE_MS - 1, open)).toBe(false);
    expect(shouldCheck(m, T0 + RETRY_BASE_MS, open)).toBe(true);

    const t1 = T0 + RETRY_BASE_MS;
    m = reduce(startCheck(m, t1), { type: 'error', message: '503' }, t1);
    expect(m.failures).toBe(2);
    expect(nextCheckAt(m)).toBe(t1 + 2 * RETRY_BASE_MS);
    // However many failures, never longer than the interval.
    m = { ...m, failures: 30 };
    expect(nextCheckAt(m)).toBe(t1 + CHECK_INTERVAL_MS);
    // A later answer clears the failures.
    m = reduce(startCheck(m, t1 + CHECK_INTERVAL_MS), { type: 'not-available' }, t1 + CHECK_INTERVAL_MS);
    expect(m).toMatchObject({ state: 'idle', failures: 0, error: null });
  });

  it('keeps only the first line of an error, bounded', () => {
    const m = after(startCheck(initialModel(true), T0), [{ type: 'error', message: `HttpError: 404\n<html>${'x'.repeat(5000)}</html>` }]);
    expect(m.error).toBe('HttpError: 404');
    const long = after(startCheck(initialModel(true), T0), [{ type: 'error', message: 'y'.repeat(1000) }]);
    expect(long.error!.length).toBeLessThanOrEqual(300);
  });
});

describe('offering the restart', () => {
  const ready = after(startCheck(initialModel(true), T0), [
    { type: 'checking' },
    { type: 'available', version: '2.0.0', releaseNotes: 'Faster search' },
    { type: 'progress', percent: 42.4 },
    { type: 'downloaded', version: '2.0.0' },
  ]);

  it('downloads in the background and reports progress', () => {
    const downloading = after(startCheck(initialModel(true), T0), [{ type: 'available', version: '2.0.0' }, { type: 'progress', percent: 42.4 }]);
    expect(downloading).toMatchObject({ state: 'downloading', version: '2.0.0', progress: 42 });
    expect(offersRestart(downloading, T0)).toBe(false);
  });

  it('offers it once downloaded while the counter is idle', () => {
    expect(ready).toMatchObject({ state: 'ready', version: '2.0.0', progress: 100, releaseNotes: [{ version: null, text: 'Faster search' }] });
    expect(offersRestart(ready, T0)).toBe(true);
    expect(offersRestart(reportBusy(ready, false, T0), T0)).toBe(true);
  });

  it('does not offer it while staff are busy with a customer', () => {
    const busy = reportBusy(ready, true, T0);
    expect(offersRestart(busy, T0)).toBe(false);
    expect(offersRestart(busy, T0 + BUSY_LEASE_MS - 1)).toBe(false);
    // Back to idle: offered again.
    expect(offersRestart(reportBusy(busy, false, T0 + 1000), T0 + 1000)).toBe(true);
  });

  it('lets a busy report lapse, so a closed window never hides the offer for good', () => {
    const busy = reportBusy(ready, true, T0);
    expect(offersRestart(busy, T0 + BUSY_LEASE_MS)).toBe(true);
    // A renewed report keeps it hidden.
    expect(offersRestart(reportBusy(busy, true, T0 + BUSY_LEASE_MS), T0 + BUSY_LEASE_MS + 1000)).toBe(false);
  });

  it('keeps a downloaded update ready through a later error', () => {
    const m = reduce(ready, { type: 'error', message: 'late' }, T0);
    expect(m.state).toBe('ready');
    expect(offersRestart(m, T0)).toBe(true);
  });

  it('keeps the notes of the available event when the downloaded one has none', () => {
    const m = after(startCheck(initialModel(true), T0), [
      { type: 'available', version: '2.0.0', releaseNotes: [{ version: '2.0.0', note: 'New grid' }] },
      { type: 'downloaded', version: '2.0.0', releaseNotes: null },
    ]);
    expect(m.releaseNotes).toEqual([{ version: '2.0.0', text: 'New grid' }]);
  });
});

describe('release notes', () => {
  it('turns HTML into plain text lines', () => {
    expect(
      normaliseReleaseNotes('<h2>2.0</h2><p>Search is <b>faster</b> &amp; lighter.</p><ul><li>New grid</li><li>Print&nbsp;card</li></ul><script>alert(1)</script>'),
    ).toEqual([{ version: null, text: '2.0\nSearch is faster & lighter.\n\n- New grid\n- Print card' }]);
  });

  it('keeps markdown and plain text as they are, trimmed', () => {
    expect(normaliseReleaseNotes('  * Faster search\n* Print card  \n')).toEqual([{ version: null, text: '* Faster search\n* Print card' }]);
  });

  it('keeps one entry per version in the list form, dropping empty notes', () => {
    expect(
      normaliseReleaseNotes([
        { version: '2.1.0', note: 'Fixes &lt;b&gt; in names' },
        { version: '2.0.0', note: null },
        { version: '1.9.0', note: '<p>Backups</p>' },
      ]),
    ).toEqual([
      { version: '2.1.0', text: 'Fixes <b> in names' },
      { version: '1.9.0', text: 'Backups' },
    ]);
  });

  it('answers nothing for no notes, and bounds long ones', () => {
    expect(normaliseReleaseNotes(null)).toEqual([]);
    expect(normaliseReleaseNotes(undefined)).toEqual([]);
    expect(normaliseReleaseNotes('   ')).toEqual([]);
    const [long] = normaliseReleaseNotes('a'.repeat(10_000));
    expect(long!.text.length).toBeLessThanOrEqual(4000);
    expect(normaliseReleaseNotes(Array.from({ length: 50 }, (_, i) => ({ version: `1.${i}.0`, note: 'x' })))).toHaveLength(20);
  });

  it('drops control characters and decodes numeric entities', () => {
    expect(normaliseReleaseNotes('caf&#233; &#x2014; ok\u0007\u001b')).toEqual([{ version: null, text: 'café — ok' }]);
  });
});

describe('the feed', () => {
  it('lives at <cloud>/updates/<win|mac|linux>/', () => {
    expect(feedPlatform('win32')).toBe('win');
    expect(feedPlatform('darwin')).toBe('mac');
    expect(feedPlatform('linux')).toBe('linux');
    expect(feedPlatform('freebsd')).toBeNull();
    expect(feedUrl('https://joptic.jethings.com', 'win')).toBe('https://joptic.jethings.com/updates/win/');
    expect(feedUrl('http://127.0.0.1:4010/', 'linux')).toBe('http://127.0.0.1:4010/updates/linux/');
  });
});

/** An updater that records what it is asked and reports what the test says. */
function fakeUpdater(answer: (feedUrl: string, emit: (e: UpdaterEvent) => void) => Promise<void> = async () => {}) {
  const listeners: ((e: UpdaterEvent) => void)[] = [];
  const emit = (e: UpdaterEvent) => listeners.forEach((l) => l(e));
  const seen = { checks: [] as string[], installs: 0, online: true };
  const adapter: UpdaterAdapter = {
    check: async (url) => {
      seen.checks.push(url);
      await answer(url, emit);
    },
    quitAndInstall: () => {
      seen.installs++;
    },
    onEvent: (l) => void listeners.push(l),
    isOnline: () => seen.online,
  };
  return Object.assign(seen, adapter, { emit });
}

describe('the update service', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('checks the feed of its platform when online, and not otherwise', async () => {
    const clock = manualClock();
    const updater = fakeUpdater();
    const service = new UpdateService({ updater, clock, log: memoryLogger(), platform: 'win32', cloudBaseUrl: () => 'https://cloud.example' });
    updater.online = false;
    await service.tick();
    expect(updater.checks).toEqual([]);

    updater.online = true;
    await service.tick();
    expect(updater.checks).toEqual(['https://cloud.example/updates/win/']);
    expect(service.status()).toMatchObject({ state: 'idle', offerRestart: false, lastCheckedAt: clock.now().toISOString() });

    // Not again before the interval, however often it ticks.
    clock.advance(CHECK_INTERVAL_MS - 1);
    await service.tick();
    expect(updater.checks).toHaveLength(1);
    clock.advance(1);
    await service.tick();
    expect(updater.checks).toHaveLength(2);
  });

  it('never asks a feed that is not https (loopback excepted, for tests), and says why', async () => {
    const clock = manualClock();
    const updater = fakeUpdater();
    let base = 'http://updates.example';
    const service = new UpdateService({ updater, clock, log: memoryLogger(), platform: 'linux', cloudBaseUrl: () => base });
    await service.tick();
    expect(updater.checks).toEqual([]);
    expect(service.status()).toMatchObject({ state: 'error', error: expect.stringContaining('https') });

    for (const refused of ['ftp://updates.example', 'http://127.0.0.1.evil.example', 'http://localhost.evil.example:80', 'not a url']) {
      expect(feedUrlProblem(feedUrl(refused, 'linux'))).toMatch(/https/);
    }
    for (const allowed of ['https://joptic.jethings.com', 'http://127.0.0.1:4010', 'http://localhost:4010', 'http://[::1]:4010']) {
      expect(feedUrlProblem(feedUrl(allowed, 'linux'))).toBeNull();
    }

    base = 'https://cloud.example';
    clock.advance(CHECK_INTERVAL_MS);
    await service.tick();
    expect(updater.checks).toEqual(['https://cloud.example/updates/linux/']);
  });

  it('checks for updates on an install that is not licensed (trial over): installing stays the user’s choice', async () => {
    const clock = manualClock();
    const tmp = tempDir();
    try {
      // The first start begins the trial; a month later the trial is over.
      const first = await openCore({ dataDir: tmp.dir, appVersion: '1.0.0', log: memoryLogger(), clock });
      const { sessionToken } = await first.call('auth.setupOwner', OWNER);
      expect(await first.call('licence.status', {}, { sessionToken })).toMatchObject({ canWrite: true });
      await first.close();
      clock.advance(30 * 24 * HOUR);

      const updater = fakeUpdater(async (_url, emit) => emit({ type: 'available', version: '2.0.0' }));
      const core = await openCore({ dataDir: tmp.dir, appVersion: '1.0.0', log: memoryLogger(), clock, updater });
      try {
        const login = await core.call('auth.login', { username: OWNER.username, password: OWNER.password });
        expect(await core.call('licence.status', {}, login)).toMatchObject({ canWrite: false });
        await vi.waitFor(() => expect(updater.checks).toEqual(['https://joptic.jethings.com/updates/' + feedPlatform(process.platform) + '/']));
        // Found and downloading; nothing installs unless staff click (or quit the app).
        expect(await core.call('update.status', {}, login)).toMatchObject({ state: 'downloading', version: '2.0.0' });
        expect(updater.installs).toBe(0);
      } finally {
        await core.close();
      }
    } finally {
      tmp.remove();
    }
  });

  it('offers the restart when idle, installs only on the click, and refuses it before an update is ready', async () => {
    const clock = manualClock();
    const updater = fakeUpdater(async (_url, emit) => {
      emit({ type: 'checking' });
      emit({ type: 'available', version: '2.0.0', releaseNotes: '<p>Faster</p>' });
    });
    const service = new UpdateService({ updater, clock, log: memoryLogger(), platform: 'linux' });
    expect(() => service.restart()).toThrow(expect.objectContaining({ code: 'update.notReady', status: 409 }));

    await service.tick();
    expect(updater.checks).toEqual(['https://joptic.jethings.com/updates/linux/']);
    expect(service.status()).toMatchObject({ state: 'downloading', version: '2.0.0', progress: 0, offerRestart: false });
    updater.emit({ type: 'progress', percent: 73.2 });
    expect(service.status().progress).toBe(73);
    updater.emit({ type: 'downloaded', version: '2.0.0' });

    // Busy with a customer: ready, but not offered; nothing installs on its own.
    const busy = service.status(true);
    expect(UpdateStatus.parse(busy)).toEqual(busy);
    expect(busy).toMatchObject({ state: 'ready', version: '2.0.0', offerRestart: false, releaseNotes: [{ version: null, text: 'Faster' }] });
    clock.advance(60_000);
    expect(service.status(true).offerRestart).toBe(false);
    expect(service.status(false).offerRestart).toBe(true);
    expect(updater.installs).toBe(0);

    vi.useFakeTimers();
    expect(service.restart()).toEqual({ message: expect.any(String) });
    expect(updater.installs).toBe(0); // the answer goes back first
    vi.runAllTimers();
    expect(updater.installs).toBe(1);
  });

  it('reports a failed check as an error and tries again later', async () => {
    const clock = manualClock();
    let fail = true;
    const updater = fakeUpdater(async (_url, emit) => {
      if (fail) {
        // electron-updater both emits the error and rejects.
        emit({ type: 'error', message: 'net::ERR_NAME_NOT_RESOLVED' });
        throw new Error('net::ERR_NAME_NOT_RESOLVED');
      }
    });
    const log = memoryLogger();
    const service = new UpdateService({ updater, clock, log, platform: 'darwin' });
    await service.tick();
    expect(service.status()).toMatchObject({ state: 'error', error: 'net::ERR_NAME_NOT_RESOLVED', offerRestart: false });
    expect(log.lines.some((l) => l.includes('net::ERR_NAME_NOT_RESOLVED'))).toBe(true);

    clock.advance(RETRY_BASE_MS - 1000);
    await service.tick();
    expect(updater.checks).toHaveLength(1);
    fail = false;
    clock.advance(1000);
    await service.tick();
    expect(updater.checks).toHaveLength(2);
    expect(service.status()).toMatchObject({ state: 'idle' });
    expect(service.status().error).toBeUndefined();
  });

  it('turns a rejected check with no event into an error', async () => {
    const updater = fakeUpdater(async () => {
      throw new Error('boom');
    });
    const service = new UpdateService({ updater, clock: manualClock(), log: memoryLogger(), platform: 'linux' });
    await service.tick();
    expect(service.status()).toMatchObject({ state: 'error', error: 'boom' });
  });

  it('checks at start and then on its timer', async () => {
    vi.useFakeTimers();
    const clock = { now: () => new Date(Date.now()) };
    const updater = fakeUpdater();
    const service = new UpdateService({ updater, clock, log: memoryLogger(), platform: 'linux', tickMs: 60_000 });
    service.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(updater.checks).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS - 60_000);
    expect(updater.checks).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(updater.checks).toHaveLength(2);
    await service.stop();
    await vi.advanceTimersByTimeAsync(2 * CHECK_INTERVAL_MS);
    expect(updater.checks).toHaveLength(2);
  });
});

describe('the update channels in the core', () => {
  it('answers unsupported without an updater (browser host, tests) and refuses the restart', async () => {
    const { core, raw, close } = await openTestCore();
    try {
      expect(await core.call('update.status', {})).toEqual({ state: 'unsupported', offerRestart: false });
      expect(await core.call('update.status', { busy: true })).toEqual({ state: 'unsupported', offerRestart: false });
      await expectFailure(core, 'update.restart', {}, 'update.notReady', 409);
      // Signed-in callers only.
      expect(await raw.handle('update.status', {})).toMatchObject({ ok: false, error: { code: 'auth.required' } });
      await expectFailure(core, 'update.status', { busy: 'yes' }, 'validation', 400);
    } finally {
      await close();
    }
  });
});
