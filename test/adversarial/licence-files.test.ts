import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import type { Licence } from '../../src/shared/licence/schema';
import { type CloudServer, startCloud } from '../cloud/server';
import { OWNER, layla, manualClock, openTestCore, person, tempDir } from '../helpers/core';
import { OTHER_MACHINE, TEST_MACHINE, type TestSigner, makeLicence, signLicence, testSigner } from '../helpers/licence';

/*
 * Forged, replayed and older licence files through licence.importFile, which is public (the
 * activation screen comes before any sign-in): anyone at the counter can try a file. A file is
 * refused unless it is genuine, for this PC, and issued after the newest licence this install has
 * seen; a revocation or an expiry, once seen, is not undone by a file from before it. Each test also
 * shows a genuine newer file is still accepted, so "refuse everything" cannot pass.
 */

const DAY = 86_400_000;
const STORE = 'store-adv-licence';

let clock: ReturnType<typeof manualClock>;
let cleanups: (() => unknown)[];

beforeEach(() => {
  clock = manualClock('2026-02-01T09:00:00.000Z');
  cleanups = [];
});
afterEach(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

function keep<T extends { close: () => Promise<void> }>(t: T): T {
  cleanups.push(() => t.close());
  return t;
}

function fileOf(signer: TestSigner, overrides: Partial<Licence>): string {
  return JSON.stringify(signLicence(signer, makeLicence({ storeId: STORE, ...overrides }, clock.now())));
}

/** The owner signed in afresh (moving the clock by days ends sessions, as at a real counter). */
async function owner(raw: Core): Promise<Core> {
  const { sessionToken } = await raw.call('auth.login', { username: OWNER.username, password: OWNER.password });
  return { ...raw, handle: (c, i, o) => raw.handle(c, i, o ?? { sessionToken }), call: (c, i, o) => raw.call(c, i, o ?? { sessionToken }) };
}

async function importAs(raw: Core, contents: string) {
  return raw.handle('licence.importFile', { contents });
}

describe('forged licence files', () => {
  it('refuses a wrong signature, an unknown kid, a kid swapped between trusted keys, another machine, and edits after signing', async () => {
    const vendor = testSigner('vendor-2026');
    const rotated = testSigner('vendor-2027');
    const t = keep(await openTestCore({ clock, core: { trustedLicenceKeys: [vendor.trusted, rotated.trusted], machineId: TEST_MACHINE } }));
    const { raw } = t;
    const genuine = signLicence(vendor, makeLicence({ storeId: STORE }, clock.now()));

    const forged: [string, string][] = [
      ['signed by a key nobody trusts, under a trusted kid', JSON.stringify({ ...signLicence(testSigner('attacker'), genuine.license), kid: vendor.kid })],
      ['signed by a key nobody trusts, under its own kid', JSON.stringify(signLicence(testSigner('attacker'), genuine.license))],
      ['a genuine signature under the other trusted kid', JSON.stringify({ ...genuine, kid: rotated.kid })],
      ['an unknown kid', JSON.stringify({ ...genuine, kid: 'vendor-2099' })],
      ['a kid with a path in it', JSON.stringify({ ...genuine, kid: '../../resources/licence-keys/vendor-2026' })],
      ['a kid inherited from Object.prototype', JSON.stringify({ ...genuine, kid: '__proto__' })],
      ['another machine', fileOf(vendor, { machineId: OTHER_MACHINE })],
      ['the expiry pushed out after signing', JSON.stringify({ ...genuine, license: { ...genuine.license, expiresAt: '2099-01-01T00:00:00.000Z' } })],
      ['the machine changed after signing', JSON.stringify({ ...genuine, license: { ...genuine.license, machineId: TEST_MACHINE.replace(/^a/, 'c') } })],
      ['a field added after signing', JSON.stringify({ ...genuine, license: { ...genuine.license, seats: 99 } })],
      ['an empty signature', JSON.stringify({ ...genuine, signature: '' })],
      ['a signature of zeros', JSON.stringify({ ...genuine, signature: Buffer.alloc(64).toString('base64') })],
      ['a signature that is not base64', JSON.stringify({ ...genuine, signature: '!!!!' })],
      ['the signature of another licence', JSON.stringify({ ...genuine, signature: signLicence(vendor, makeLicence({ id: 'other' }, clock.now())).signature })],
      ['a revoked status rewritten to active', JSON.stringify({ ...signLicence(vendor, makeLicence({ status: 'revoked' }, clock.now())), license: makeLicence({ status: 'active' }, clock.now()) })],
      ['a __proto__ key carrying the fields', `{"__proto__": ${JSON.stringify(genuine)}}`],
      ['the licence file twice in an array', JSON.stringify([genuine, genuine])],
    ];
    const accepted: string[] = [];
    for (const [what, contents] of forged) {
      const res = await importAs(raw, contents);
      if (res.ok) accepted.push(what);
      else expect.soft(res.error, what).toMatchObject({ code: 'licence.invalid', status: 400 });
    }
    expect(accepted, 'forged files accepted').toEqual([]);
    expect(await raw.call('licence.status', {})).toMatchObject({ state: 'trial', key: null });

    expect(await raw.call('licence.importFile', { contents: JSON.stringify(genuine) })).toMatchObject({ state: 'active' });
  });
});

describe('older and replayed licence files', () => {
  it('refuses a file issued before the newest one already seen, and keeps the newer licence', async () => {
    const vendor = testSigner('vendor-2026');
    const t = keep(await openTestCore({ clock, core: { trustedLicenceKeys: [vendor.trusted], machineId: TEST_MACHINE } }));
    const older = fileOf(vendor, { expiresAt: null });
    clock.advance(DAY);
    const newer = fileOf(vendor, { expiresAt: '2026-06-01T00:00:00.000Z' });
    clock.advance(DAY);

    expect(await t.raw.call('licence.importFile', { contents: newer })).toMatchObject({ state: 'active', expiresAt: '2026-06-01T00:00:00.000Z' });
    const res = await importAs(t.raw, older);
    expect.soft(res.ok, 'a file issued a day before the one in place').toBe(false);
    if (!res.ok) expect.soft(res.error.code).toBe('licence.invalid');
    expect(await t.raw.call('licence.status', {})).toMatchObject({ state: 'active', expiresAt: '2026-06-01T00:00:00.000Z' });
  });

  it('keeps an expiry once seen: an older file without expiry is refused, a renewal issued later is accepted', async () => {
    const vendor = testSigner('vendor-2026');
    const t = keep(await openTestCore({ clock, core: { trustedLicenceKeys: [vendor.trusted], machineId: TEST_MACHINE } }));
    const perpetual = fileOf(vendor, { expiresAt: null });
    clock.advance(DAY);
    const monthly = fileOf(vendor, { expiresAt: '2026-03-01T00:00:00.000Z' });
    expect(await t.raw.call('licence.importFile', { contents: monthly })).toMatchObject({ state: 'active' });

    clock.set('2026-03-05T09:00:00.000Z');
    expect(await t.raw.call('licence.status', {})).toMatchObject({ state: 'expired', canWrite: false });
    const res = await importAs(t.raw, perpetual);
    expect.soft(res.ok, 'an older file without expiry, after the expiry was seen').toBe(false);
    const core = await owner(t.raw);
    expect.soft(await core.handle('customers.create', layla)).toMatchObject({ ok: false, error: { code: 'licence.required' } });

    const renewal = fileOf(vendor, { expiresAt: '2026-04-01T00:00:00.000Z' });
    expect(await t.raw.call('licence.importFile', { contents: renewal })).toMatchObject({ state: 'active' });
  });

  it('keeps a revocation once seen: the licence file from before it is refused, also after a restart; a file issued later is accepted', async () => {
    const vendor = testSigner('vendor-2026');
    const cloud: CloudServer = await startCloud({ now: () => clock.now(), rateLimitPerMinute: null, licenceSigner: vendor });
    cleanups.push(() => cloud.close());
    // What crossed the network, as someone on the store's network (or the PC) could have kept it.
    const sniffed: string[] = [];
    const licenceFetch: typeof fetch = async (url, init) => {
      const res = await fetch(url, init);
      if (String(url).includes('/licenses/') && res.ok) sniffed.push(await res.clone().text());
      return res;
    };
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const options = { trustedLicenceKeys: [vendor.trusted], machineId: TEST_MACHINE, licenceFetch };
    const key = cloud.addLicence({ storeId: STORE });

    const first = await openTestCore({ clock, dataDir: dir.dir, core: options });
    await first.core.call('licence.configure', { baseUrl: cloud.url, storeId: STORE });
    await first.core.call('licence.activate', { key });
    const fromServer = sniffed.at(-1)!;
    expect(fromServer).toContain('"signature"');
    // Signed by the vendor with this key for this PC a little earlier, e.g. sent for an offline activation.
    const offline = JSON.stringify(signLicence(vendor, makeLicence({ key, storeId: STORE, issuedAt: new Date(clock.now().getTime() - 3_600_000).toISOString() }, clock.now())));

    cloud.revokeLicence(key);
    clock.advance(DAY);
    const core = await owner(first.raw);
    expect(await core.call('licence.refresh', {})).toMatchObject({ state: 'revoked', canWrite: false });

    const replays: [string, string][] = [
      ['the server’s own pre-revocation file', fromServer],
      ['an offline file from before the revocation', offline],
    ];
    for (const [what, contents] of replays) {
      const res = await importAs(first.raw, contents);
      expect.soft(res.ok, `${what}, imported after the revocation`).toBe(false);
      expect.soft((await first.raw.call('licence.status', {})).state, `state after importing ${what}`).toBe('revoked');
    }
    expect.soft(await core.handle('customers.create', person('After', 'Revocation')), 'a change after the replays').toMatchObject({ ok: false, error: { code: 'licence.required' } });
    await first.raw.close();

    // Offline, after a restart: the revocation is still remembered.
    await cloud.stopListening();
    const again = keep(await openTestCore({ clock, dataDir: dir.dir, core: options }));
    for (const [what, contents] of replays) {
      const res = await importAs(again.raw, contents);
      expect.soft(res.ok, `${what}, imported after a restart`).toBe(false);
    }
    expect.soft((await again.raw.call('licence.status', {})).state).toBe('revoked');

    // The vendor lifts the revocation with a file issued after it: that one is accepted.
    clock.advance(DAY);
    const reinstated = JSON.stringify(signLicence(vendor, makeLicence({ key, storeId: STORE }, clock.now())));
    expect(await again.raw.call('licence.importFile', { contents: reinstated })).toMatchObject({ state: 'active' });
    await cloud.resumeListening();
  });
});
