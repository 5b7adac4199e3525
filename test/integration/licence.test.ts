import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/db/database';
import { decodeRequestCode } from '../../src/main/licence/request-code';
import { TRIAL_DAYS } from '../../src/main/licence/trial';
import { keyFromData } from '../../src/shared/licence/key';
import { type CloudServer, startCloud } from '../cloud/server';
import type { Core } from '../../src/main/core';
import { OWNER, expectFailure, layla, manualClock, openTestCore, person } from '../helpers/core';
import { OTHER_MACHINE, TEST_MACHINE, makeLicence, signLicence, testSigner } from '../helpers/licence';

const DAY = 86_400_000;
const STORE = 'store-licence-1';

let clock: ReturnType<typeof manualClock>;
let cloud: CloudServer;
let cleanups: (() => unknown)[];

beforeEach(async () => {
  clock = manualClock('2026-01-15T10:00:00.000Z');
  // The cloud shares the test's clock: the licences it issues are dated in the same time.
  cloud = await startCloud({ now: () => clock.now(), rateLimitPerMinute: null });
  cleanups = [() => cloud.close()];
});
afterEach(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

/** A store's core on its own data dir, trusting the cloud's licence key, as machine `machineId`. */
async function openStore(opts: { machineId?: string; dataDir?: string; configure?: boolean } = {}) {
  const t = await openTestCore({
    clock,
    dataDir: opts.dataDir,
    core: { trustedLicenceKeys: [{ kid: cloud.licenceKid, pem: cloud.licencePublicKeyPem }], machineId: opts.machineId ?? TEST_MACHINE },
  });
  if (opts.configure !== false) await t.core.call('licence.configure', { baseUrl: cloud.url, storeId: STORE });
  return t;
}

/**
 * The owner signed in again: moving the clock by days locks (and ends) the sessions opened before,
 * as it would at a real counter.
 */
async function owner(t: { raw: Core }): Promise<Core> {
  const { sessionToken } = await t.raw.call('auth.login', { username: OWNER.username, password: OWNER.password });
  return { ...t.raw, handle: (c, i, o) => t.raw.handle(c, i, o ?? { sessionToken }), call: (c, i, o) => t.raw.call(c, i, o ?? { sessionToken }) };
}

function keep<T extends { close: () => Promise<void> }>(t: T): T {
  cleanups.push(() => t.close());
  return t;
}

describe('the trial', () => {
  it('runs a fresh install as a 14-day trial with everything working, and says how many days are left', async () => {
    const { core } = keep(await openStore());
    const status = await core.call('licence.status', {});
    expect(status).toMatchObject({ state: 'trial', trialDaysLeft: TRIAL_DAYS, canWrite: true, key: null, machineId: TEST_MACHINE, reason: null });
    await core.call('customers.create', layla);
    clock.advance(3 * DAY + 60_000);
    // Public: the activation screen and the header ask before anyone signs in.
    expect((await core.call('licence.status', {}, {})).trialDaysLeft).toBe(11);
  });

  it('once over, refuses changes with licence.required while reading, exporting and backups still work', async () => {
    const t = keep(await openStore());
    const { customer } = await t.core.call('customers.create', layla);
    clock.advance(TRIAL_DAYS * DAY + 1);
    const core = await owner(t);

    const status = await core.call('licence.status', {});
    expect(status).toMatchObject({ state: 'unlicensed', trialDaysLeft: 0, canWrite: false, reasonCode: 'trialOver' });
    expect(status.reason).toContain('trial ended on 2026-01-29');

    const refused = await expectFailure(core, 'customers.create', person('Nadia', 'Amrani'), 'licence.required', 403);
    expect(refused.message).toContain('trial ended');
    expect(refused.message).toContain('read and exported');
    await expectFailure(core, 'customers.update', { id: customer.id, customerData: { firstName: 'L' } }, 'licence.required');
    await expectFailure(core, 'customers.delete', { id: customer.id }, 'licence.required');
    await expectFailure(core, 'prescriptions.create', { customerId: customer.id, rx: {} }, 'licence.required');
    await expectFailure(core, 'staff.create', { username: 'sam', displayName: 'Sam', password: 'sam-password-1', role: 'staff' }, 'licence.required');

    // The store's data is never held hostage.
    expect((await core.call('customers.list', {})).data).toHaveLength(1);
    expect((await core.call('customers.get', { id: customer.id })).localData.firstName).toBe('Layla');
    expect((await core.call('customers.export', { id: customer.id })).fileName).toMatch(/\.zip$/);
    expect((await core.call('prescriptions.list', { customerId: customer.id })).length).toBeGreaterThan(0);
    expect((await core.call('backup.create', {})).name).toBeTruthy();
    expect(await core.call('auth.me', {})).toBeTruthy();
  });

  it('gives no days back when the clock is turned back, nor when the trial row is deleted', async () => {
    const t = await openStore();
    await t.core.call('customers.create', layla);
    clock.advance(20 * DAY);
    expect((await t.core.call('licence.status', {})).state).toBe('unlicensed');
    await t.raw.close();

    // Someone deletes the trial's row and turns the clock back to the first day.
    const store = await openDatabase({ dataDir: t.dir, clock });
    await store.db.deleteFrom('settings').where('key', '=', 'licence.trialStartedAt').execute();
    await store.db.destroy();
    clock.set('2026-01-15T10:00:00.000Z');
    const again = keep(await openStore({ dataDir: t.dir, configure: false }));
    cleanups.push(() => t.close());
    const status = await again.core.call('licence.status', {});
    expect(status).toMatchObject({ state: 'unlicensed', trialDaysLeft: 0 });
  });
});

describe('activation against the licence server', () => {
  it('activates a key: active, writes work again after the trial, and the seat is taken', async () => {
    const key = cloud.addLicence({ storeId: STORE });
    const t = keep(await openStore());
    clock.advance(30 * DAY);
    const core = await owner(t);
    await expectFailure(core, 'customers.create', layla, 'licence.required');

    const status = await core.call('licence.activate', { key: key.toLowerCase().replace(/-/g, ' ') });
    expect(status).toMatchObject({ state: 'active', canWrite: true, trialDaysLeft: null, productType: 'base_product', expiresAt: null, reason: null });
    expect(status.key).toBe(`****-****-****-${key.slice(-4)}`);
    expect(status.lastCheckedAt).toBe(clock.now().toISOString());
    expect(cloud.licences(STORE)).toEqual([{ key, status: 'active', activations: [TEST_MACHINE] }]);
    await core.call('customers.create', layla);
    // The audit trail records it, without the key.
    const audit = await core.call('audit.list', { entity: 'licence' });
    expect(audit[0]).toMatchObject({ action: 'activate', entityId: `****-****-****-${key.slice(-4)}` });
    expect(JSON.stringify(audit)).not.toContain(key);
  });

  it('catches a typo locally: no request reaches the licence server', async () => {
    const key = cloud.addLicence({ storeId: STORE });
    const { core } = keep(await openStore());
    cloud.clearRequestLog();
    const typo = key.slice(0, 3) + (key[3] === 'A' ? 'B' : 'A') + key.slice(4);
    const err = await expectFailure(core, 'licence.activate', { key: typo }, 'licence.keyCheck', 400);
    expect(err.fieldErrors?.key?.[0]).toContain('typo');
    await expectFailure(core, 'licence.activate', { key: 'ABCD-EFGH' }, 'licence.keyLength', 400);
    await expectFailure(core, 'licence.activate', { key: 'ABCD-EFGH-JKMN-PQRU' }, 'licence.keySymbol', 400);
    expect(cloud.requestLog()).toEqual([]);
  });

  it('turns the server’s refusals into specific errors: unknown key, revoked, activation limit', async () => {
    const { core } = keep(await openStore());
    const unknown = await expectFailure(core, 'licence.activate', { key: keyFromData('N0TS01D00000000') }, 'licence.unknownKey', 404);
    expect(unknown.message).toContain('not known');

    const revoked = cloud.addLicence({ storeId: STORE });
    cloud.revokeLicence(revoked);
    expect((await expectFailure(core, 'licence.activate', { key: revoked }, 'licence.revoked', 403)).message).toContain('revoked');

    const key = cloud.addLicence({ storeId: STORE, maxActivations: 1 });
    await core.call('licence.activate', { key });
    const other = keep(await openStore({ machineId: OTHER_MACHINE }));
    const limit = await expectFailure(other.core, 'licence.activate', { key }, 'licence.activationLimit', 409);
    expect(limit.message).toContain('Deactivate it on the old computer');
    expect((await other.core.call('licence.status', {})).state).toBe('trial');
  });

  it('asks for the store id when none is configured', async () => {
    const key = cloud.addLicence({ storeId: STORE });
    const { core } = keep(await openStore({ configure: false }));
    await core.call('licence.configure', { baseUrl: `${cloud.url}/` });
    const err = await expectFailure(core, 'licence.activate', { key }, 'validation');
    expect(err.fieldErrors?.storeId).toBeTruthy();
    expect(await core.call('licence.activate', { key, storeId: STORE })).toMatchObject({ state: 'active', server: { baseUrl: cloud.url, storeId: STORE } });
  });

  it('stays licensed after a restart without internet, and says so plainly when asked to check', async () => {
    const key = cloud.addLicence({ storeId: STORE });
    const first = await openStore();
    await first.core.call('licence.activate', { key });
    await first.raw.close();

    await cloud.stopListening();
    clock.advance(60 * DAY); // months offline, past refreshAfter: the background refresh fails quietly
    const again = keep(await openStore({ dataDir: first.dir, configure: false }));
    cleanups.push(() => first.close());
    expect(await again.core.call('licence.status', {})).toMatchObject({ state: 'active', canWrite: true });
    await again.core.call('customers.create', layla); // signed in after the clock moved: not locked
    const offline = await expectFailure(again.core, 'licence.refresh', {}, 'licence.offline', 503);
    expect(offline.message).toContain('offline activation');
    expect((await again.core.call('licence.status', {})).state).toBe('active');
    await cloud.resumeListening();
  });

  it('picks up a revocation on refresh: revoked, writes refused', async () => {
    const key = cloud.addLicence({ storeId: STORE });
    const t = keep(await openStore());
    await t.core.call('licence.activate', { key });
    clock.advance(DAY);
    expect((await t.raw.call('licence.refresh', {})).state).toBe('active');

    cloud.revokeLicence(key);
    clock.advance(DAY);
    const core = await owner(t);
    const status = await core.call('licence.refresh', {});
    expect(status).toMatchObject({ state: 'revoked', canWrite: false, reasonCode: 'revoked', lastCheckedAt: clock.now().toISOString() });
    await expectFailure(core, 'customers.create', layla, 'licence.required');
    expect((await core.call('customers.list', {})).pagination.total).toBe(0);
  });

  it('refreshes in the background once refreshAfter has passed, at the next start', async () => {
    const key = cloud.addLicence({ storeId: STORE });
    const first = await openStore();
    await first.core.call('licence.activate', { key });
    await first.raw.close();
    cloud.revokeLicence(key);
    clock.advance(31 * DAY);
    const again = keep(await openStore({ dataDir: first.dir, configure: false }));
    cleanups.push(() => first.close());
    await expect.poll(async () => (await again.core.call('licence.status', {})).state).toBe('revoked');
  });

  it('deactivates: the seat is free and another PC can activate the key', async () => {
    const key = cloud.addLicence({ storeId: STORE, maxActivations: 1 });
    const a = keep(await openStore());
    await a.core.call('licence.activate', { key });
    const b = keep(await openStore({ machineId: OTHER_MACHINE }));
    await expectFailure(b.core, 'licence.activate', { key }, 'licence.activationLimit');

    // Only an owner may give the seat away.
    await expectFailure(a.raw, 'licence.deactivate', {}, 'auth.required');
    const status = await a.core.call('licence.deactivate', {});
    expect(status).toMatchObject({ state: 'trial', key: null });
    expect(cloud.licences(STORE)[0]!.activations).toEqual([]);
    expect(await b.core.call('licence.activate', { key })).toMatchObject({ state: 'active' });
    expect(cloud.licences(STORE)[0]!.activations).toEqual([OTHER_MACHINE]);
    await expectFailure(a.core, 'licence.deactivate', {}, 'licence.none', 409);
  });
});

describe('offline activation and tampering', () => {
  it('gives a request code holding the machine id, app version and store id — never a key', async () => {
    const key = cloud.addLicence({ storeId: STORE });
    const { raw, core } = keep(await openStore());
    await core.call('licence.activate', { key });
    // Public: the activation screen shows it before anyone signs in.
    const { code } = await raw.call('licence.requestCode', {});
    expect(decodeRequestCode(code)).toEqual({ ok: true, data: { machineId: TEST_MACHINE, appVersion: '0.0.0-test', storeId: STORE } });
    expect(code.replace(/-/g, '')).not.toContain(key.replace(/-/g, ''));
  });

  it('imports a licence file signed elsewhere; refuses a tampered one, another machine’s, or one signed by an unknown key', async () => {
    const vendor = testSigner('vendor-2026');
    const t = keep(await openTestCore({ clock, core: { trustedLicenceKeys: [vendor.trusted], machineId: TEST_MACHINE } }));
    const raw = t.raw;
    clock.advance(30 * DAY);
    const core = await owner(t);
    const file = signLicence(vendor, makeLicence({ storeId: STORE }, clock.now()));

    const tampered = JSON.stringify({ ...file, license: { ...file.license, expiresAt: '2099-01-01T00:00:00.000Z' } });
    const err = await expectFailure(raw, 'licence.importFile', { contents: tampered }, 'licence.invalid', 400);
    expect(err.message).toContain('altered');
    expect(err.details?.reasonCode).toBe('signature');
    const oneByte = JSON.stringify(file).replace('"status":"active"', '"status":"activf"');
    await expectFailure(raw, 'licence.importFile', { contents: oneByte }, 'licence.invalid');
    const otherPc = await expectFailure(raw, 'licence.importFile', { contents: JSON.stringify(signLicence(vendor, makeLicence({ machineId: OTHER_MACHINE }, clock.now()))) }, 'licence.invalid');
    expect(otherPc.details?.reasonCode).toBe('machine');
    const stranger = await expectFailure(raw, 'licence.importFile', { contents: JSON.stringify(signLicence(testSigner('someone'), makeLicence({}, clock.now()))) }, 'licence.invalid');
    expect(stranger.details?.reasonCode).toBe('unknownKid');
    await expectFailure(raw, 'licence.importFile', { contents: 'not json' }, 'licence.invalid');
    expect((await raw.call('licence.status', {})).state).toBe('unlicensed');

    // The genuine file, imported before anyone signs in (the activation screen).
    expect(await raw.call('licence.importFile', { contents: JSON.stringify(file) })).toMatchObject({ state: 'active', canWrite: true });
    await core.call('customers.create', layla);
  });

  it('says invalid, with the reason, when the stored licence is edited behind its back', async () => {
    const key = cloud.addLicence({ storeId: STORE, expiresAt: '2026-03-01T00:00:00.000Z' });
    const t = await openStore();
    await t.core.call('licence.activate', { key });
    await t.raw.close();
    cleanups.push(() => t.close());

    // Someone pushes the expiry out in the settings table.
    const store = await openDatabase({ dataDir: t.dir, clock });
    const row = await store.db.selectFrom('settings').select('value').where('key', '=', 'licence.file').executeTakeFirstOrThrow();
    const edited = (JSON.parse(row.value) as string).replace('2026-03-01T00:00:00.000Z', '2099-03-01T00:00:00.000Z');
    await store.db.updateTable('settings').set({ value: JSON.stringify(edited) }).where('key', '=', 'licence.file').execute();
    await store.db.destroy();

    const again = keep(await openStore({ dataDir: t.dir, configure: false }));
    const status = await again.core.call('licence.status', {});
    expect(status).toMatchObject({ state: 'invalid', canWrite: false, reasonCode: 'signature' });
    expect(status.reason).toContain('altered');
    await expectFailure(again.core, 'customers.create', layla, 'licence.required');
  });

  it('says expired past expiresAt, and invalid when the clock is turned back to before it', async () => {
    const key = cloud.addLicence({ storeId: STORE, expiresAt: '2026-02-01T00:00:00.000Z' });
    const t = keep(await openStore());
    await t.core.call('licence.activate', { key });
    clock.set('2026-02-10T00:00:00.000Z');
    const core = await owner(t);
    expect(await core.call('licence.status', {})).toMatchObject({ state: 'expired', reasonCode: 'expired', expiresAt: '2026-02-01T00:00:00.000Z' });
    clock.set('2026-01-20T00:00:00.000Z');
    const status = await core.call('licence.status', {});
    expect(status).toMatchObject({ state: 'invalid', reasonCode: 'clock', canWrite: false });
    expect(status.reason).toContain('clock');
    await expectFailure(core, 'customers.create', layla, 'licence.required');
  });
});
