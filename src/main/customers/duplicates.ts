import { type Kysely, sql } from 'kysely';
import type { CustomerDuplicatesQuery, DuplicateCandidate, DuplicateReason } from '../../shared/customers/schema';
import type { Database } from '../db/schema';
import { foldText } from './fold';
import { emailKey, localData, type CustomerRow } from './records';

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
 * Whether two phone numbers are the same line, whatever their separators: equal digits, or one the
 * national form of the other (a trunk 0 dropped, a country code of 1 to 3 digits in front). Pure.
 */
export function samePhone(a: string, b: string): boolean {
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
export function duplicateReasons(probe: Probe, row: Pick<CustomerRow, 'first_name' | 'last_name' | 'date_of_birth' | 'phone_number' | 'email_key'>): DuplicateReason[] {
  const reasons: DuplicateReason[] = [];
  const key = nameKey(probe.firstName ?? '', probe.lastName ?? '');
  const day = probe.dateOfBirth?.match(ISO_DAY)?.[0];
  if (probe.firstName && probe.lastName && day && row.date_of_birth.startsWith(day) && nameKey(row.first_name, row.last_name) === key) {
    reasons.push('nameAndBirth');
  }
  if (probe.phoneNumber && samePhone(probe.phoneNumber, row.phone_number)) reasons.push('phone');
  if (probe.email?.includes('@') && row.email_key === emailKey(probe.email)) reasons.push('email');
  return reasons;
}

/** At most this many candidates: the form shows one at a time. */
const MAX_CANDIDATES = 5;
const MAX_ROWS = 200;

/** The live customers the one being typed may be, those matching on more counts first. */
export async function findDuplicates(db: Kysely<Database>, probe: Probe): Promise<DuplicateCandidate[]> {
  const day = probe.dateOfBirth?.match(ISO_DAY)?.[0];
  const digits = phoneDigits(probe.phoneNumber ?? '');
  const email = probe.email?.includes('@') ? emailKey(probe.email) : null;
  const withName = Boolean(probe.firstName && probe.lastName && day);
  const withPhone = digits.length >= MIN_PHONE_DIGITS;
  if (!withName && !withPhone && !email) return [];
  // Narrowed in SQL (the birthday, the phone's last digits in the indexed text, the email key),
  // decided by the pure rules above.
  const rows = await db
    .selectFrom('customers')
    .selectAll()
    .where('deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        ...(withName ? [eb(sql`substr(date_of_birth, 1, 10)`, '=', day)] : []),
        ...(withPhone ? [eb(sql`instr(search_text, ${digits.slice(-MIN_PHONE_DIGITS)})`, '>', 0)] : []),
        ...(email ? [eb('email_key', '=', email)] : []),
      ]),
    )
    .limit(MAX_ROWS)
    .execute();
  return rows
    .map((row) => ({ row, reasons: duplicateReasons(probe, row) }))
    .filter((c) => c.reasons.length > 0)
    .sort((a, b) => b.reasons.length - a.reasons.length || b.row.updated_at.localeCompare(a.row.updated_at))
    .slice(0, MAX_CANDIDATES)
    .map(({ row, reasons }) => {
      const d = localData(row);
      return { id: row.id, firstName: d.firstName, lastName: d.lastName, email: d.email, phoneNumber: d.phoneNumber, dateOfBirth: d.dateOfBirth, reasons };
    });
}
