import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { completeness, incompleteSql, missingFields } from '../../src/main/customers/completeness';

const full = { email: 'a@b.co', phone_number: '0612345678', date_of_birth: '1990-01-01T00:00:00.000Z', sex: 'female' as 'female' | '' };

describe('a customer’s completeness (what the cloud still needs)', () => {
  it('names what is not given, in seed 001’s order', () => {
    expect(missingFields(full)).toEqual([]);
    expect(missingFields({ ...full, sex: '', email: '' })).toEqual(['email', 'sex']);
    expect(completeness({ ...full, date_of_birth: '' })).toEqual({ incomplete: true, missing: ['dateOfBirth'], detailsArriving: false });
    expect(completeness(full)).toEqual({ incomplete: false, missing: [], detailsArriving: false });
  });

  it('a customer made from the cloud’s list (issue 14) lacks nothing staff must give: its details are arriving', () => {
    const summary = { ...full, phone_number: '', date_of_birth: '', sex: '' as const, summary_at: '2026-01-01T00:00:00.000Z' };
    expect(completeness(summary)).toEqual({ incomplete: false, missing: [], detailsArriving: true });
  });

  it('says the same in SQL, one field missing at a time', () => {
    const db = new Database(':memory:');
    db.exec('create table customers (email text, phone_number text, date_of_birth text, sex text, summary_at text)');
    const rows = [full, ...Object.keys(full).map((k) => ({ ...full, [k]: '' }))].map((r) => ({ ...r, summary_at: null as string | null }));
    // Made from the cloud's list: lacking fields, yet not waiting for staff (issue 14).
    rows.push({ ...full, phone_number: '', sex: '', summary_at: '2026-01-01T00:00:00.000Z' });
    const insert = db.prepare('insert into customers values (@email, @phone_number, @date_of_birth, @sex, @summary_at)');
    for (const r of rows) insert.run(r);
    const flagged = db.prepare(`select ${incompleteSql('c')} as i from customers c order by rowid`).all() as { i: number }[];
    expect(flagged.map((r) => r.i === 1)).toEqual(rows.map((r) => completeness(r).incomplete));
    db.close();
  });
});
