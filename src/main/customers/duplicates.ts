import type { Kysely } from 'kysely';
import type { CustomerDuplicatesQuery, DuplicateCandidate, DuplicateReason } from '../../shared/customers/schema';
import type { Database } from '../db/schema';
import { foldText } from './fold';
import { emailKey, localData, type CustomerRow } from './records';
import { phoneE164 } from './phone';

/*
 * Who an existing customer may be, for the one being typed (issue 12, item 4): the same names and
 * date of birth, the same phone, or the same email. Pure rules first, the one query last.
 */

/** A phone's digits, an international `00` prefix read as `+`. */
export function phoneDigits(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.startsWith('00') ? digits.slice(2) : digits;
}

/** Fewer digits than this are no phone number (the schema's own minimum). */
const MIN_PHONE_DIGITS = 6;
/** A number written with a country code matches its national form (0612… and +212 612…) from this many digits. */
const MIN_NATIONAL_DIGITS = 8;

/**
 * Whether two phone numbers are the same line: the same E.164 number, national numbers read in the
 * store's country (phone.ts, the one normalisation). When either cannot be read so (no country
 * known for a national number), by their digits: equal, or one the national form of the other (a
 * trunk 0 dropped, a country code of 1 to 3 digits in front). Pure.
 */
export function samePhone(a: string, b: string, country?: string | null): boolean {
  const ea = phoneE164(a, country);
  const eb = phoneE164(b, country);
  if (ea && eb) return ea === eb;
  const x = phoneDigits(a);
  const y = phoneDigits(b);
  if (x.length < MIN_PHONE_DIGITS || y.length < MIN_PHONE_DIGITS) return false;
  if (x === y) return true;
  const nx = x.replace(/^0/, '');
  const ny = y.replace(/^0/, '');
  if (nx === ny) return true;
  const [short, long] = nx.length <= ny.length ? [nx, ny] : [ny, nx];
  return short.length >= MIN_NATIONAL_DIGITS && long.length - short.length <= 3 && long.endsWith(short);
}

/** A person's names as one key, whatever the accents, case and which is first or last. Pure. */
export function nameKey(firstName: string, lastName: string): string {
  return foldText(`${firstName} ${lastName}`)
    .split(/[\s'’-]+/u)
    .filter((w) => w.length > 0)
    .sort()
    .join(' ');
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}/;

type Probe = CustomerDuplicatesQuery['customerData'];

/** Why `row` may be the customer `probe` describes, in the order the form names them. Pure. */
export function duplicateReasons(
  probe: Probe,
  row: Pick<CustomerRow, 'first_name' | 'last_name' | 'date_of_birth' | 'phone_number' | 'email_key'>,
  country?: string | null,
): DuplicateReason[] {
  const reasons: DuplicateReason[] = [];
  const key = nameKey(probe.firstName ?? '', probe.lastName ?? '');
  const day = probe.dateOfBirth?.match(ISO_DAY)?.[0];
  if (probe.firstName && probe.lastName && day && row.date_of_birth.startsWith(day) && nameKey(row.first_name, row.last_name) === key) {
    reasons.push('nameAndBirth');
  }
  if (probe.phoneNumber && samePhone(probe.phoneNumber, row.phone_number, country)) reasons.push('phone');
  if (probe.email?.includes('@') && row.email_key === emailKey(probe.email)) reasons.push('email');
  return reasons;
}

/** At most this many candidates: the form shows one at a time. */
const MAX_CANDIDATES = 5;
/** At most this many namesakes (the birthday decides among them) and phones are looked at. */
export const MAX_NAMESAKES = 5000;
export const MAX_PHONES = 200;

/**
 * What the search index is asked for the probe (every word must occur): the names when a date of
 * birth comes with them, the phone's last digits (the index holds a phone's digits). Pure.
 */
export function duplicateSearches(probe: Probe): { names: string | null; phone: string | null } {
  const day = probe.dateOfBirth?.match(ISO_DAY)?.[0];
  const digits = phoneDigits(probe.phoneNumber ?? '');
  return {
    names: probe.firstName && probe.lastName && day ? `${probe.firstName} ${probe.lastName}` : null,
    phone: digits.length >= MIN_PHONE_DIGITS ? digits.slice(-MIN_PHONE_DIGITS) : null,
  };
}

/**
 * The live customers the one being typed may be, those matching on more counts first: among what
 * the search index found for duplicateSearches() and the holder of the email, decided by the pure
 * rules above.
 */
export async function findDuplicates(
  db: Kysely<Database>,
  probe: Probe,
  found: { names: string[]; phone: string[] },
  /** The store's country (store profile): national phone numbers are read in it. */
  country?: string | null,
): Promise<DuplicateCandidate[]> {
  const email = probe.email?.includes('@') ? emailKey(probe.email) : '';
  const day = probe.dateOfBirth?.match(ISO_DAY)?.[0] ?? '';
  // Separate lookups, not one OR: each by its own index (the primary key, the partial email index).
  const live = db.selectFrom('customers').selectAll().where('deleted_at', 'is', null);
  const namesakes = found.names.length > 0 ? await live.where('id', 'in', found.names).where('date_of_birth', 'like', `${day}%`).execute() : [];
  const phones = found.phone.length > 0 ? await live.where('id', 'in', found.phone).execute() : [];
  const byEmail = email ? await live.where('email_key', '=', email).where('email_key', '!=', '').execute() : [];
  const rows = [...new Map([...namesakes, ...phones, ...byEmail].map((r) => [r.id, r])).values()];
  return rows
    .map((row) => ({ row, reasons: duplicateReasons(probe, row, country) }))
    .filter((c) => c.reasons.length > 0)
    .sort((a, b) => b.reasons.length - a.reasons.length || b.row.updated_at.localeCompare(a.row.updated_at))
    .slice(0, MAX_CANDIDATES)
    .map(({ row, reasons }) => {
      const d = localData(row);
      return { id: row.id, firstName: d.firstName, lastName: d.lastName, email: d.email, phoneNumber: d.phoneNumber, dateOfBirth: d.dateOfBirth, reasons };
    });
}
