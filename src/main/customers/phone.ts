import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/*
 * The one phone normalisation of the app (issue 13): the duplicate check while typing, the
 * "Possible duplicates" pairs and the import all compare phones through it.
 */

/**
 * A phone number in E.164 (`+212612345678`), a national number read in the store's country; null
 * when it cannot be one (no country for a national number, too short or too long to be possible).
 */
export function phoneE164(phone: string, country: string | null | undefined): string | null {
  if (phone.replace(/\D/g, '').length < 6) return null;
  try {
    const parsed = parsePhoneNumberFromString(phone.replace(/^\s*00/, '+'), country ? (country as CountryCode) : undefined);
    return parsed?.isPossible() ? parsed.number : null;
  } catch {
    return null;
  }
}
