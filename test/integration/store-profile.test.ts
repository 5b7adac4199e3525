import { afterEach, describe, expect, it } from 'vitest';
import { MAX_LOGO_BYTES } from '../../src/shared/store-profile/schema';
import { expectFailure, openTestCore } from '../helpers/core';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A 1×1 PNG and the first bytes of a JPEG: what a logo is, by its content. */
export const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]).toString('base64');

const profile = {
  name: 'Optique Atlas',
  address: '12 rue Allal Ben Abdellah\n20000 Casablanca',
  phone: '+212 5 22 00 00 00',
  registrationNumber: 'RC 123456',
  country: 'MA' as const,
  logo: PNG_1x1,
  rxExpiryMonths: { spectacles: 24, contacts: 12 },
};

async function staffSession(t: Awaited<ReturnType<typeof openTestCore>>) {
  await t.core.call('staff.create', { username: 'sami', displayName: 'Sami', password: 'sami-password-1', role: 'staff' });
  return (await t.raw.call('auth.login', { username: 'sami', password: 'sami-password-1' })).sessionToken;
}

describe("the store's identity (settings.getStore / settings.setStore)", () => {
  it('is blank with the usual expiry defaults until the owner describes the store', async () => {
    const t = await openTestCore();
    cleanups.push(t.close);
    expect(await t.core.call('settings.getStore', {})).toEqual({
      name: '',
      address: '',
      phone: '',
      registrationNumber: '',
      country: null,
      logo: null,
      rxExpiryMonths: { spectacles: 24, contacts: 12 },
    });
  });

  it('is saved by the owner, audited without the image itself, and read by staff (they print)', async () => {
    const t = await openTestCore();
    cleanups.push(t.close);
    const saved = await t.core.call('settings.setStore', profile);
    expect(saved).toMatchObject({ name: 'Optique Atlas', logo: { mimeType: 'image/png', bytes: PNG_1x1 } });
    const audit = await t.core.call('audit.list', { entity: 'setting', entityId: 'store.profile' });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0])).not.toContain(PNG_1x1);
    expect(JSON.stringify(audit[0]!.after)).toContain('sha256');

    const staff = await staffSession(t);
    expect(await t.raw.call('settings.getStore', {}, { sessionToken: staff })).toEqual(saved);
    const refused = await t.raw.handle('settings.setStore', { ...profile, name: 'Not mine' }, { sessionToken: staff });
    expect(refused).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
  });

  it('keeps the store across a restart', async () => {
    const t = await openTestCore();
    cleanups.push(t.close);
    await t.core.call('settings.setStore', { ...profile, logo: JPEG_HEAD });
    await t.raw.close();
    const again = await openTestCore({ dataDir: t.dir });
    cleanups.push(again.close);
    expect(await again.core.call('settings.getStore', {})).toMatchObject({ name: 'Optique Atlas', country: 'MA', logo: { mimeType: 'image/jpeg' } });
  });

  it('takes a logo by its bytes: not a PDF or a renamed text, not an oversized image', async () => {
    const t = await openTestCore();
    cleanups.push(t.close);
    await expectFailure(t.core, 'settings.setStore', { ...profile, logo: Buffer.from('%PDF-1.4 hello').toString('base64') }, 'storeProfile.logoBadType', 400);
    await expectFailure(t.core, 'settings.setStore', { ...profile, logo: 'not base64!' }, 'storeProfile.logoBadType', 400);
    const big = Buffer.alloc(MAX_LOGO_BYTES + 1);
    Buffer.from(PNG_1x1, 'base64').copy(big);
    await expectFailure(t.core, 'settings.setStore', { ...profile, logo: big.toString('base64') }, 'storeProfile.logoTooLarge', 413);
    await expectFailure(t.core, 'settings.setStore', { ...profile, rxExpiryMonths: { spectacles: 24.5, contacts: 12 } }, 'validation', 400);
    expect((await t.core.call('settings.getStore', {})).name).toBe('');
  });

  it('records nothing when saved unchanged', async () => {
    const t = await openTestCore();
    cleanups.push(t.close);
    await t.core.call('settings.setStore', profile);
    await t.core.call('settings.setStore', profile);
    expect(await t.core.call('audit.list', { entity: 'setting', entityId: 'store.profile' })).toHaveLength(1);
  });
});
