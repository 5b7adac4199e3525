import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { type PairRow, findPairs } from '../../src/main/customers/duplicate-pairs';
import { CustomerCreateInput } from '../../src/shared/customers/schema';
import { DB_FILE_NAME } from '../../src/main/db/database';
import type { CloudServer } from '../cloud/server';
import { expectFailure, openTestCore, person } from '../helpers/core';
import { png } from '../helpers/files';
import { STORE, connect, syncUntilSettled } from '../helpers/sync';
import { syncTest } from '../helpers/sync-fixtures';

/*
 * Issue 13, item 3: possible duplicates, merging two customers side by side, and undoing it; through
 * the channels, on real SQLite files, and with sync against the test cloud (its default rate limit on).
 */

const STORE_PROFILE = { name: 'Optique', address: '', phone: '', registrationNumber: '', country: 'FR', logo: null, rxExpiryMonths: { spectacles: 24, contacts: 12 } } as const;
const RX = { kind: 'spectacles', examDate: '2025-01-10', distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.25' } } } as const;

const leila = { customerData: { firstName: 'Leïla', lastName: 'Alaoui', email: 'leila@example.fr', phoneNumber: '06 12 34 56 78', dateOfBirth: '1958-04-07', sex: 'female' as const } };
const leila2 = { customerData: { firstName: 'alaoui', lastName: 'LEILA', email: 'l.alaoui@example.fr', phoneNumber: '+33 6 12 34 56 78', dateOfBirth: '1958-04-07', sex: 'female' as const } };

function storeRows<T>(dir: string, sql: string, ...args: unknown[]): T[] {
  const db = new Database(join(dir, DB_FILE_NAME), { readonly: true });
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}

describe('possible duplicates, merge and undo (local)', () => {
  let core: Core;
  let dir: string;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ core, dir, close } = await openTestCore());
    await core.call('settings.setStore', STORE_PROFILE);
  });
  afterEach(() => close());

  it('lists pairs strongest first with their reasons, the phone read as E.164 in the store country', async () => {
    const a = (await core.call('customers.create', leila)).customer.id;
    const b = (await core.call('customers.create', leila2)).customer.id;
    // Same phone only (a family's line): weaker.
    const c = (await core.call('customers.create', person('Paul', 'Durand', { phoneNumber: '07 00 00 00 01' }))).customer.id;
    const d = (await core.call('customers.create', person('Marie', 'Martin', { phoneNumber: '+33700000001' }))).customer.id;
    await core.call('customers.create', person('Nobody', 'Else', { phoneNumber: '0700000002' }));
    const out = await core.call('customers.duplicatePairs', {});
    expect(out.pagination.total).toBe(2);
    expect(out.pairs.map((p) => [[p.a.id, p.b.id].sort(), p.reasons, p.names])).toEqual([
      [[a, b].sort(), ['nameAndBirth', 'phone'], 'same'],
      [[c, d].sort(), ['phone'], null],
    ]);
    expect(out.pairs[0]!.strength).toBeGreaterThan(out.pairs[1]!.strength);
    const page2 = await core.call('customers.duplicatePairs', { page: 2, limit: 1 });
    expect(page2.pairs.map((p) => [p.a.id, p.b.id].sort())).toEqual([[c, d].sort()]);
  });

  it('looks for pairs among thousands of customers without holding the event loop, and finds the same as in one go', async () => {
    // 5,000 customers in pairs sharing a phone: the owner opens Duplicates while the counter works.
    const many = Array.from({ length: 5000 }, (_, i) => CustomerCreateInput.parse(person(`Nour${i}`, `Tazi${i >> 1}`, { phoneNumber: `06 ${String(10_000_000 + (i >> 1)).slice(0, 8)}` })));
    await core.customers.createMany(many, { staffId: null, username: 'owner' });
    let turns = 0;
    let stop = false;
    const spin = () => {
      turns++;
      if (!stop) setImmediate(spin);
    };
    setImmediate(spin);
    const turnsBefore = turns;
    const out = await core.call('customers.duplicatePairs', { limit: 100 });
    stop = true;
    // Read a page at a time, a turn each, and compared in slices: other work ran in between.
    expect(turns - turnsBefore).toBeGreaterThanOrEqual(3);
    const rows = storeRows<PairRow>(dir, 'select id, first_name, last_name, email_key, phone_number, date_of_birth, updated_at from customers where deleted_at is null');
    const oneGo = findPairs(rows, 'FR');
    expect(out.pagination.total).toBe(oneGo.length);
    expect(out.pairs.map((p) => [p.a.id, p.b.id].sort())).toEqual(oneGo.slice(0, 100).map((p) => [p.aId, p.bId].sort()));
  });

  it('reads phones in the store country while a customer is typed too (one rule for both checks)', async () => {
    const a = (await core.call('customers.create', leila)).customer.id;
    const same = await core.call('customers.duplicates', { customerData: { phoneNumber: '+33 6 12 34 56 78' } });
    expect(same.candidates.map((c) => c.id)).toEqual([a]);
    // The same national digits in Morocco are another line for a store in France.
    const other = await core.call('customers.duplicates', { customerData: { phoneNumber: '+212 6 12 34 56 78' } });
    expect(other.candidates).toEqual([]);
  });

  it('keeps a pair marked "not the same person" out of the list', async () => {
    const a = (await core.call('customers.create', leila)).customer.id;
    const b = (await core.call('customers.create', leila2)).customer.id;
    expect(await core.call('customers.dismissPair', { aId: b, bId: a })).toEqual({ dismissed: true });
    expect((await core.call('customers.duplicatePairs', {})).pairs).toEqual([]);
    // Still out after another change to either of them.
    await core.call('customers.update', { id: a, customerData: { lastName: 'Alaoui-Benali' } });
    await core.call('customers.update', { id: a, customerData: { lastName: 'Alaoui' } });
    expect((await core.call('customers.duplicatePairs', {})).pairs).toEqual([]);
    await expectFailure(core, 'customers.dismissPair', { aId: a, bId: a }, 'merge.sameCustomer', 400);
  });

  it('merges side by side: chosen fields, prescriptions, documents and history move, one audit entry', async () => {
    const keep = (await core.call('customers.create', { customerData: { ...leila.customerData, dateOfBirth: '' } })).customer.id;
    const other = (await core.call('customers.create', { ...leila2, address: { street: '3 rue Haute', city: 'Lyon' } })).customer.id;
    await core.call('prescriptions.create', { customerId: keep, rx: RX });
    await core.call('prescriptions.create', { customerId: other, rx: { ...RX, examDate: '2025-06-01' } });
    await core.call('prescriptions.create', { customerId: other, rx: { ...RX, examDate: '2025-09-01', distanceVision: { rightEye: { sph: '-2.00' }, leftEye: { sph: '-2.25' } } } });
    const doc = await core.call('attachments.add', { customerId: other, field: 'idCard', fileName: 'id.png', bytes: png().toString('base64') });
    const auditBefore = storeRows<{ n: number }>(dir, 'select count(*) n from audit_log')[0]!.n;

    const merged = await core.call('customers.merge', { keepId: keep, mergeId: other, fields: { email: 'merge' } });
    expect(merged.moved).toEqual({ prescriptions: 2, documents: 1 });
    // The email chosen from the other side, the empty birthday and address filled from it, the rest kept.
    expect(merged.customer.localData).toMatchObject({ firstName: 'Leïla', lastName: 'Alaoui', email: 'l.alaoui@example.fr', phoneNumber: '06 12 34 56 78', dateOfBirth: '1958-04-07T00:00:00.000Z' });
    expect(merged.customer.address).toMatchObject({ street: '3 rue Haute', city: 'Lyon' });
    // The current prescription is the latest exam of either.
    expect(merged.customer.opticData?.distanceVision?.rightEye?.sph).toBe('-2.00');
    expect((await core.call('prescriptions.list', { customerId: keep })).map((v) => v.version).sort()).toEqual([1, 2, 3]);
    expect((await core.call('attachments.list', { customerId: keep })).map((a) => a.id)).toEqual([doc.id]);
    await expectFailure(core, 'customers.get', { id: other }, 'customer.notFound', 404);
    expect(storeRows<{ n: number }>(dir, 'select count(*) n from audit_log')[0]!.n).toBe(auditBefore + 1);
    // The merged-away customer's history shows in the kept one's, through the merge.
    const history = await core.call('audit.list', { customerId: keep, limit: 500 });
    expect(history.some((e) => e.entity === 'customer' && e.entityId === other && e.action === 'create')).toBe(true);
    expect(history[0]).toMatchObject({ entityId: keep, action: 'merge' });
    expect((await core.call('customers.merges', {})).merges).toEqual([expect.objectContaining({ id: merged.mergeRecordId, keepId: keep, mergeId: other, prescriptions: 2, documents: 1, canUndo: true })]);
  });

  it('undoes a merge: the other comes back as it was, the kept fields back unless changed since', async () => {
    const keep = (await core.call('customers.create', { customerData: { ...leila.customerData, dateOfBirth: '' } })).customer.id;
    const other = (await core.call('customers.create', leila2)).customer.id;
    await core.call('prescriptions.create', { customerId: other, rx: RX });
    await core.call('attachments.add', { customerId: other, field: 'idCard', fileName: 'id.png', bytes: png().toString('base64') });
    const { mergeRecordId } = await core.call('customers.merge', { keepId: keep, mergeId: other, fields: { email: 'merge', phoneNumber: 'merge' } });
    // Staff change the phone after the merge: that change stays.
    await core.call('customers.update', { id: keep, customerData: { phoneNumber: '01 02 03 04 05' } });

    const undone = await core.call('customers.unmerge', { mergeRecordId });
    expect(undone.restored.id).toBe(other);
    expect(undone.restored.localData).toMatchObject(leila2.customerData.firstName ? { firstName: 'alaoui', lastName: 'LEILA', email: 'l.alaoui@example.fr', phoneNumber: '+33 6 12 34 56 78' } : {});
    expect((await core.call('prescriptions.list', { customerId: other })).map((v) => v.version)).toEqual([1]);
    expect(await core.call('attachments.list', { customerId: other })).toHaveLength(1);
    const kept = await core.call('customers.get', { id: keep });
    expect(kept.localData).toMatchObject({ email: 'leila@example.fr', dateOfBirth: '', phoneNumber: '01 02 03 04 05' });
    expect(await core.call('attachments.list', { customerId: keep })).toHaveLength(0);

    await expectFailure(core, 'customers.unmerge', { mergeRecordId }, 'merge.alreadyUndone', 409);
    await expectFailure(core, 'customers.unmerge', { mergeRecordId: 'no-such-merge' }, 'merge.notFound', 404);
    expect((await core.call('customers.merges', {})).merges[0]).toMatchObject({ unmergedAt: expect.any(String), canUndo: false });
  });

  it('refuses to merge a customer whose details are still arriving from the cloud (its undo would bring back blanks)', async () => {
    const keep = (await core.call('customers.create', leila)).customer.id;
    const other = (await core.call('customers.create', leila2)).customer.id;
    // As a new PC's first sync leaves a customer made from the cloud's list (sync/details.ts).
    const db = new Database(join(dir, DB_FILE_NAME));
    db.prepare('update customers set summary_at = ? where id = ?').run(new Date().toISOString(), other);
    db.close();
    for (const [keepId, mergeId] of [[keep, other], [other, keep]] as const) {
      await expectFailure(core, 'customers.merge', { keepId, mergeId }, 'customer.detailsArriving', 409);
    }
    expect((await core.call('customers.get', { id: keep })).localData.email).toBe('leila@example.fr');
    expect((await core.call('customers.merges', {})).merges).toEqual([]);
  });

  it('an undo of a merge into a customer kept again later is refused until the later one is undone (its "before" holds the first merge’s values)', async () => {
    const a = (await core.call('customers.create', person('Anne', 'Dupont', { phoneNumber: '06 11 11 11 11' }))).customer.id;
    const b = (await core.call('customers.create', person('Anne', 'Dupond', { phoneNumber: '06 22 22 22 22' }))).customer.id;
    const c = (await core.call('customers.create', person('Ann', 'Dupont', { phoneNumber: '06 33 33 33 33' }))).customer.id;
    const r1 = await core.call('customers.merge', { keepId: a, mergeId: b, fields: { phoneNumber: 'merge' } });
    const r2 = await core.call('customers.merge', { keepId: a, mergeId: c, fields: { phoneNumber: 'merge' } });
    const err = await expectFailure(core, 'customers.unmerge', { mergeRecordId: r1.mergeRecordId }, 'merge.undoLaterFirst', 409);
    expect(err.details).toMatchObject({ mergeRecordId: r2.mergeRecordId });
    expect((await core.call('customers.merges', {})).merges.find((m) => m.id === r1.mergeRecordId)).toMatchObject({ canUndo: false, undoFirst: r2.mergeRecordId });
    await core.call('customers.unmerge', { mergeRecordId: r2.mergeRecordId });
    await core.call('customers.unmerge', { mergeRecordId: r1.mergeRecordId });
    expect((await core.call('customers.get', { id: a })).localData.phoneNumber).toBe('06 11 11 11 11');
  });

  it('moves the merged-away customer’s recall calls (and its own rule, when the kept one has none) and an undo takes them back', async () => {
    const keep = (await core.call('customers.create', leila)).customer.id;
    const other = (await core.call('customers.create', leila2)).customer.id;
    await core.call('prescriptions.create', { customerId: other, rx: RX });
    const call = await core.call('recalls.record', { customerId: other, outcome: 'noAnswer', date: '2026-11-20' });
    await core.call('recalls.setOverride', { customerId: other, override: { type: 'months', months: 6 } });

    const { mergeRecordId } = await core.call('customers.merge', { keepId: keep, mergeId: other });
    const kept = await core.call('recalls.customer', { customerId: keep });
    expect(kept.outcomes.map((o) => o.id)).toEqual([call.id]);
    expect(kept.override).toEqual({ type: 'months', months: 6 });

    await core.call('customers.unmerge', { mergeRecordId });
    const back = await core.call('recalls.customer', { customerId: other });
    expect(back.outcomes.map((o) => o.id)).toEqual([call.id]);
    expect(back.override).toEqual({ type: 'months', months: 6 });
    const keptAfter = await core.call('recalls.customer', { customerId: keep });
    expect(keptAfter.outcomes).toEqual([]);
    expect(keptAfter.override).toBeNull();
  });

  it('refuses to undo a merge when the merged-away customer’s email is someone else’s now, naming them', async () => {
    const keep = (await core.call('customers.create', leila)).customer.id;
    const other = (await core.call('customers.create', leila2)).customer.id;
    const { mergeRecordId } = await core.call('customers.merge', { keepId: keep, mergeId: other });
    const holder = (await core.call('customers.create', person('Nadia', 'Other', { email: 'l.alaoui@example.fr' }))).customer.id;
    const err = await expectFailure(core, 'customers.unmerge', { mergeRecordId }, 'merge.emailTaken', 409);
    expect(err.details).toMatchObject({ customerId: holder });
    // Nothing of it was done: the merge still stands.
    await expectFailure(core, 'customers.get', { id: other }, 'customer.notFound', 404);
  });

  it('an undo out of order is refused, naming the later merge to undo first; in order, every prescription goes back to its owner', async () => {
    const ids: string[] = [];
    for (const [i, sph] of ['-1.00', '-2.00', '-3.00'].entries()) {
      const id = (await core.call('customers.create', person('Anna', 'Martin', { email: `anna${i}@example.fr` }))).customer.id;
      await core.call('prescriptions.create', { customerId: id, rx: { ...RX, distanceVision: { rightEye: { sph }, leftEye: { sph } } } });
      ids.push(id);
    }
    const [a, b, c] = ids as [string, string, string];
    const rxOf = async (id: string) => (await core.call('prescriptions.list', { customerId: id })).map((v) => `v${v.version}:${v.rx.distanceVision.rightEye.sph}`).sort();
    const m1 = await core.call('customers.merge', { keepId: b, mergeId: c });
    const m2 = await core.call('customers.merge', { keepId: a, mergeId: b });
    expect(await rxOf(a)).toEqual(['v1:-1.00', 'v2:-2.00', 'v3:-3.00']);

    // m1's kept customer was merged away by m2 since: m2 first.
    const err = await expectFailure(core, 'customers.unmerge', { mergeRecordId: m1.mergeRecordId }, 'merge.undoLaterFirst', 409);
    expect(err.details).toMatchObject({ mergeRecordId: m2.mergeRecordId });
    expect(await rxOf(a)).toEqual(['v1:-1.00', 'v2:-2.00', 'v3:-3.00']);
    const listed = (await core.call('customers.merges', {})).merges;
    expect(listed.map((m) => [m.id, m.canUndo, m.undoFirst ?? null])).toEqual([
      [m2.mergeRecordId, true, null],
      [m1.mergeRecordId, false, m2.mergeRecordId],
    ]);

    await core.call('customers.unmerge', { mergeRecordId: m2.mergeRecordId });
    await core.call('customers.unmerge', { mergeRecordId: m1.mergeRecordId });
    expect([await rxOf(a), await rxOf(b), await rxOf(c)]).toEqual([['v1:-1.00'], ['v1:-2.00'], ['v1:-3.00']]);
  });

  it('refuses to undo a merge when the kept customer’s old email is someone else’s now, naming them (never a 500)', async () => {
    const keep = (await core.call('customers.create', person('Zoe', 'Roux', { email: 'zoe@example.fr' }))).customer.id;
    const other = (await core.call('customers.create', person('Zoé', 'Roux', { email: 'zoe2@example.fr' }))).customer.id;
    const { mergeRecordId } = await core.call('customers.merge', { keepId: keep, mergeId: other, fields: { email: 'merge' } });
    const holder = (await core.call('customers.create', person('Eve', 'Other', { email: 'zoe@example.fr' }))).customer.id;
    const err = await expectFailure(core, 'customers.unmerge', { mergeRecordId }, 'merge.emailTaken', 409);
    expect(err.details).toMatchObject({ customerId: holder });
    expect((await core.call('customers.get', { id: keep })).localData).toMatchObject({ email: 'zoe2@example.fr' });
    await expectFailure(core, 'customers.get', { id: other }, 'customer.notFound', 404);
    // Once the holder's email changes, the undo goes through.
    await core.call('customers.update', { id: holder, customerData: { email: 'eve@example.fr' } });
    await core.call('customers.unmerge', { mergeRecordId });
    expect((await core.call('customers.get', { id: keep })).localData).toMatchObject({ email: 'zoe@example.fr' });
  });

  it('a stale pair (one of them merged away meanwhile) is refused naming the customer that is gone', async () => {
    const a = (await core.call('customers.create', leila)).customer.id;
    const b = (await core.call('customers.create', leila2)).customer.id;
    await core.call('customers.merge', { keepId: a, mergeId: b });
    const err = await expectFailure(core, 'customers.merge', { keepId: b, mergeId: a }, 'customer.notFound', 404);
    expect(err.details).toMatchObject({ customerId: b });
  });

  it('reads the pairs again when the store country changes', async () => {
    await core.call('customers.create', person('Paul', 'Durand', { phoneNumber: '06 12 34 56 78' }));
    await core.call('customers.create', person('Marie', 'Martin', { phoneNumber: '+212 6 12 34 56 78' }));
    expect((await core.call('customers.duplicatePairs', {})).pagination.total).toBe(0);
    await core.call('settings.setStore', { ...STORE_PROFILE, country: 'MA' });
    expect((await core.call('customers.duplicatePairs', {})).pagination.total).toBe(1);
  });

  it('refuses to undo a merge whose customer was erased for good since', async () => {
    const keep = (await core.call('customers.create', leila)).customer.id;
    const other = (await core.call('customers.create', leila2)).customer.id;
    const { mergeRecordId } = await core.call('customers.merge', { keepId: keep, mergeId: other });
    await core.call('customers.purge', { id: other });
    await expectFailure(core, 'customers.unmerge', { mergeRecordId }, 'merge.purged', 409);
    expect((await core.call('customers.merges', {})).merges[0]).toMatchObject({ canUndo: false });
  });

  it('finds pairs among 100,000 customers without comparing all pairs', async () => {
    const n = 100_000;
    // Names of pseudo-random letters (a store's names are not numbered): 6 letters each.
    const word = (i: number, salt: number) => {
      let x = (i * 2_654_435_761 + salt * 40_503) >>> 0;
      let w = '';
      for (let k = 0; k < 6; k++) {
        x = (Math.imul(x ^ (x >>> 15), 2_246_822_519) + k) >>> 0;
        w += String.fromCharCode(97 + (x % 26));
      }
      return w[0]!.toUpperCase() + w.slice(1);
    };
    const people = Array.from({ length: n }, (_, i) => ({
      customerData: {
        firstName: word(i, 1),
        lastName: word(i, 2),
        email: `c${i}@example.fr`,
        phoneNumber: `06 ${String(10_000_000 + i).slice(0, 2)} ${String(10_000_000 + i).slice(2, 4)} ${String(10_000_000 + i).slice(4, 6)} ${String(10_000_000 + i).slice(6)}`,
        // Birthdays spread over 60 years, as a store's are (about 5 customers a day).
        dateOfBirth: new Date(Date.UTC(1940, 0, 1) + (i % 21_900) * 86_400_000).toISOString().slice(0, 10),
        sex: 'female' as const,
      },
    }));
    await core.customers.createMany(people, { staffId: null, username: 'test' });
    await core.call('customers.create', { customerData: { ...people[4242]!.customerData, email: 'again@example.fr', phoneNumber: '+33 6 10 00 42 42', firstName: `${people[4242]!.customerData.firstName}e` } });
    const started = performance.now();
    const out = await core.call('customers.duplicatePairs', { limit: 5 });
    const ms = performance.now() - started;
    console.log(`duplicatePairs over ${n + 1} customers: ${Math.round(ms)} ms`);
    expect(out.pagination.total).toBe(1);
    expect(out.pairs[0]!.reasons).toEqual(['nameAndBirth', 'phone']);
    // About a second on an idle counter PC; generous here, where tests share two busy cores.
    expect(ms).toBeLessThan(30_000);
  }, 120_000);
});

