import type { StoreCountry, StoreProfile, StoreProfileInput } from '../../../shared/store-profile/schema';
import { logoMimeTypes, MAX_LOGO_BYTES, storeCountries } from '../../../shared/store-profile/schema';

/*
 * The Settings form of the store's identity: every field a string as typed, and the logo as it will
 * be sent. Pure, so the months and the logo check are tested without a screen.
 */
export type StoreForm = {
  name: string;
  address: string;
  phone: string;
  registrationNumber: string;
  country: StoreCountry | '';
  logo: StoreProfile['logo'];
  spectaclesMonths: string;
  contactsMonths: string;
};

export function storeFormFromProfile(p: StoreProfile): StoreForm {
  return {
    name: p.name,
    address: p.address,
    phone: p.phone,
    registrationNumber: p.registrationNumber,
    country: p.country ?? '',
    logo: p.logo,
    spectaclesMonths: String(p.rxExpiryMonths.spectacles),
    contactsMonths: String(p.rxExpiryMonths.contacts),
  };
}

export type StoreFormErrors = Partial<Record<'spectaclesMonths' | 'contactsMonths', 'months'>>;

/** Months typed as a whole number from 0 (no default) to 120; empty is 0. */
function months(text: string): number | null {
  const s = text.trim();
  if (s === '') return 0;
  if (!/^\d{1,3}$/.test(s)) return null;
  const n = Number(s);
  return n <= 120 ? n : null;
}

/** What settings.setStore is sent, or which fields to fix first. */
export function storeInputFromForm(f: StoreForm): { input: StoreProfileInput } | { errors: StoreFormErrors } {
  const spectacles = months(f.spectaclesMonths);
  const contacts = months(f.contactsMonths);
  const errors: StoreFormErrors = {};
  if (spectacles === null) errors.spectaclesMonths = 'months';
  if (contacts === null) errors.contactsMonths = 'months';
  if (spectacles === null || contacts === null) return { errors };
  return {
    input: {
      name: f.name.trim(),
      address: f.address.trim(),
      phone: f.phone.trim(),
      registrationNumber: f.registrationNumber.trim(),
      country: f.country === '' ? null : f.country,
      logo: f.logo?.bytes ?? null,
      rxExpiryMonths: { spectacles, contacts },
    },
  };
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

/**
 * A picked logo file, checked here as the core checks it (by its bytes, not its name), so a wrong file
 * is named at once: the logo to keep, or why not.
 */
export function logoFromBytes(bytes: Uint8Array, base64: string): { logo: NonNullable<StoreProfile['logo']> } | { error: 'logoBadType' | 'logoTooLarge' } {
  if (bytes.length > MAX_LOGO_BYTES) return { error: 'logoTooLarge' };
  const is = (magic: number[]) => magic.every((b, i) => bytes[i] === b);
  const mimeType = is(PNG) ? logoMimeTypes[0] : is(JPEG) ? logoMimeTypes[1] : null;
  return mimeType ? { logo: { mimeType, bytes: base64 } } : { error: 'logoBadType' };
}

export const countryOptions = storeCountries;
