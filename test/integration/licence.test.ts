import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Sqlite from 'better-sqlite3';
import { DB_FILE_NAME, openDatabase } from '../../src/main/db/database';
import type { Database } from '../../src/main/db/schema';
import { LicenceClient } from '../../src/main/licence/client';
import { LEDGER_FILE } from '../../src/main/licence/ledger-file';
import { decodeRequestCode } from '../../src/main/licence/request-code';
import { TRIAL_DAYS } from '../../src/main/licence/trial';
import { keyFromData } from '../../src/shared/licence/key';
import { type CloudServer, startCloud } from '../cloud/server';
import type { Core } from '../../src/main/core';
import { OWNER, expectFailure, layla, manualClock, openTestCore, person, tempDir } from '../helpers/core';
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
async function openStore(opts: { machineId?: string; dataDir?: string; configure?: boolean; fetch?: typeof fetch } = {}) {
  const t = await openTestCore({
    clock,
    dataDir: opts.dataDir,
    core: { trustedLicenceKeys: [{ kid: cloud.licenceKid, pem: cloud.licencePublicKeyPem }], machineId: opts.machineId ?? TEST_MACHINE, licenceFetch: opts.fetch },
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
    await expectFailure(core, 'customers.bulkDelete', { ids: [customer.id] }, 'licence.required');
    await expectFailure(core, 'prescriptions.create', { customerId: customer.id, rx: {} }, 'licence.required');
    await expectFailure(core, 'staff.create', { username: 'sam', displayName: 'Sam', password: 'sam-password-1', role: 'staff' }, 'licence.required');

    // The store's data is never held hostage.
    expect((await core.call('customers.list', {})).data).toHaveLength(1);
    expect((await core.call('customers.get', { id: customer.id })).localData.firstName).toBe('Layla');
    expect((await core.call('customers.export', { id: customer.id })).fileName).toMatch(/\.zip$/);
    expect((await core.call('prescriptions.list', { customerId: customer.id })).length).toBeGreaterThan(0);
    expect((await core.call('backup.create', {})).name).toBeTruthy();
    expect(await core.call('auth.me', {})).toBeTruthy();
    // Nor is a person's right to be erased: delete then purge work without a licence.
    await core.call('customers.delete', { id: customer.id });
    await core.call('customers.purge', { id: customer.id });
    await expectFailure(core, 'customers.get', { id: customer.id }, 'customer.notFound', 404);
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

  it('never sends the key to a plain http:// licence server saved by an older version', async () => {
    const key = cloud.addLicence({ storeId: STORE });
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const first = await openStore({ dataDir: dir, configure: false });
    await first.close();
    const db = new Sqlite(join(dir, DB_FILE_NAME));
    db.prepare("insert into settings (key, value, updated_at) values ('licence.config', ?, '2026-01-15T10:00:00.000Z')").run(
      JSON.stringify({ baseUrl: 'http://licences.example.test', storeId: STORE }),
    );
    db.close();
    const calls: string[] = [];
    const spy: typeof fetch = (url, init) => {
      calls.push(String(url));
      return fetch(url, init);
    };
    const { core } = keep(await openStore({ dataDir: dir, configure: false, fetch: spy }));
    await expectFailure(core, 'licence.activate', { key }, 'licence.insecureServer', 400);
    expect(calls).toEqual([]);
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
    // The sealed copy of the licence says otherwise: one edit, and the two places disagree.
    expect(status).toMatchObject({ state: 'invalid', canWrite: false, reasonCode: 'tampered' });
    expect(status.reason).toContain('do not agree');
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

/** Edits the database of a closed install, as someone with the SQLite file open in a tool would. */
async function editClosed(dir: string, edit: (db: Kysely<Database>) => Promise<unknown>) {
  const store = await openDatabase({ dataDir: dir, clock });
  await edit(store.db);
  await store.db.destroy();
}

/**
 * A licence server's fetch that keeps every licence it answered and, once told to, answers with an
 * old one instead: a fake server on this PC replaying what the real one said long ago.
 */
function recordingFetch() {
  const answers: string[] = [];
  let replay: string | null = null;
  const impl: typeof fetch = async (input, init) => {
    if (replay !== null) return new Response(replay, { status: 200, headers: { 'content-type': 'application/json' } });
    const res = await fetch(input, init);
    if (res.ok && /\/licenses\/(activate|refresh)$/.test(new URL(String(input instanceof Request ? input.url : input)).pathname)) answers.push(await res.clone().text());
    return res;
  };
  return { impl, answers, replay: (text: string) => (replay = text) };
}

describe('a revocation, an expiry or a deactivation is sticky (no older licence file undoes it)', () => {
  it('refuses the old licence file, and one fetched before the revocation, after a revocation — also after a restart', async () => {
    const key = cloud.addLicence({ storeId: STORE });
    const server = recordingFetch();
    const t = await openStore({ fetch: server.impl });
    cleanups.push(() => t.close());
    await t.core.call('licence.activate', { key });
    const activated = server.answers[0]!;
    // Someone with the key asks the server for a licence for this PC, keeps it and says nothing.
    clock.advance(DAY);
    const kept = await new LicenceClient().refresh({ baseUrl: cloud.url, storeId: STORE }, { key, machineId: TEST_MACHINE });
    clock.advance(DAY);
    cloud.revokeLicence(key);
    expect((await t.core.call('licence.refresh', {})).state).toBe('revoked');

    for (const contents of [activated, JSON.stringify(kept.raw)]) {
      // Public, as on the activation screen: no session needed to try.
      const err = await expectFailure(t.raw, 'licence.importFile', { contents }, 'licence.invalid', 400);
      expect(err.details?.reasonCode).toBe('stale');
      expect(err.message).toContain('not newer');
    }
    expect(await t.raw.call('licence.status', {})).toMatchObject({ state: 'revoked', canWrite: false });

    await t.raw.close();
    const again = keep(await openStore({ dataDir: t.dir, configure: false }));
    expect(await again.raw.call('licence.status', {})).toMatchObject({ state: 'revoked', canWrite: false });
    await expectFailure(again.raw, 'licence.importFile', { contents: activated }, 'licence.invalid');
    await expectFailure(again.core, 'customers.create', layla, 'licence.required');
  });

  it('refuses an old answer replayed by a fake licence server after a revocation', async () => {
    const key = cloud.addLicence({ storeId: STORE });
    const server = recordingFetch();
    const t = keep(await openStore({ fetch: server.impl }));
    await t.core.call('licence.activate', { key });
    clock.advance(DAY);
    cloud.revokeLicence(key);
    expect((await t.core.call('licence.refresh', {})).state).toBe('revoked');
    server.replay(server.answers[0]!);
    for (const [channel, input] of [['licence.refresh', {}], ['licence.activate', { key }]] as const) {
      const err = await expectFailure(t.core, channel, input, 'licence.invalid');
      expect(err.details?.reasonCode).toBe('stale');
    }
    expect((await t.core.call('licence.status', {})).state).toBe('revoked');
  });

  it('refuses the file of a licence deactivated here (its seat is free again on the server)', async () => {
    const key = cloud.addLicence({ storeId: STORE });
    const server = recordingFetch();
    const t = keep(await openStore({ fetch: server.impl }));
    await t.core.call('licence.activate', { key });
    await t.core.call('licence.deactivate', {});
    const err = await expectFailure(t.raw, 'licence.importFile', { contents: server.answers[0]! }, 'licence.invalid');
    expect(err.details?.reasonCode).toBe('stale');
    expect((await t.raw.call('licence.status', {})).key).toBeNull();
    // A fresh activation is a new licence: fine.
    clock.advance(60_000);
    expect(await t.core.call('licence.activate', { key })).toMatchObject({ state: 'active' });
  });

  it('keeps an expiry: an older file with a later expiry is refused, and turning the clock back does not revive it', async () => {
    const vendor = testSigner('vendor-2026');
    const t = keep(await openTestCore({ clock, core: { trustedLicenceKeys: [vendor.trusted], machineId: TEST_MACHINE } }));
    const issued = clock.now();
    const yearLong = signLicence(vendor, makeLicence({ expiresAt: new Date(issued.getTime() + 365 * DAY).toISOString() }, issued));
    const shortened = signLicence(vendor, makeLicence({ expiresAt: new Date(issued.getTime() + 10 * DAY).toISOString() }, new Date(issued.getTime() + 3_600_000)));
    await t.raw.call('licence.importFile', { contents: JSON.stringify(yearLong) });
    clock.advance(2 * 3_600_000);
    expect(await t.raw.call('licence.importFile', { contents: JSON.stringify(shortened) })).toMatchObject({ state: 'active' });
    // Re-importing the file in use changes nothing and is not an error.
    expect(await t.raw.call('licence.importFile', { contents: JSON.stringify(shortened) })).toMatchObject({ state: 'active' });
    await expectFailure(t.raw, 'licence.importFile', { contents: JSON.stringify(yearLong) }, 'licence.invalid');

    clock.advance(10 * DAY);
    expect(await t.raw.call('licence.status', {})).toMatchObject({ state: 'expired', canWrite: false });
    await expectFailure(t.raw, 'licence.importFile', { contents: JSON.stringify(yearLong) }, 'licence.invalid');
    // The clock put back a day (within the 48 h allowed for a wrong clock): still expired.
    clock.advance(-DAY);
    expect(await t.raw.call('licence.status', {})).toMatchObject({ state: 'expired', canWrite: false });
  });

  it('ignores an older licence file put in the database with the app closed', async () => {
    const vendor = testSigner('vendor-2026');
    const core = { trustedLicenceKeys: [vendor.trusted], machineId: TEST_MACHINE };
    const t = await openTestCore({ clock, core });
    cleanups.push(() => t.close());
    const issued = clock.now();
    const yearLong = JSON.stringify(signLicence(vendor, makeLicence({ expiresAt: new Date(issued.getTime() + 365 * DAY).toISOString() }, issued)));
    const shortened = signLicence(vendor, makeLicence({ expiresAt: new Date(issued.getTime() + 10 * DAY).toISOString() }, new Date(issued.getTime() + 3_600_000)));
    await t.raw.call('licence.importFile', { contents: yearLong });
    clock.advance(2 * 3_600_000);
    await t.raw.call('licence.importFile', { contents: JSON.stringify(shortened) });
    clock.advance(11 * DAY);
    expect((await t.raw.call('licence.status', {})).state).toBe('expired');
    await t.raw.close();

    await editClosed(t.dir, async (db) => {
      await db.updateTable('settings').set({ value: JSON.stringify(yearLong) }).where('key', '=', 'licence.file').execute();
      await db.deleteFrom('settings').where('key', '=', 'licence.issuedFloor').execute();
    });
    const again = keep(await openTestCore({ clock, dataDir: t.dir, core }));
    expect(await again.raw.call('licence.status', {})).toMatchObject({ state: 'expired', canWrite: false });
  });
});

describe('the trial and the clock floor are kept in two places that must agree', () => {
  /** A trial install with a customer, closed; `edit` then tampers with it; reopened as the owner. */
  async function tamperedTrial(edit: (dir: string) => Promise<void> | void) {
    const t = await openStore();
    cleanups.push(() => t.close());
    const { customer } = await t.core.call('customers.create', layla);
    clock.advance(DAY);
    await t.raw.close();
    await edit(t.dir);
    const again = keep(await openStore({ dataDir: t.dir, configure: false }));
    return { again, customer, dir: t.dir };
  }

  async function expectReadOnly(again: { core: Core; raw: Core }, customerId: string) {
    const status = await again.raw.call('licence.status', {});
    expect(status).toMatchObject({ state: 'unlicensed', canWrite: false, trialDaysLeft: 0, reasonCode: 'tampered' });
    const refused = await expectFailure(again.core, 'customers.create', person('Nadia', 'Amrani'), 'licence.required', 403);
    expect(refused.message).toContain('trial counts as over');
    // Reading and exporting go on.
    expect((await again.core.call('customers.get', { id: customerId })).localData.firstName).toBe('Layla');
    expect((await again.core.call('customers.export', { id: customerId })).fileName).toMatch(/\.zip$/);
    expect((await again.core.call('customers.list', {})).data).toHaveLength(1);
  }

  it('writes the sealed half beside the database at the first start; both halves agreeing, the trial counts on', async () => {
    const t = await openStore();
    cleanups.push(() => t.close());
    await t.raw.close();
    const file = join(t.dir, LEDGER_FILE);
    expect(existsSync(file)).toBe(true);
    // Sealed: neither the dates nor anything else readable in it.
    expect(readFileSync(file, 'utf8')).not.toContain('2026');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    clock.advance(3 * DAY + 60_000);
    const again = keep(await openStore({ dataDir: t.dir, configure: false }));
    expect(await again.raw.call('licence.status', {})).toMatchObject({ state: 'trial', trialDaysLeft: 11, canWrite: true, reasonCode: null });
    await again.core.call('customers.create', layla);
  });

  it.each(['licence.trialStartedAt', 'licence.lastSeenAt'])('is read-only once the %s row is deleted with the app closed', async (row) => {
    const { again, customer } = await tamperedTrial((dir) => editClosed(dir, (db) => db.deleteFrom('settings').where('key', '=', row).execute()));
    await expectReadOnly(again, customer.id);
  });

  it('is read-only once the trial start row is moved to today', async () => {
    const { again, customer } = await tamperedTrial((dir) =>
      editClosed(dir, (db) => db.updateTable('settings').set({ value: JSON.stringify(clock.now().toISOString()) }).where('key', '=', 'licence.trialStartedAt').execute()),
    );
    await expectReadOnly(again, customer.id);
  });

  it('is read-only once the sealed file is deleted, and stays so after a restart', async () => {
    const { again, customer, dir } = await tamperedTrial((dir) => rmSync(join(dir, LEDGER_FILE)));
    await expectReadOnly(again, customer.id);
    await again.raw.close();
    const third = keep(await openStore({ dataDir: dir, configure: false }));
    await expectReadOnly(third, customer.id);
  });

  it('is read-only once the sealed file is edited, or replaced by another install’s', async () => {
    const other = await openStore();
    cleanups.push(() => other.close());
    const othersFile = readFileSync(join(other.dir, LEDGER_FILE), 'utf8');
    const edited = await tamperedTrial((dir) => {
      const text = readFileSync(join(dir, LEDGER_FILE), 'utf8');
      const i = Math.floor(text.length / 2);
      writeFileSync(join(dir, LEDGER_FILE), text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1));
    });
    await expectReadOnly(edited.again, edited.customer.id);
    // Another install's file: sealed with another key, and another trial.
    const swapped = await tamperedTrial((dir) => writeFileSync(join(dir, LEDGER_FILE), othersFile));
    await expectReadOnly(swapped.again, swapped.customer.id);
  });

  it('gives no fresh trial when every licence row and the file are deleted: the audit trail still dates it', async () => {
    const { again } = await tamperedTrial(async (dir) => {
      clock.advance(20 * DAY);
      rmSync(join(dir, LEDGER_FILE));
      await editClosed(dir, (db) => db.deleteFrom('settings').where('key', 'like', 'licence.%').execute());
    });
    expect(await again.raw.call('licence.status', {})).toMatchObject({ state: 'unlicensed', trialDaysLeft: 0, reasonCode: 'trialOver' });
  });

  it('gives no fresh trial when the licence rows, the file and the whole audit trail are deleted: the owner account still dates it', async () => {
    const { again } = await tamperedTrial(async (dir) => {
      clock.advance(20 * DAY);
      rmSync(join(dir, LEDGER_FILE));
      await editClosed(dir, async (db) => {
        await db.deleteFrom('settings').where('key', 'like', 'licence.%').execute();
        await sql`drop trigger if exists audit_log_no_delete`.execute(db);
        await db.deleteFrom('audit_log').execute();
        await sql`delete from sqlite_sequence where name = 'audit_log'`.execute(db);
      });
    });
    expect(await again.raw.call('licence.status', {})).toMatchObject({ state: 'unlicensed', trialDaysLeft: 0, reasonCode: 'trialOver' });
  });

  it('restoring an older backup keeps the trial as it was: no day given back, no lock-out', async () => {
    const t = keep(await openStore());
    const { name } = await t.core.call('backup.create', {});
    clock.advance(5 * DAY);
    const core = await owner(t);
    await core.call('customers.create', layla);
    await core.call('backup.restore', { name });
    const after = await owner(t);
    expect(await after.call('licence.status', {})).toMatchObject({ state: 'trial', trialDaysLeft: 9, canWrite: true });
    await after.call('customers.create', layla);
    await t.raw.close();
    const again = keep(await openStore({ dataDir: t.dir, configure: false }));
    expect(await again.raw.call('licence.status', {})).toMatchObject({ state: 'trial', trialDaysLeft: 9, canWrite: true });
  });

  it('restoring a backup from before the latest licence refresh keeps the newer licence', async () => {
    const key = cloud.addLicence({ storeId: STORE });
    const t = keep(await openStore());
    await t.core.call('licence.activate', { key });
    const { name } = await t.core.call('backup.create', {});
    clock.advance(31 * DAY);
    const core = await owner(t);
    const refreshed = await core.call('licence.refresh', {});
    await core.call('backup.restore', { name });
    expect(await t.raw.call('licence.status', {})).toMatchObject({ state: 'active', canWrite: true, lastCheckedAt: expect.any(String) as string });
    await t.raw.close();
    const again = keep(await openStore({ dataDir: t.dir, configure: false }));
    expect(await again.raw.call('licence.status', {})).toMatchObject({ state: 'active', canWrite: true, key: refreshed.key });
  });

  it('is sealed again by an online activation after tampering', async () => {
    const key = cloud.addLicence({ storeId: STORE });
    const { again, dir } = await tamperedTrial((dir) => rmSync(join(dir, LEDGER_FILE)));
    const core = await owner(again);
    expect(await core.call('licence.activate', { key })).toMatchObject({ state: 'active', canWrite: true });
    await again.raw.close();
    expect(existsSync(join(dir, LEDGER_FILE))).toBe(true);
    const third = keep(await openStore({ dataDir: dir, configure: false }));
    expect(await third.raw.call('licence.status', {})).toMatchObject({ state: 'active', canWrite: true, reasonCode: null });
  });
});

describe('offline recovery of a tampered ledger', () => {
  it('takes a licence file issued just now for this PC, never an old one', async () => {
    const vendor = testSigner('vendor-2026');
    const core = { trustedLicenceKeys: [vendor.trusted], machineId: TEST_MACHINE };
    const t = await openTestCore({ clock, core });
    cleanups.push(() => t.close());
    const old = JSON.stringify(signLicence(vendor, makeLicence({}, clock.now())));
    await t.raw.call('licence.importFile', { contents: old });
    clock.advance(5 * DAY);
    await t.raw.close();
    rmSync(join(t.dir, LEDGER_FILE));
    const again = keep(await openTestCore({ clock, dataDir: t.dir, core }));
    expect(await again.raw.call('licence.status', {})).toMatchObject({ state: 'invalid', reasonCode: 'tampered', canWrite: false });

    // The old file (its floors are what was lost) is a replay.
    const err = await expectFailure(again.raw, 'licence.importFile', { contents: old }, 'licence.invalid');
    expect(err.details?.reasonCode).toBe('tampered');
    expect(err.message).toContain('a new one from your vendor');
    // A file the vendor issues today, for this PC's request code: the records are sealed again.
    const fresh = JSON.stringify(signLicence(vendor, makeLicence({}, new Date(clock.now().getTime() - 3_600_000))));
    expect(await again.raw.call('licence.importFile', { contents: fresh })).toMatchObject({ state: 'active', canWrite: true });
    await again.raw.close();
    expect(existsSync(join(t.dir, LEDGER_FILE))).toBe(true);
    const third = keep(await openTestCore({ clock, dataDir: t.dir, core }));
    expect(await third.raw.call('licence.status', {})).toMatchObject({ state: 'active', reasonCode: null });
  });
});

describe('licence keys at launch', () => {
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

  /** Starts the browser host and answers how it ended (or that it listened, then stops it). */
  function runHost(env: Record<string, string>, args: string[]): Promise<{ code: number | null; output: string; listened: boolean }> {
    const data = tempDir();
    cleanups.push(data.remove);
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/main/browser-host.ts'), '--port', '0', '--data-dir', data.dir, ...args], {
        cwd: repoRoot,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      let listened = false;
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (!listened && output.includes('listening on')) {
          listened = true;
          child.kill('SIGTERM');
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', (code) => resolve({ code, output, listened }));
    });
  }

  it('the browser host refuses --trust-licence-key when NODE_ENV=production, and takes it in development', async () => {
    const signer = testSigner('host-extra');
    const dir = tempDir();
    cleanups.push(dir.remove);
    const pem = join(dir.dir, 'host-extra.pem');
    writeFileSync(pem, signer.trusted.pem);
    const production = await runHost({ NODE_ENV: 'production' }, ['--trust-licence-key', pem]);
    expect(production).toMatchObject({ code: 2, listened: false });
    expect(production.output).toContain('--trust-licence-key is refused by an installed build');
    const development = await runHost({ NODE_ENV: 'development' }, ['--trust-licence-key', pem]);
    expect(development.listened).toBe(true);
  }, 60_000);
});

/** A "licence server" on this PC (plain http on loopback is allowed) answering every call with `answer`. */
async function fakeLicenceServer(answer: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The licence file an install holds, as the text the server signed (what a replay serves). */
function storedLicence(dir: string): string {
  const db = new Sqlite(join(dir, DB_FILE_NAME), { readonly: true });
  try {
    return JSON.parse((db.prepare("select value from settings where key = 'licence.file'").get() as { value: string }).value) as string;
  } finally {
    db.close();
  }
}

describe('tampering, a clock set back and a fake licence server do not undo a revocation or an expiry', () => {
  /** Opens the install at the current clock, as the owner; `seen` runs on it, then it is closed. */
  async function run(dir: string, seen: (core: Core) => Promise<void>) {
    const t = await openStore({ dataDir: dir, configure: false });
    try {
      await seen(await owner(t));
    } finally {
      await t.raw.close();
    }
  }

  async function expectNoWrites(core: Core) {
    expect((await core.call('licence.status', {})).canWrite).toBe(false);
    await expectFailure(core, 'customers.create', person('Nadia', 'Amrani'), 'licence.required', 403);
  }

  /** The attack, app closed: `edit` (one row deleted...), the clock set back to the old file's issue day, a loopback server replaying it. */
  async function replayAttack(dir: string, old: string, issued: string, edit: (db: Kysely<Database>) => Promise<unknown>, removeSealed = false) {
    await editClosed(dir, edit);
    if (removeSealed) rmSync(join(dir, LEDGER_FILE));
    // The vendor's server is out of reach (its clock, unlike this PC's, is right): only the fake answers.
    await cloud.stopListening();
    const fake = await fakeLicenceServer(old);
    cleanups.push(fake.close);
    clock.set(issued);
    await run(dir, async (core) => {
      await expectNoWrites(core);
      await core.call('licence.configure', { baseUrl: fake.url });
      // Refresh (when a licence is still in place) and activation both reach the fake: both refused.
      const refreshed = await core.handle('licence.refresh', {});
      expect(refreshed.ok ? 'ok' : refreshed.error.code).toMatch(/^licence\.(invalid|none)$/);
      await expectFailure(core, 'licence.activate', { key: (JSON.parse(old) as { license: { key: string } }).license.key, storeId: STORE }, 'licence.invalid', 400);
      await expectNoWrites(core);
    });
  }

  /** A store whose licence was activated (its sealed file kept as `old`), then revoked by the cloud and refreshed 30 days on. */
  async function revokedAfterActivation() {
    const key = cloud.addLicence({ storeId: STORE });
    const first = await openStore();
    cleanups.push(() => first.close());
    await first.core.call('licence.activate', { key });
    await first.raw.close();
    const old = storedLicence(first.dir);
    cloud.revokeLicence(key);
    clock.advance(30 * DAY);
    await run(first.dir, async (core) => {
      expect((await core.call('licence.refresh', {})).state).toBe('revoked');
    });
    return { first, old };
  }

  it('a revoked licence stays revoked when the clock-floor row is deleted and a loopback server replays the pre-revocation file (reviewer t14c)', async () => {
    const issued = clock.now().toISOString();
    const { first, old } = await revokedAfterActivation();
    clock.advance(DAY);
    await run(first.dir, async (core) => expect((await core.call('licence.status', {})).state).toBe('revoked'));

    await replayAttack(first.dir, old, issued, (db) => db.deleteFrom('settings').where('key', '=', 'licence.lastSeenAt').execute());
    // Back at the real date, after a restart: still nothing to write with.
    clock.set(new Date(Date.parse(issued) + 32 * DAY).toISOString());
    await run(first.dir, expectNoWrites);
  });

  it('a licence seen expired stays expired when the clock-floor row is deleted and a loopback server replays its file (reviewer t15b)', async () => {
    const start = clock.now();
    const key = cloud.addLicence({ storeId: STORE, expiresAt: new Date(start.getTime() + 2 * DAY).toISOString() });
    const first = await openStore();
    cleanups.push(() => first.close());
    expect(await first.core.call('licence.activate', { key })).toMatchObject({ state: 'active' });
    await first.raw.close();
    const old = storedLicence(first.dir);

    clock.advance(5 * DAY);
    await run(first.dir, async (core) => expect((await core.call('licence.status', {})).state).toBe('expired'));
    clock.set(start.toISOString());
    await run(first.dir, expectNoWrites);

    await replayAttack(first.dir, old, start.toISOString(), (db) => db.deleteFrom('settings').where('key', '=', 'licence.lastSeenAt').execute());
    clock.set(new Date(start.getTime() + 1.5 * DAY).toISOString());
    await run(first.dir, expectNoWrites);
  });

  it('an answer held back before the expiry and replayed later does not move the clock floor back (nothing deleted)', async () => {
    const start = clock.now();
    const key = cloud.addLicence({ storeId: STORE, expiresAt: new Date(start.getTime() + 10 * DAY).toISOString() });
    const first = await openStore();
    cleanups.push(() => first.close());
    await first.core.call('licence.activate', { key });
    await first.raw.close();
    // The key's holder asks the real server for this PC's licence on day 5 and keeps the answer.
    clock.advance(5 * DAY);
    const kept = JSON.stringify((await new LicenceClient().refresh({ baseUrl: cloud.url, storeId: STORE }, { key, machineId: TEST_MACHINE })).raw);
    clock.set(new Date(start.getTime() + 12 * DAY).toISOString());
    await run(first.dir, async (core) => expect((await core.call('licence.status', {})).state).toBe('expired'));

    const fake = await fakeLicenceServer(kept);
    cleanups.push(fake.close);
    await cloud.stopListening();
    // Newer than any licence this PC has seen, so not stale; with the clock put back to its issue day
    // it must not be taken as proof that "now" is day 5.
    for (const day of [5, 12]) {
      clock.set(new Date(start.getTime() + day * DAY).toISOString());
      await run(first.dir, async (core) => {
        await core.call('licence.configure', { baseUrl: fake.url });
        await core.handle('licence.refresh', {});
        await expectNoWrites(core);
      });
    }
    await run(first.dir, async (core) => expect((await core.call('licence.status', {})).state).toBe('expired'));
  });

  it('a revocation survives deleting every licence row and the sealed file: the audit trail still dates it', async () => {
    const { first, old } = await revokedAfterActivation();

    // This time the clock stays right: only the floors the app wrote are gone.
    clock.advance(DAY);
    const now = clock.now().toISOString();
    await replayAttack(first.dir, old, now, (db) => db.deleteFrom('settings').where('key', 'like', 'licence.%').execute(), true);
  });

  it.each([30, 1])('a revocation first seen with the clock %i day(s) behind still revokes the licence, then and after a restart', async (daysBehind) => {
    const key = cloud.addLicence({ storeId: STORE });
    const first = await openStore();
    cleanups.push(() => first.close());
    await first.core.call('licence.activate', { key });
    await first.raw.close();
    cloud.revokeLicence(key);
    const now = clock.now().toISOString();
    clock.set(new Date(Date.parse(now) - daysBehind * DAY).toISOString()); // the PC's clock behind, as the check is made
    await run(first.dir, async (core) => {
      await core.handle('licence.refresh', {});
      await expectNoWrites(core);
    });
    clock.set(new Date(Date.parse(now) + DAY).toISOString()); // put right
    await run(first.dir, async (core) => {
      expect(await core.call('licence.status', {})).toMatchObject({ state: 'revoked', canWrite: false });
      await expectNoWrites(core);
    });
  });
});

// Review 24 (F3): the update service's first look at start read the licence's cloud before its settings were: the default cloud was asked.
it("the first update check at start asks the store's own cloud, not the default one", async () => {
  const temp = tempDir();
  try {
    const first = await openTestCore({ dataDir: temp.dir });
    await first.core.call('licence.configure', { baseUrl: 'https://cloud.own-store.example', storeId: null });
    await first.raw.close();

    const asked: string[] = [];
    const updater = { check: async (url: string) => void asked.push(url), quitAndInstall: () => undefined, onEvent: () => undefined, isOnline: () => true };
    const again = await openTestCore({ dataDir: temp.dir, core: { updater } });
    await expect.poll(() => asked.length).toBeGreaterThan(0);
    await again.raw.close();
    expect(asked[0]).toBe('https://cloud.own-store.example/updates/linux/');
  } finally {
    temp.remove();
  }
});
