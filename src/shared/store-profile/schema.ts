import { z } from 'zod';

/*
 * The store's identity, as its printed cards carry it (letterhead: name, address, phone, registration
 * number, logo), the country its addresses follow, and the prescription defaults the owner sets (how
 * long a new prescription stays valid, by kind).
 */

/** Countries whose postal addresses have a state or province line; every other one has none. */
export const countriesWithState = ['US', 'CA'] as const;
/** The countries offered in Settings (ISO 3166-1 alpha-2); the seed stores are Moroccan. */
export const storeCountries = ['MA', 'FR', 'BE', 'CH', 'DZ', 'TN', 'ES', 'DE', 'IT', 'GB', 'US', 'CA'] as const;
export type StoreCountry = (typeof storeCountries)[number];

/** A logo prints in a letterhead a few centimetres wide: a small image is plenty. */
export const MAX_LOGO_BYTES = 256 * 1024;
export const logoMimeTypes = ['image/png', 'image/jpeg'] as const;

const Text = (max: number) => z.string({ error: 'must be text' }).trim().max(max, `must be at most ${max} characters`);
const Months = z.number({ error: 'must be a number of months' }).int('must be a whole number of months').min(0, 'from 0 (none) to 120 months').max(120, 'from 0 (none) to 120 months');

export const RxExpiryMonths = z.strictObject({ spectacles: Months, contacts: Months });
export type RxExpiryMonths = z.infer<typeof RxExpiryMonths>;

export const StoreProfileInput = z.strictObject({
  name: Text(120),
  address: Text(300),
  phone: Text(40),
  registrationNumber: Text(60),
  country: z.enum(storeCountries, { error: `country must be one of ${storeCountries.join(', ')}` }).nullable(),
  /** The logo's bytes in base64 (PNG or JPEG, read from its content), or null for none. */
  logo: z.string({ error: 'logo must be the image in base64' }).nullable(),
  /** 0: no default expiry for that kind. */
  rxExpiryMonths: RxExpiryMonths,
});
export type StoreProfileInput = z.input<typeof StoreProfileInput>;

export const StoreLogo = z.object({ mimeType: z.enum(logoMimeTypes), bytes: z.string() });
export const StoreProfile = StoreProfileInput.extend({ logo: StoreLogo.nullable() });
export type StoreProfile = z.infer<typeof StoreProfile>;

/** A store nobody has described yet: no letterhead but the name "OptiCounter" would be wrong, so blank. */
export const defaultStoreProfile: StoreProfile = {
  name: '',
  address: '',
  phone: '',
  registrationNumber: '',
  country: null,
  logo: null,
  // What opticians commonly use: spectacles two years, contact lenses one.
  rxExpiryMonths: { spectacles: 24, contacts: 12 },
};

/** Whether the store's addresses have a state/province line (US, Canada), by its country. */
export function addressHasState(country: StoreCountry | null): boolean {
  return country !== null && (countriesWithState as readonly string[]).includes(country);
}
