import { describe, expect, it } from 'vitest';
import { TRIAL_DAYS, trialStatus } from '../../src/main/licence/trial';
import { CLOCK_TOLERANCE_MS, type VerifyContext, trustedKeys, verifyLicence } from '../../src/main/licence/verify';
import { canonicalJson } from '../../src/shared/licence/canonical';
import { OTHER_MACHINE, TEST_MACHINE, makeLicence, signLicence, testSigner } from '../helpers/licence';

const DAY = 86_400_000;
const now = new Date('2026-02-01T12:00:00.000Z');
const signer = testSigner('k1');
const ctx = (over: Partial<VerifyContext> = {}): VerifyContext => ({
  keys: trustedKeys([signer.trusted]),
  machineId: TEST_MACHINE,
  now,
  lastSeenAt: new Date(now.getTime() - DAY),
  ...over,
});
const good = () => signLicence(signer, makeLicence({}, new Date('2026-01-15T10:00:00.000Z')));

describe('verifyLicence', () => {
  it('accepts a licence signed by a trusted key, for this machine, active, not expired', () => {
    const v = verifyLicence(good(), ctx());
    expect(v).toMatchObject({ ok: true, state: 'active' });
    // The same as JSON text (a file imported offline).
    expect(verifyLicence(JSON.stringify(good()), ctx())).toMatchObject({ ok: true });
  });

  it('signs over the canonical JSON: key order in the file does not matter, unknown fields are covered', () => {
    const licence = { ...makeLicence(), addedByANewerServer: { z: 1, a: [2, { y: 3, b: 4 }] } };
    const file = signLicence(signer, licence);
    const reordered = { kid: file.kid, signature: file.signature, license: Object.fromEntries(Object.entries(licence).reverse()) };
    expect(canonicalJson(reordered.license)).toBe(canonicalJson(licence));
    expect(verifyLicence(JSON.stringify(reordered), ctx())).toMatchObject({ ok: true });
    const tampered = { ...reordered, license: { ...reordered.license, addedByANewerServer: { z: 2 } } };
    expect(verifyLicence(tampered, ctx())).toMatchObject({ ok: false, reasonCode: 'signature' });
  });

  it('refuses a licence with any one byte of its payload changed', () => {
    const text = JSON.stringify(good());
    const start = text.indexOf('"license":') + '"license":'.length;
    const end = text.indexOf(',"signature"');
    let refused = 0;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      // Flip a bit of a character that keeps the JSON parseable: letters and digits inside values.
      if (!/[A-Za-z0-9]/.test(text[i]!)) continue;
      const flipped = text.slice(0, i) + String.fromCharCode(c ^ 1) + text.slice(i + 1);
      const v = verifyLicence(flipped, ctx());
      expect(v.ok, `byte ${i} changed`).toBe(false);
      refused++;
    }
    expect(refused).toBeGreaterThan(100);
  });

  it('refuses a licence with one byte of its signature flipped', () => {
    const file = good();
    const bytes = Buffer.from(file.signature, 'base64');
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i] = copy[i]! ^ 0x01;
      const v = verifyLicence({ ...file, signature: copy.toString('base64') }, ctx());
      expect(v).toMatchObject({ ok: false, state: 'invalid', reasonCode: 'signature' });
    }
    expect(verifyLicence({ ...file, signature: 'AAAA' }, ctx())).toMatchObject({ ok: false, reasonCode: 'signature' });
  });

  it('refuses a file signed by a key it does not trust, or naming an unknown key id', () => {
    const stranger = testSigner('k1'); // same kid, another key
    expect(verifyLicence(signLicence(stranger, makeLicence()), ctx())).toMatchObject({ ok: false, reasonCode: 'signature' });
    const unknown = testSigner('k2');
    const v = verifyLicence(signLicence(unknown, makeLicence()), ctx());
    expect(v).toMatchObject({ ok: false, state: 'invalid', reasonCode: 'unknownKid' });
    if (!v.ok) expect(v.reason).toContain('k2');
    // A trusted file relabelled with another trusted kid fails too (keys rotate; ids are not interchangeable).
    const rotated = testSigner('k3');
    const both = trustedKeys([signer.trusted, rotated.trusted]);
    expect(verifyLicence({ ...good(), kid: 'k3' }, ctx({ keys: both }))).toMatchObject({ ok: false, reasonCode: 'signature' });
    expect(verifyLicence(signLicence(rotated, makeLicence()), ctx({ keys: both }))).toMatchObject({ ok: true });
  });

  it("refuses another machine's licence", () => {
    expect(verifyLicence(good(), ctx({ machineId: OTHER_MACHINE }))).toMatchObject({ ok: false, state: 'invalid', reasonCode: 'machine' });
  });

  it('says expired once past expiresAt', () => {
    const file = signLicence(signer, makeLicence({ expiresAt: '2026-01-31T00:00:00.000Z' }));
    const v = verifyLicence(file, ctx());
    expect(v).toMatchObject({ ok: false, state: 'expired', reasonCode: 'expired' });
    if (!v.ok) expect(v.reason).toContain('2026-01-31');
    expect(verifyLicence(file, ctx({ now: new Date('2026-01-30T00:00:00.000Z'), lastSeenAt: null }))).toMatchObject({ ok: true });
  });

  it('says revoked for a revoked licence', () => {
    expect(verifyLicence(signLicence(signer, makeLicence({ status: 'revoked' })), ctx())).toMatchObject({ ok: false, state: 'revoked' });
  });

  it('refuses when the clock was turned back beyond the tolerance', () => {
    const file = signLicence(signer, makeLicence({ expiresAt: '2026-03-01T00:00:00.000Z' }));
    const seen = new Date('2026-04-01T00:00:00.000Z'); // it expired, then someone turned the clock back
    const v = verifyLicence(file, ctx({ now, lastSeenAt: seen }));
    expect(v).toMatchObject({ ok: false, state: 'invalid', reasonCode: 'clock' });
    // Within the tolerance (a PC a few hours off) it still works.
    expect(verifyLicence(good(), ctx({ lastSeenAt: new Date(now.getTime() + CLOCK_TOLERANCE_MS - 60_000) }))).toMatchObject({ ok: true });
    // A clock before the licence was even issued is behind too.
    expect(verifyLicence(good(), ctx({ now: new Date('2026-01-10T00:00:00.000Z'), lastSeenAt: null }))).toMatchObject({ ok: false, reasonCode: 'clock' });
  });

  it('refuses what is not a licence file', () => {
    for (const raw of ['', 'not json', '{}', JSON.stringify({ license: {}, signature: 'x', kid: 'k1' }), null, 42]) {
      expect(verifyLicence(raw, ctx())).toMatchObject({ ok: false, state: 'invalid', reasonCode: 'malformed' });
    }
    expect(verifyLicence(signLicence(signer, makeLicence({ productType: 'other_product' })), ctx())).toMatchObject({ ok: false, reasonCode: 'product' });
  });
});

