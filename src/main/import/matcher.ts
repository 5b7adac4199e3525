import type BetterSqlite3 from 'better-sqlite3';
import type { DuplicateReason } from '../../shared/customers/schema';
import { duplicateReasons, nameKey, phoneDigits } from '../customers/duplicates';
import { emailKey } from '../customers/records';
import type { CustomerCreate } from './row-rules';

/*
 * Who a row may already be: a live customer of the store or an earlier row of the same file, by
 * email, phone or names with the date of birth. The store's customers are read once per import into
 * three lookups (100,000 queries, one per row, would take longer than the import); each candidate
 * found is then judged by customers/duplicates.ts, the rules the form's duplicate warning uses.
 */

const LOAD_PAGE = 2000;

export interface Known {
  id: string;
  first_name: string;
  last_name: string;
  date_of_birth: string;
  phone_number: string;
  email_key: string;
}

export interface Match {
  id: string;
  name: string;
  reasons: DuplicateReason[];
}

/** A phone's lookup key: its last 8 digits, what its national and international forms share (samePhone decides). */
function phoneKey(phone: string): string | null {
  const d = phoneDigits(phone);
  return d.length >= 6 ? d.slice(-8) : null;
}

const nameDayKey = (first: string, last: string, dob: string) => (dob ? `${nameKey(first, last)}|${dob.slice(0, 10)}` : null);

function push(map: Map<string, Known[]>, key: string, k: Known) {
  const list = map.get(key);
  if (list) list.push(k);
  else map.set(key, [k]);
}

export class DuplicateMatcher {
  private readonly byEmail = new Map<string, Known>();
  private readonly byPhone = new Map<string, Known[]>();
  private readonly byName = new Map<string, Known[]>();

  /**
   * The store's live customers, read a page at a time with the event loop given back between pages:
   * in one pass, 100,000 of them held it ~0.8 s at the start of every preview and import.
   */
  static async load(sqlite: BetterSqlite3.Database): Promise<DuplicateMatcher> {
    const m = new DuplicateMatcher();
    const page = sqlite.prepare('select id, first_name, last_name, date_of_birth, phone_number, email_key from customers where deleted_at is null and id > ? order by id limit ?');
    for (let after = ''; ; ) {
      const rows = page.all(after, LOAD_PAGE) as Known[];
      for (const row of rows) m.add(row);
      if (rows.length < LOAD_PAGE) return m;
      after = (rows[rows.length - 1] as Known).id;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  add(k: Known): void {
    if (k.email_key) this.byEmail.set(k.email_key, k);
    const p = phoneKey(k.phone_number);
    if (p) push(this.byPhone, p, k);
    const n = nameDayKey(k.first_name, k.last_name, k.date_of_birth);
    if (n) push(this.byName, n, k);
  }

  /** A customer's record as the lookups keep it, from what the import writes. */
  static known(id: string, c: CustomerCreate): Known {
    const d = c.customerData;
    return { id, first_name: d.firstName, last_name: d.lastName, date_of_birth: d.dateOfBirth, phone_number: d.phoneNumber, email_key: emailKey(d.email) };
  }

  /** Who holds this email (a live customer or an earlier row), if anyone. */
  emailHolder(email: string): string | null {
    return email ? (this.byEmail.get(emailKey(email))?.id ?? null) : null;
  }

  /** The best match for a row: the one matching on most counts. */
  find(c: CustomerCreate): Match | null {
    const d = c.customerData;
    const candidates = new Map<string, Known>();
    const byEmail = d.email ? this.byEmail.get(emailKey(d.email)) : undefined;
    if (byEmail) candidates.set(byEmail.id, byEmail);
    const p = phoneKey(d.phoneNumber);
    for (const k of p ? (this.byPhone.get(p) ?? []) : []) candidates.set(k.id, k);
    const n = nameDayKey(d.firstName, d.lastName, d.dateOfBirth);
    for (const k of n ? (this.byName.get(n) ?? []) : []) candidates.set(k.id, k);
    let best: Match | null = null;
    for (const k of candidates.values()) {
      const reasons = duplicateReasons(d, k);
      if (reasons.length > (best?.reasons.length ?? 0)) best = { id: k.id, name: `${k.first_name} ${k.last_name}`, reasons };
    }
    return best;
  }
}
