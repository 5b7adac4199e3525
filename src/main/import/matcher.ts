import type BetterSqlite3 from 'better-sqlite3';
import type { DuplicateReason } from '../../shared/customers/schema';
import { duplicateReasons, nameKey, phoneDigits } from '../customers/duplicates';
import { likenessOfWords, nameWords } from '../customers/name-similarity';
import { emailKey } from '../customers/records';
import type { OpenScratch } from '../db/scratch';
import type { CustomerCreate } from './row-rules';
import { nextTurn } from '../turns';

/*
 * Who a row may already be: a live customer of the store or an earlier row of the same file, by
 * email, phone or names with the date of birth. The store's customers are read once per import into
 * three lookups (100,000 queries against the store, one per row, would take longer than the import);
 * each candidate found is then judged by customers/duplicates.ts, the rules the form's duplicate
 * warning uses. The lookups live in a scratch database (db/scratch.ts), not in the JS heap: at
 * 100,000 rows they were the import's largest share of memory.
 */

const LOAD_PAGE = 2000;
/**
 * Customers looked at per phone and per name-and-birthday: the first known (the store's before the
 * file's). A placeholder shared by a whole file ("Client Inconnu" born 01/01/1900, the shop's own
 * number) otherwise made each row judge every row before it: 1,500 such rows took 36 s to preview.
 * A row still finds its match; only where both its phone and its names are shared by more than this
 * may the match found be a weaker one (same phone, say, rather than phone and names).
 */
const MAX_PER_KEY = 10;

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

type Row = Known & { seq: number };

/** A phone's lookup key: its last 8 digits, what its national and international forms share (samePhone decides). */
function phoneKey(phone: string): string | null {
  const d = phoneDigits(phone);
  return d.length >= 6 ? d.slice(-8) : null;
}

const nameDayKey = (first: string, last: string, dob: string) => (dob ? `${nameKey(first, last)}|${dob.slice(0, 10)}` : null);

const COLUMNS = 'seq, id, first_name, last_name, date_of_birth, phone_number, email_key';

export class DuplicateMatcher {
  private readonly insert: BetterSqlite3.Statement;
  private readonly byEmail: BetterSqlite3.Statement;
  private readonly byPhone: BetterSqlite3.Statement;
  private readonly byName: BetterSqlite3.Statement;
  private readonly rename: BetterSqlite3.Statement;

  private constructor(private readonly db: BetterSqlite3.Database) {
    db.exec(`
      create table known (
        seq integer primary key, id text not null, first_name text not null, last_name text not null,
        date_of_birth text not null, phone_number text not null, email_key text not null, phone_key text, name_key text
      );
      create index known_by_id on known (id);
      create index known_by_email on known (email_key) where email_key <> '';
      create index known_by_phone on known (phone_key) where phone_key is not null;
      create index known_by_name on known (name_key) where name_key is not null;
      begin;`); // one transaction for the matcher's life: nothing is written out per row

    this.insert = db.prepare('insert into known (id, first_name, last_name, date_of_birth, phone_number, email_key, phone_key, name_key) values (?, ?, ?, ?, ?, ?, ?, ?)');
    // The latest holder of an email: a merge that filled it in comes after the row that first had it.
    this.byEmail = db.prepare(`select ${COLUMNS} from known where email_key = ? and email_key <> '' order by seq desc limit 1`);
    this.byPhone = db.prepare(`select ${COLUMNS} from known where phone_key = ? order by seq limit ${MAX_PER_KEY}`);
    this.byName = db.prepare(`select ${COLUMNS} from known where name_key = ? order by seq limit ${MAX_PER_KEY}`);
    this.rename = db.prepare('update known set id = ? where id = ?');
  }

  /**
   * The store's live customers, read a page at a time with the event loop given back between pages:
   * in one pass, 100,000 of them held it ~0.8 s at the start of every preview and import.
   */
  static async load(store: BetterSqlite3.Database, openScratch: OpenScratch): Promise<DuplicateMatcher> {
    const m = new DuplicateMatcher(openScratch());
    try {
      const page = store.prepare('select id, first_name, last_name, date_of_birth, phone_number, email_key from customers where deleted_at is null and id > ? order by id limit ?');
      for (let after = ''; ; ) {
        const rows = page.all(after, LOAD_PAGE) as Known[];
        for (const row of rows) m.add(row);
        if (rows.length < LOAD_PAGE) return m;
        after = (rows[rows.length - 1] as Known).id;
        await nextTurn();
      }
    } catch (err) {
      m.close();
      throw err;
    }
  }

  add(k: Known): void {
    this.insert.run(k.id, k.first_name, k.last_name, k.date_of_birth, k.phone_number, k.email_key, phoneKey(k.phone_number), nameDayKey(k.first_name, k.last_name, k.date_of_birth));
  }

  /** The row known as `key` was written as the customer `id`: found under that id from now on. */
  written(key: string, id: string): void {
    this.rename.run(id, key);
  }

  /** A customer's record as the lookups keep it, from what the import writes. */
  static known(id: string, c: CustomerCreate): Known {
    const d = c.customerData;
    return { id, first_name: d.firstName, last_name: d.lastName, date_of_birth: d.dateOfBirth, phone_number: d.phoneNumber, email_key: emailKey(d.email) };
  }

  /** Who holds this email (a live customer or an earlier row), if anyone. */
  emailHolder(email: string): string | null {
    return email ? ((this.byEmail.get(emailKey(email)) as Row | undefined)?.id ?? null) : null;
  }

  /** The best match for a row: the one matching on most counts. */
  find(c: CustomerCreate): Match | null {
    const d = c.customerData;
    const found: Row[] = [];
    if (d.email) found.push(...(this.byEmail.all(emailKey(d.email)) as Row[]));
    const p = phoneKey(d.phoneNumber);
    if (p) found.push(...(this.byPhone.all(p) as Row[]));
    const n = nameDayKey(d.firstName, d.lastName, d.dateOfBirth);
    if (n) found.push(...(this.byName.all(n) as Row[]));
    // A customer known twice (a merge filled in their email) is judged on what was known last.
    const candidates = new Map<string, Row>();
    for (const k of found) if ((candidates.get(k.id)?.seq ?? -1) < k.seq) candidates.set(k.id, k);
    let best: Match | null = null;
    const names = nameWords(d);
    for (const k of candidates.values()) {
      const reasons = duplicateReasons(d, k);
      // A line shared by a family (their home phone) or a shop is no sign of the same person when the
      // names say otherwise (neither the same nor a slip apart, issue 13's rule): merged, one person's
      // prescriptions would land in another's record.
      if (reasons.length === 1 && reasons[0] === 'phone' && names.joined !== '' && !likenessOfWords(names, nameWords({ firstName: k.first_name, lastName: k.last_name }))) continue;
      if (reasons.length > (best?.reasons.length ?? 0)) best = { id: k.id, name: `${k.first_name} ${k.last_name}`, reasons };
    }
    return best;
  }

  /** Lets the lookups go (their file is deleted): call once the preview or the run is over. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}