describe('trialStatus', () => {
  const start = new Date('2026-01-15T10:00:00.000Z');

  it(`runs ${TRIAL_DAYS} days from the first start`, () => {
    expect(trialStatus({ startedAt: start, now: start, lastSeenAt: null })).toMatchObject({ daysLeft: 14, over: false });
    expect(trialStatus({ startedAt: start, now: new Date(start.getTime() + 1), lastSeenAt: null }).daysLeft).toBe(14);
    expect(trialStatus({ startedAt: start, now: new Date(start.getTime() + DAY), lastSeenAt: null }).daysLeft).toBe(13);
    expect(trialStatus({ startedAt: start, now: new Date(start.getTime() + 13.5 * DAY), lastSeenAt: null })).toMatchObject({ daysLeft: 1, over: false });
    expect(trialStatus({ startedAt: start, now: new Date(start.getTime() + 14 * DAY), lastSeenAt: null })).toMatchObject({ daysLeft: 0, over: true });
    expect(trialStatus({ startedAt: start, now: new Date(start.getTime() + 100 * DAY), lastSeenAt: null }).daysLeft).toBe(0);
  });

  it('gives no days back when the clock is turned back', () => {
    const seen = new Date(start.getTime() + 20 * DAY);
    expect(trialStatus({ startedAt: start, now: start, lastSeenAt: seen })).toMatchObject({ daysLeft: 0, over: true });
    expect(trialStatus({ startedAt: start, now: new Date(start.getTime() + 2 * DAY), lastSeenAt: new Date(start.getTime() + 5 * DAY) }).daysLeft).toBe(9);
  });

  it('gives no more than the full trial for a start in the future', () => {
    expect(trialStatus({ startedAt: new Date(start.getTime() + 100 * DAY), now: start, lastSeenAt: null }).daysLeft).toBe(14);
  });
});
