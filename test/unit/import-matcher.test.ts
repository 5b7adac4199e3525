import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openScratchDatabase } from '../../src/main/db/scratch';
import { DuplicateMatcher } from '../../src/main/import/matcher';
import type { CustomerCreate } from '../../src/main/import/row-rules';

/*
 * The import's duplicate lookups (import/matcher.ts), kept in a scratch database: what a row is
 * matched to, with placeholders shared by thousands of rows.
 */

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
});

async function matcher(store: { id: string; first: string; last: string; dob: string; phone: string; email: string }[] = []) {
  const db = new Database(':memory:');
  opened.push(db);
  db.exec('create table customers (id text, first_name text, last_name text, date_of_birth text, phone_number text, email_key text, deleted_at text)');
  for (const c of store) db.prepare('insert into customers values (?, ?, ?, ?, ?, ?, null)').run(c.id, c.first, c.last, c.dob, c.phone, c.email);
  const m = await DuplicateMatcher.load(db, () => openScratchDatabase());
  opened.push(m);
  return m;
}

const row = (firstName: string, lastName: string, dateOfBirth: string, phoneNumber: string, email = '') => ({ customerData: { firstName, lastName, dateOfBirth, phoneNumber, email } }) as CustomerCreate;

describe('the import’s duplicate lookups', () => {
  it('match a row among thousands sharing its names and birthday to the one that also has its phone', async () => {
    const m = await matcher([{ id: 'store-1', first: 'Client', last: 'Inconnu', dob: '1900-01-01T00:00:00.000Z', phone: '0600000001', email: '' }]);
    for (let i = 0; i < 3000; i++) m.add(DuplicateMatcher.known(`row:${i}`, row('Client', 'Inconnu', '1900-01-01T00:00:00.000Z', `07${String(10000000 + i)}`)));
    expect(m.find(row('Inconnu', 'Client', '1900-01-01T00:00:00.000Z', '0710002999'))).toEqual({ id: 'row:2999', name: 'Client Inconnu', reasons: ['nameAndBirth', 'phone'] });
    // Only the names and birthday: the first known, the store's.
    expect(m.find(row('Client', 'Inconnu', '1900-01-01T00:00:00.000Z', '0799999999'))).toMatchObject({ id: 'store-1', reasons: ['nameAndBirth'] });
  });

  it('match a row among thousands sharing the shop’s phone to the one with its names and birthday, or its email', async () => {
    const m = await matcher();
    for (let i = 0; i < 3000; i++) m.add(DuplicateMatcher.known(`row:${i}`, row(`Prénom${i}`, `Nom${i}`, '1980-01-01T00:00:00.000Z', '0522000000', `p${i}@exemple.ma`)));
    expect(m.find(row('Prénom2500', 'Nom2500', '1980-01-01T00:00:00.000Z', '0522000000'))).toMatchObject({ id: 'row:2500', reasons: ['nameAndBirth', 'phone'] });
    expect(m.find(row('Autre', 'Personne', '', '0522000000', 'p2999@exemple.ma'))).toMatchObject({ id: 'row:2999', reasons: ['phone', 'email'] });
    // Only the shop's phone, under other names: no one already here.
    expect(m.find(row('Autre', 'Personne', '', '0522000000'))).toBeNull();
    expect(m.find(row('', '', '', '0522000000'))).toMatchObject({ id: 'row:0', reasons: ['phone'] });
  });

  it('take a shared phone for the same person only under the same name, or one a slip apart', async () => {
    const m = await matcher([{ id: 'karim', first: 'Karim', last: 'Benali', dob: '', phone: '0612345678', email: '' }]);
    expect(m.find(row('Karima', 'Benali', '', '06 12 34 56 78'))).toMatchObject({ id: 'karim', reasons: ['phone'] });
    expect(m.find(row('Benali', 'Karim', '', '+212 612345678'))).toMatchObject({ id: 'karim', reasons: ['phone'] });
    expect(m.find(row('Karím', 'Benáli', '', '0612345678'))).toMatchObject({ id: 'karim' });
    // His daughter, on the family's line.
    expect(m.find(row('Sara', 'Benali', '', '0612345678'))).toBeNull();
  });

  it('find a row written since under its customer’s id', async () => {
    const m = await matcher();
    m.add(DuplicateMatcher.known('pending:7', row('Aicha', 'Benali', '1990-05-05T00:00:00.000Z', '0611111111', 'aicha@exemple.ma')));
    m.written('pending:7', 'customer-7');
    expect(m.find(row('Aicha', 'Benali', '1990-05-05T00:00:00.000Z', ''))).toMatchObject({ id: 'customer-7' });
    expect(m.emailHolder('AICHA@exemple.ma')).toBe('customer-7');
  });
});