const it2 = syncTest.extend({ coreOptions: { syncTimeoutMs: 5_000, syncAutomatic: false } });

/** The cloud's writes to customers since the log's entry `from`, in the order it received them. */
function cloudCalls(cloud: CloudServer, from: number) {
  return cloud
    .requestLog()
    .slice(from)
    .filter((r) => r.path.startsWith('/customer') && r.method !== 'GET')
    .map((r) => `${r.method} ${r.path}`);
}

describe('merge and undo, synced with the cloud (rate limit on)', () => {
  it2('ends with one customer after a merge, the kept one updated before the other is deleted; two after undo', async ({ cloud, pc }) => {
    const { core } = pc;
    await core.call('settings.setStore', STORE_PROFILE);
    const keep = (await core.call('customers.create', leila)).customer.id;
    const other = (await core.call('customers.create', leila2)).customer.id;
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    const live = () => cloud.customers(STORE.storeId);
    expect(live()).toHaveLength(2);
    const cloudIdOf = (id: string) => storeRows<{ cloud_id: string }>(pc.dir, 'select cloud_id from sync_links where local_id = ?', id)[0]?.cloud_id;
    const keepCloud = cloudIdOf(keep)!;
    const otherCloud = cloudIdOf(other)!;
    const logStart = cloud.requestLog().length;

    const { mergeRecordId } = await core.call('customers.merge', { keepId: keep, mergeId: other, fields: { phoneNumber: 'merge' } });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(live().map((c) => c.id)).toEqual([keepCloud]);
    expect(live()[0]!.localData).toMatchObject({ email: 'leila@example.fr', phoneNumber: '+33 6 12 34 56 78', firstName: 'Leïla' });
    const calls = cloudCalls(cloud, logStart);
    const put = calls.indexOf(`PUT /customer/${keepCloud}`);
    const del = calls.indexOf(`DELETE /customer/${otherCloud}`);
    expect(put, calls.join(', ')).toBeGreaterThanOrEqual(0);
    expect(del, calls.join(', ')).toBeGreaterThan(put);

    await core.call('customers.unmerge', { mergeRecordId });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(live()).toHaveLength(2);
    const back = cloudIdOf(other);
    // A new cloud customer: the old link is gone with the old cloud record.
    expect(back).toBeDefined();
    expect(back).not.toBe(otherCloud);
    expect(live().find((c) => c.id === keepCloud)!.localData).toMatchObject({ phoneNumber: '06 12 34 56 78' });
    expect(live().find((c) => c.id === back)!.localData).toMatchObject({ firstName: 'alaoui', email: 'l.alaoui@example.fr' });
  });

  it2('keeps the delete waiting while the kept customer’s update is parked, then sends them in order', async ({ cloud, pc }) => {
    const { core } = pc;
    const keep = (await core.call('customers.create', person('Kept', 'Person', { phoneNumber: '+33 6 00 00 00 01' }))).customer.id;
    const other = (await core.call('customers.create', person('Other', 'Person', { phoneNumber: '+33 6 00 00 00 02' }))).customer.id;
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0 });
    const logStart = cloud.requestLog().length;
    // The cloud refuses the kept customer's update: it is parked, and the delete waits for it.
    await core.call('customers.merge', { keepId: keep, mergeId: other, fields: { firstName: 'merge' } });
    cloud.faults.set({ refuse: { contains: 'Other', message: 'blocked for the test' } });
    expect(await syncUntilSettled(core)).toMatchObject({ parked: 1 });
    expect(cloud.customers(STORE.storeId)).toHaveLength(2);
    expect(cloudCalls(cloud, logStart).some((c) => c.startsWith('DELETE'))).toBe(false);
    cloud.faults.set({ refuse: null });
    await core.call('sync.retryParked', {});
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(cloud.customers(STORE.storeId).map((c) => c.localData.firstName)).toEqual(['Other']);
    const calls = cloudCalls(cloud, logStart);
    expect(calls.findIndex((c) => c.startsWith('DELETE'))).toBeGreaterThan(calls.lastIndexOf(calls.find((c) => c.startsWith('PUT'))!));
  });

  it2('keeps the delete waiting while the kept customer’s update is retried (5xx, then a reply lost after commit)', async ({ cloud, pc }) => {
    const { core } = pc;
    const keep = (await core.call('customers.create', person('Kept', 'Person', { phoneNumber: '+33 6 00 00 00 01' }))).customer.id;
    const other = (await core.call('customers.create', person('Other', 'Person', { phoneNumber: '+33 6 00 00 00 02' }))).customer.id;
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0 });
    const logStart = cloud.requestLog().length;
    await core.call('customers.merge', { keepId: keep, mergeId: other, fields: { phoneNumber: 'merge' } });
    // Every PUT fails: the round backs off with the update still queued, and no delete goes.
    cloud.faults.set({ errorRate: 1, only: ['PUT /customer'] });
    await core.call('sync.now', {});
    expect(cloud.requestLog().slice(logStart).some((r) => r.method === 'PUT' && typeof r.status === 'number' && r.status >= 500)).toBe(true);
    expect(cloud.customers(STORE.storeId)).toHaveLength(2);
    expect(cloudCalls(cloud, logStart).some((c) => c.startsWith('DELETE'))).toBe(false);
    // Then the PUT lands but its reply is cut off: still no delete until the update is known done.
    cloud.faults.set({ errorRate: 0, resetAfterCommitRate: 1, only: ['PUT /customer'] });
    await core.call('sync.now', {});
    expect(cloud.requestLog().slice(logStart).some((r) => r.method === 'PUT' && r.status === 'reset')).toBe(true);
    expect(cloudCalls(cloud, logStart).some((c) => c.startsWith('DELETE'))).toBe(false);
    cloud.faults.reset();
    await core.call('sync.now', {}).catch(() => undefined);
    expect(await syncUntilSettled(core, 20)).toMatchObject({ pending: 0, parked: 0 });
    expect(cloud.customers(STORE.storeId).map((c) => [c.localData.firstName, c.localData.phoneNumber])).toEqual([['Kept', '+33 6 00 00 00 02']]);
    const calls = cloudCalls(cloud, logStart);
    expect(calls.findIndex((c) => c.startsWith('DELETE'))).toBeGreaterThan(calls.lastIndexOf(calls.filter((c) => c.startsWith('PUT')).at(-1)!));
  });

  it2('an undo before the delete went sends no delete: the cloud keeps both as they were', async ({ cloud, pc }) => {
    const { core } = pc;
    const keep = (await core.call('customers.create', person('Kept', 'Person', { phoneNumber: '+33 6 00 00 00 01' }))).customer.id;
    const other = (await core.call('customers.create', person('Other', 'Person', { phoneNumber: '+33 6 00 00 00 02' }))).customer.id;
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0 });
    const before = cloud.customers(STORE.storeId).map((c) => c.id).sort();
    const logStart = cloud.requestLog().length;
    const { mergeRecordId } = await core.call('customers.merge', { keepId: keep, mergeId: other, fields: { phoneNumber: 'merge' } });
    await core.call('customers.unmerge', { mergeRecordId });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(cloudCalls(cloud, logStart).filter((c) => c.startsWith('DELETE') || c.startsWith('POST'))).toEqual([]);
    expect(cloud.customers(STORE.storeId).map((c) => c.id).sort()).toEqual(before);
    expect(cloud.customers(STORE.storeId).map((c) => [c.localData.firstName, c.localData.phoneNumber]).sort()).toEqual([
      ['Kept', '+33 6 00 00 00 01'],
      ['Other', '+33 6 00 00 00 02'],
    ]);
  });

  it2('an undo after the kept customer was deleted brings the other back and leaves nothing stuck', async ({ cloud, pc }) => {
    const { core } = pc;
    const keep = (await core.call('customers.create', person('Kept', 'Person', { phoneNumber: '+33 6 00 00 00 01' }))).customer.id;
    const other = (await core.call('customers.create', person('Other', 'Person', { phoneNumber: '+33 6 00 00 00 02' }))).customer.id;
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0 });
    const { mergeRecordId } = await core.call('customers.merge', { keepId: keep, mergeId: other });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0 });
    await core.call('customers.delete', { id: keep });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0 });
    expect(cloud.customers(STORE.storeId)).toEqual([]);
    await core.call('customers.unmerge', { mergeRecordId });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(cloud.customers(STORE.storeId).map((c) => c.localData.firstName)).toEqual(['Other']);
  });

  it2('moves the email to the kept customer in the cloud after the delete frees it', async ({ cloud, pc }) => {
    const { core } = pc;
    const keep = (await core.call('customers.create', person('Kept', 'Person', { phoneNumber: '+33 6 00 00 00 01' }))).customer.id;
    const other = (await core.call('customers.create', person('Other', 'Person', { phoneNumber: '+33 6 00 00 00 02', email: 'shared@example.fr' }))).customer.id;
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0 });
    const logStart = cloud.requestLog().length;
    await core.call('customers.merge', { keepId: keep, mergeId: other, fields: { email: 'merge', phoneNumber: 'merge' } });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(cloud.customers(STORE.storeId).map((c) => [c.localData.firstName, c.localData.email, c.localData.phoneNumber])).toEqual([['Kept', 'shared@example.fr', '+33 6 00 00 00 02']]);
    const calls = cloudCalls(cloud, logStart);
    expect(calls.filter((c) => c.startsWith('PUT'))).toHaveLength(2);
    expect(calls.indexOf(calls.find((c) => c.startsWith('DELETE'))!)).toBeGreaterThan(calls.indexOf(calls.find((c) => c.startsWith('PUT'))!));
  });

  it2('a merged-away customer never sent is never deleted there; a kept one never sent takes its cloud record', async ({ cloud, pc }) => {
    const { core } = pc;
    // A walk-in (no email: incomplete, never sent) merged away into a synced customer: nothing to delete there.
    const synced = (await core.call('customers.create', person('Synced', 'Person', { phoneNumber: '+33 6 00 00 00 03' }))).customer.id;
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0 });
    const walkIn = (await core.call('customers.create', { customerData: { firstName: 'Walk', lastName: 'In', phoneNumber: '06 00 00 00 09' } })).customer.id;
    const logStart = cloud.requestLog().length;
    await core.call('customers.merge', { keepId: synced, mergeId: walkIn });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(cloudCalls(cloud, logStart).some((c) => c.startsWith('DELETE'))).toBe(false);
    expect(cloud.customers(STORE.storeId)).toHaveLength(1);

    // A walk-in kept, the synced customer merged into it: the walk-in, completed by the merge, becomes that cloud customer.
    const walkIn2 = (await core.call('customers.create', { customerData: { firstName: 'Second', lastName: 'Walkin', phoneNumber: '06 00 00 00 08' } })).customer.id;
    const { mergeRecordId } = await core.call('customers.merge', { keepId: walkIn2, mergeId: synced });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(cloud.customers(STORE.storeId).map((c) => c.localData.firstName)).toEqual(['Second']);
    // Undone: the cloud record goes back to its own customer, with its own values; the walk-in,
    // incomplete again, waits for its details as before the merge.
    await core.call('customers.unmerge', { mergeRecordId });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0, waitingForDetails: 1 });
    expect(cloud.customers(STORE.storeId).map((c) => c.localData.firstName)).toEqual(['Synced']);
    await core.call('customers.update', { id: walkIn2, customerData: { email: 'second@example.fr', dateOfBirth: '1990-01-01', sex: 'male' } });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0, waitingForDetails: 0 });
    expect(cloud.customers(STORE.storeId).map((c) => c.localData.firstName).sort()).toEqual(['Second', 'Synced']);
  });

  it2('two PCs merging one pair in opposite directions: the person survives everywhere and the staff see a conflict', async ({ cloud, pc }) => {
    const pc1 = pc.core;
    const second = await openTestCore({ core: { syncTimeoutMs: 5_000, syncAutomatic: false } });
    try {
      const pc2 = second.core;
      await connect(pc2, cloud);
      const a = (await pc1.call('customers.create', person('Anna', 'Martin', { phoneNumber: '+33 6 00 00 00 01', email: 'anna@example.fr' }))).customer.id;
      const b = (await pc1.call('customers.create', person('Anna', 'Martin', { phoneNumber: '+33 6 00 00 00 01', email: 'anna.m@example.fr' }))).customer.id;
      expect(await syncUntilSettled(pc1)).toMatchObject({ pending: 0, parked: 0 });
      expect(await syncUntilSettled(pc2)).toMatchObject({ pending: 0, parked: 0 });
      const onPc2 = (email: string) => storeRows<{ id: string }>(second.dir, 'select id from customers where email = ?', email)[0]!.id;
      const a2 = onPc2('anna@example.fr');
      const b2 = onPc2('anna.m@example.fr');

      // PC1 keeps A and deletes B; PC2 keeps B and deletes A; PC1 syncs first, then PC2, then both again.
      await pc1.call('customers.merge', { keepId: a, mergeId: b });
      await pc2.call('customers.merge', { keepId: b2, mergeId: a2 });
      for (const core of [pc1, pc2, pc1, pc2]) expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });

      const live1 = (await pc1.call('customers.list', { limit: 100 })).pagination.total;
      const live2 = (await pc2.call('customers.list', { limit: 100 })).pagination.total;
      const inCloud = cloud.customers(STORE.storeId).length;
      expect([inCloud, live1, live2].every((n) => n > 0), `cloud ${inCloud}, PC1 ${live1}, PC2 ${live2}`).toBe(true);
      expect([live1, live2]).toEqual([inCloud, inCloud]);
      // PC1's merge reached the cloud first; PC2's, still on its way when PC1's delete came, kept its
      // customer and sent it back as new: one person everywhere, PC2's staff told.
      expect(inCloud).toBe(1);
      const { conflicts } = await pc2.call('sync.conflicts', {});
      expect(conflicts.filter((c) => c.kind === 'deleted').map((c) => [c.customerId, c.kept])).toEqual([[b2, 'mine']]);
      expect((await pc1.call('sync.conflicts', {})).conflicts).toEqual([]);
      // PC2's staff let the cloud's delete win after all: the person goes, here and there (their choice).
      await pc2.call('sync.resolve', { id: conflicts[0]!.id, keep: 'theirs' });
      await expectFailure(pc2, 'customers.get', { id: b2 }, 'customer.notFound', 404);
      for (const core of [pc2, pc1]) expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
      expect(cloud.customers(STORE.storeId)).toHaveLength(0);
      expect((await pc1.call('customers.list', {})).pagination.total).toBe(0);
    } finally {
      await second.close();
    }
  });

  it2('a customer deleted on purpose elsewhere, long after this PC merged into it, stays deleted (the merge is no reason to bring it back)', async ({ cloud, pc }) => {
    const pc1 = pc.core;
    const second = await openTestCore({ core: { syncTimeoutMs: 5_000, syncAutomatic: false } });
    try {
      const pc2 = second.core;
      await connect(pc2, cloud);
      const a = (await pc1.call('customers.create', person('Anna', 'Martin', { phoneNumber: '+33 6 00 00 00 01', email: 'anna@example.fr' }))).customer.id;
      const b = (await pc1.call('customers.create', person('Anna', 'Martin', { phoneNumber: '+33 6 00 00 00 01', email: 'anna.m@example.fr' }))).customer.id;
      await pc1.call('customers.merge', { keepId: a, mergeId: b });
      for (const core of [pc1, pc2]) expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
      const a2 = storeRows<{ id: string }>(second.dir, 'select id from customers where email = ? and deleted_at is null', 'anna@example.fr')[0]!.id;
      await pc2.call('customers.delete', { id: a2 });
      for (const core of [pc2, pc1, pc2]) expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
      expect(cloud.customers(STORE.storeId)).toHaveLength(0);
      expect((await pc1.call('customers.list', {})).pagination.total).toBe(0);
      expect((await pc2.call('customers.list', {})).pagination.total).toBe(0);
    } finally {
      await second.close();
    }
  });
});
