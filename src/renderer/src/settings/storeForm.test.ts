import { describe, expect, it } from 'vitest';
import { defaultStoreProfile, MAX_LOGO_BYTES } from '../../../shared/store-profile/schema';
import { logoFromBytes, storeFormFromProfile, storeInputFromForm } from './storeForm';

describe("the store's identity form", () => {
  it('round-trips a profile, trimmed, the country none when blank', () => {
    const form = { ...storeFormFromProfile(defaultStoreProfile), name: '  Optique Atlas ', spectaclesMonths: '18', contactsMonths: '' };
    expect(storeInputFromForm(form)).toEqual({
      input: { name: 'Optique Atlas', address: '', phone: '', registrationNumber: '', country: null, logo: null, rxExpiryMonths: { spectacles: 18, contacts: 0 } },
    });
  });

  it('names months that are not a whole number from 0 to 120', () => {
    const base = storeFormFromProfile(defaultStoreProfile);
    expect(storeInputFromForm({ ...base, spectaclesMonths: '1.5' })).toEqual({ errors: { spectaclesMonths: 'months' } });
    expect(storeInputFromForm({ ...base, contactsMonths: '121' })).toEqual({ errors: { contactsMonths: 'months' } });
    expect(storeInputFromForm({ ...base, contactsMonths: '-1' })).toEqual({ errors: { contactsMonths: 'months' } });
  });

  it('takes a PNG or JPEG logo by its bytes, not a PDF, nor one over the size limit', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
    expect(logoFromBytes(png, 'b64')).toEqual({ logo: { mimeType: 'image/png', bytes: 'b64' } });
    expect(logoFromBytes(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), 'j')).toEqual({ logo: { mimeType: 'image/jpeg', bytes: 'j' } });
    expect(logoFromBytes(new TextEncoder().encode('%PDF-1.4'), 'p')).toEqual({ error: 'logoBadType' });
    const big = new Uint8Array(MAX_LOGO_BYTES + 1);
    big.set(png);
    expect(logoFromBytes(big, 'x')).toEqual({ error: 'logoTooLarge' });
  });
});
