import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import type { CloudServer } from '../cloud/server';
import { expectFailure, layla, openTestCore, person, tempDir } from '../helpers/core';
import { STORE, cloudWithStore, connect, syncUntilSettled } from '../helpers/sync';

/**
 * Issue 12 item 10: the owner can turn sync off (and on again). While it is off nothing is sent to or
 * asked of the cloud, local changes keep queueing, and the status says "off" (not offline, not an error).
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setUp(): Promise<{ core: Core; raw: Core; cloud: CloudServer; dir: string; close: () => Promise<void> }> {
  const cloud = await cloudWithStore({ rateLimitPerMinute: null });
  const tmp = tempDir();
  cleanups.push(() => cloud.close(), tmp.remove);
  // The engine runs on its own timer here, as at the counter: a save wakes it within a second.
  const t = await openTestCore({ dataDir: tmp.dir, core: { syncTimeoutMs: 3_000 } });
  cleanups.push(t.close);
  await connect(t.core, cloud);
  return { core: t.core, raw: t.raw, cloud, dir: t.dir, close: t.close };
}

async function until(what: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(50);
  }
}

describe('sync.setEnabled', () => {
  it('off: edits queue and no request reaches the cloud; on: they arrive', async () => {
    const { core, cloud } = await setUp();
    await until(async () => (await core.call('sync.status', {})).state === 'idle');
    cloud.clearRequestLog();

    const off = await core.call('sync.setEnabled', { enabled: false });
    expect(off).toMatchObject({ state: 'off', pending: 0 });
    const { customer } = await core.call('customers.create', layla);
    await core.call('customers.update', { id: customer.id, customerData: { phoneNumber: '+1-555-0111' } });
    await core.call('customers.create', person('Walk', 'In'));
    await sleep(1_500); // well past the 300 ms a save waits before waking the engine
    await expectFailure(core, 'sync.now', {}, 'sync.off', 409);
    await core.call('sync.retryParked', {});
    await sleep(300);
    expect(cloud.requestLog()).toEqual([]);
    expect(await core.call('sync.status', {})).toMatchObject({ state: 'off', pending: 2, lastError: null });

    expect(await core.call('sync.setEnabled', { enabled: true })).toMatchObject({ state: expect.not.stringMatching(/^off$/) });
    await until(async () => (await core.call('sync.status', {})).pending === 0);
    const there = cloud.customers(STORE.storeId);
    expect(there.map((c) => c.localData.lastName).sort()).toEqual(['Hassan', 'In']);
    expect(there.find((c) => c.localData.lastName === 'Hassan')!.localData.phoneNumber).toBe('+1-555-0111');
  });

  it('stays off after the app restarts, and is audited each way as the owner', async () => {
    const { core, dir, close } = await setUp();
    await core.call('sync.setEnabled', { enabled: false });
    const entries = await core.call('audit.list', { entity: 'setting', entityId: 'sync.enabled', limit: 10 });
    expect(entries.map((e) => [e.action, e.staffName, e.before, e.after])).toEqual([['update', 'owner', { enabled: true }, { enabled: false }]]);
    await close(); // the app quits; its data folder stays

    const again = await openTestCore({ dataDir: dir, core: { syncTimeoutMs: 3_000 } });
    cleanups.push(again.close);
    expect(await again.core.call('sync.status', {})).toMatchObject({ state: 'off' });
    await again.core.call('sync.setEnabled', { enabled: true });
    expect(await syncUntilSettled(again.core)).toMatchObject({ state: 'idle' });
    const after = await again.core.call('audit.list', { entity: 'setting', entityId: 'sync.enabled', limit: 10 });
    expect(after[0]).toMatchObject({ before: { enabled: false }, after: { enabled: true } });
  });

  it('is the owner\'s; and refused before sync is set up', async () => {
    const { core, raw } = await setUp();
    await core.call('staff.create', { username: 'nadia', displayName: 'Nadia', password: 'staff-password-1', role: 'staff' });
    const staff = { sessionToken: (await raw.call('auth.login', { username: 'nadia', password: 'staff-password-1' })).sessionToken };
    expect(await raw.handle('sync.setEnabled', { enabled: false }, staff)).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });

    const blank = await openTestCore();
    cleanups.push(blank.close);
    await expectFailure(blank.core, 'sync.setEnabled', { enabled: false }, 'sync.notConfigured');
  });
});
