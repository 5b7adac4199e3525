import Database from 'better-sqlite3';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect } from 'vitest';
import { DB_FILE_NAME } from '../../src/main/db/database';
import type { Core, CoreOptions } from '../../src/main/core';
import type { CloudServer } from '../cloud/server';
import { OWNER, ahmed, expectFailure, layla, memoryLogger, openTestCore, person, tempDir } from '../helpers/core';
import { pdf, png, sha256 } from '../helpers/files';
import { STORE, cloudWithStore, connect, otherClient, syncUntilSettled } from '../helpers/sync';
import { syncTest } from '../helpers/sync-fixtures';
import { type Timeline, scaledTimeline } from '../../src/main/sync/timeline';
import { CustomerCreateInput } from '../../src/shared/customers/schema';
import { Customers as CloudCustomers } from '../cloud/customers';
import type { CustomerCreate } from '../cloud/customer-input';
import { openStore } from '../cloud/store';

// A counter PC here runs its rounds on `sync.now` only, so each test stages both sides before the merge it checks.
const PC_OPTIONS: Partial<CoreOptions> = { syncTimeoutMs: 3_000, syncAutomatic: false };
/** `cloud` and `pc` (a core connected to it) come from the fixtures; more of either from newCloud / pcOn. */
const it = syncTest.extend({ coreOptions: PC_OPTIONS });

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function newCloud(opts: Parameters<typeof cloudWithStore>[0] = {}) {
  const cloud = await cloudWithStore(opts);
  cleanups.push(() => cloud.close());
  return cloud;
}

/** A counter PC: its own store, connected to the cloud. */
async function pcOn(cloud: CloudServer, dataDir?: string, log = memoryLogger(), timeline?: Timeline) {
  const t = await openTestCore({ dataDir, log, core: { ...PC_OPTIONS, syncTimeline: timeline } });
  cleanups.push(t.close);
  await connect(t.core, cloud);
  return t;
}

/** The outbox as SQLite has it (a second connection on the file, like any reader). */
function outboxRows(dir: string) {
  const db = new Database(join(dir, DB_FILE_NAME), { readonly: true });
  try {
    return db.prepare('select entity, entity_id, op, revision from sync_outbox order by id').all() as { entity: string; entity_id: string; op: string; revision: number }[];
  } finally {
    db.close();
  }
}

const live = (cloud: CloudServer) => cloud.customers(STORE.storeId);
const posts = (cloud: CloudServer) => cloud.requestLog().filter((r) => r.method === 'POST' && r.path === '/customer');

async function localByEmail(core: Core, email: string) {
  const { data } = await core.call('customers.list', { search: email, limit: 10 });
  const hit = data.find((d) => d.userName === email);
  return hit ? core.call('customers.get', { id: hit.id }) : null;
}

describe('outbox', () => {
  it('queues every local write in its own transaction, coalesced per customer, and keeps it across a restart', async () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const first = await openTestCore({ dataDir: dir });
    const a = await first.core.call('customers.create', layla);
    await first.core.call('customers.update', { id: a.customer.id, customerData: { phoneNumber: '+1-555-0100' } });
    await first.core.call('customers.update', { id: a.customer.id, address: { city: 'Rabat' } });
    const b = await first.core.call('customers.create', ahmed);
    await first.core.call('customers.delete', { id: b.customer.id }); // never sent: nothing to send
    const c = await first.core.call('customers.create', person('Zoé', 'Durand'));
    await first.core.call('attachments.add', { customerId: c.customer.id, field: 'idCard', fileName: 'id.png', bytes: png().toString('base64') });
    await first.close();

    const rows = outboxRows(dir);
    expect(rows.map((r) => [r.entity, r.op])).toEqual([
      ['customer', 'create'],
      ['customer', 'create'],
      ['attachment', 'create'],
    ]);
    expect(rows[0]).toMatchObject({ entity_id: a.customer.id, revision: 3 });

    const again = await openTestCore({ dataDir: dir });
    cleanups.push(again.close);
    expect(await again.core.call('sync.status', {})).toMatchObject({ state: 'disabled', pending: 3, parked: 0 });
  });
});

describe('push', () => {
  it('creates a customer with its files as one multipart POST, and links it', async ({ cloud, pc: { core } }) => {
    const { customer } = await core.call('customers.create', layla);
    await core.call('attachments.add', { customerId: customer.id, field: 'prescription', fileName: 'rx.pdf', bytes: pdf.toString('base64') });

    const status = await syncUntilSettled(core);
    expect(status).toMatchObject({ state: 'idle', pending: 0, parked: 0, lastError: null });
    expect(status.lastSyncAt).not.toBeNull();
    const [inCloud, ...more] = live(cloud);
    expect(more).toHaveLength(0);
    expect(inCloud!.localData).toMatchObject({ firstName: 'Layla', lastName: 'Hassan', email: 'layla@example.com', phoneNumber: '+1-555-0199', sex: 'female' });
    expect(inCloud!.address).toMatchObject({ street: '123 Vision Ave', city: 'Casablanca', zipCode: '20000', state: 'MA' });
    expect(inCloud!.opticData?.distanceVision).toMatchObject({ rightEye: { sph: '-1.25', cyl: '-0.25', axis: '90' } });
    expect(inCloud!.files.map((f) => [f.field, f.sha256])).toEqual([['prescription', sha256(pdf)]]);
    expect(posts(cloud)).toHaveLength(1);
  });

  it('sends a later file, an edit and a new prescription version with PUT after reading the cloud copy', async ({ cloud, pc: { core } }) => {
    const { customer } = await core.call('customers.create', layla);
    await syncUntilSettled(core);
    cloud.clearRequestLog();

    await core.call('customers.update', { id: customer.id, customerData: { phoneNumber: '+1-555-0111' }, address: { city: 'Rabat' } });
    await core.call('attachments.add', { customerId: customer.id, field: 'idCard', fileName: 'id.png', bytes: png().toString('base64') });
    await core.call('prescriptions.create', {
      customerId: customer.id,
      rx: { kind: 'spectacles', examDate: today(), distanceVision: { rightEye: { sph: '-2.00' }, leftEye: { sph: '-1.75' } } },
    });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });

    const [inCloud] = live(cloud);
    expect(inCloud!.localData.phoneNumber).toBe('+1-555-0111');
    expect(inCloud!.address).toMatchObject({ city: 'Rabat', street: '123 Vision Ave' });
    expect(inCloud!.opticData).toMatchObject({ distanceVision: { rightEye: { sph: '-2.00' }, leftEye: { sph: '-1.75' } } });
    // No ADD any more: the near and intermediate rows of the old prescription must not linger there.
    expect(JSON.stringify(inCloud!.opticData?.nearVision ?? {})).not.toMatch(/\d/);
    expect(inCloud!.files.map((f) => f.field)).toEqual(['idCard']);
    const calls = cloud.requestLog().map((r) => `${r.method} ${r.path.startsWith('/customer/') ? '/customer/:id' : r.path}`);
    expect(calls.indexOf('GET /customer/:id')).toBeLessThan(calls.indexOf('PUT /customer/:id'));
    expect(calls).not.toContain('POST /customer');
  });

  it('sends a document again under its new type once staff change it', async ({ cloud, pc: { core } }) => {
    const { customer } = await core.call('customers.create', layla);
    const doc = await core.call('attachments.add', { customerId: customer.id, field: 'other', fileName: 'id.png', bytes: png().toString('base64') });
    await syncUntilSettled(core);
    expect(live(cloud)[0]!.files.map((f) => f.field)).toEqual(['other']);

    await core.call('attachments.setType', { id: doc.id, field: 'idCard' });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    // The cloud API has no call to remove a file: the copy under the old type stays there.
    expect(live(cloud)[0]!.files.map((f) => [f.field, f.sha256])).toContainEqual(['idCard', sha256(png())]);
  });

  // Outside review: the cloud replaces a type's files with those sent under it, so a second document
  // of a type, or one retyped, made the cloud drop the others.
  it('keeps every document of a type in the cloud as here: a second one, one retyped, one removed', async ({ cloud, pc: { core } }) => {
    const { customer } = await core.call('customers.create', layla);
    const add = (field: 'prescription' | 'idCard', colour: [number, number, number]) =>
      core.call('attachments.add', { customerId: customer.id, field, fileName: `${field}-${colour[0]}.png`, bytes: png(colour).toString('base64') });
    const inCloud = () => live(cloud)[0]!.files.map((f) => `${f.field}:${f.sha256}`).sort();
    const a = await add('prescription', [1, 2, 3]);
    const c = await add('idCard', [4, 5, 6]);
    await syncUntilSettled(core);
    const b = await add('prescription', [7, 8, 9]);
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(inCloud()).toEqual([`idCard:${c.sha256}`, `prescription:${a.sha256}`, `prescription:${b.sha256}`].sort());

    await core.call('attachments.setType', { id: a.id, field: 'idCard' });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(inCloud()).toEqual([`idCard:${a.sha256}`, `idCard:${c.sha256}`, `prescription:${b.sha256}`].sort());

    await core.call('attachments.remove', { id: c.id });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(inCloud()).toEqual([`idCard:${a.sha256}`, `prescription:${b.sha256}`].sort());
  });

  // Outside review: a type sent whole can be larger than the cloud takes in one request (413); it was
  // retried forever, the PC stuck in a sync error.
  it('parks a change whose documents together are larger than the cloud accepts, saying so, and syncs the rest', async ({ cloud, pc: { core } }) => {
    const { customer } = await core.call('customers.create', layla);
    const other = await core.call('customers.create', ahmed);
    const big = (fill: number) => Buffer.concat([png(), Buffer.alloc(14 * 1024 * 1024, fill)]).toString('base64');
    await core.call('attachments.add', { customerId: customer.id, field: 'prescription', fileName: 'scan-1.png', bytes: big(1) });
    await syncUntilSettled(core);
    await core.call('attachments.add', { customerId: customer.id, field: 'prescription', fileName: 'scan-2.png', bytes: big(2) });
    await core.call('customers.update', { id: other.customer.id, customerData: { lastName: 'Benali-Idrissi' } });
    const status = await syncUntilSettled(core);
    expect(status).toMatchObject({ parked: 1, pending: 0 });
    expect(status.state).not.toBe('error');
    const parked = (await core.call('sync.conflicts', {})).parked;
    expect(parked[0]?.error).toMatch(/too large|413/i);
    expect(live(cloud).find((c) => c.localData.email === ahmed.customerData.email)?.localData.lastName).toBe('Benali-Idrissi');
  }, 60_000);

  it('keeps fields the app does not know when it writes back', async () => {
    const cloud = await newCloud({ keepUnknownFields: true });
    const { core } = await pcOn(cloud);
    const { customer } = await core.call('customers.create', layla);
    await syncUntilSettled(core);
    const [c] = live(cloud);
    const other = await otherClient(cloud);
    await other.update(c!.id, { customerData: { loyaltyTier: 'gold' }, address: { floor: '3' } });

    await core.call('customers.update', { id: customer.id, customerData: { lastName: 'Hassan-Idrissi' } });
    await syncUntilSettled(core);
    const [after] = live(cloud);
    expect(after!.localData).toMatchObject({ lastName: 'Hassan-Idrissi', loyaltyTier: 'gold' });
    expect(after!.address).toMatchObject({ floor: '3', city: 'Casablanca' });
  });

  it('sends several deletes as one bulk delete and a single one as DELETE', async ({ cloud, pc: { core } }) => {
    const ids: string[] = [];
    for (const name of ['Ana', 'Bea', 'Cyd', 'Dee']) ids.push((await core.call('customers.create', person(name, 'Lopez'))).customer.id);
    await syncUntilSettled(core);
    expect(live(cloud)).toHaveLength(4);
    cloud.clearRequestLog();

    await core.call('customers.bulkDelete', { ids: ids.slice(0, 3) });
    await syncUntilSettled(core);
    expect(live(cloud).map((c) => c.localData.firstName)).toEqual(['Dee']);
    expect(cloud.requestLog().filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual(['/customer/bulk']);

    cloud.clearRequestLog();
    await core.call('customers.delete', { id: ids[3]! });
    await syncUntilSettled(core);
    expect(live(cloud)).toHaveLength(0);
    expect(cloud.requestLog().filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([expect.stringMatching(/^\/customer\/[^/]+$/)]);
  });

  it('never creates a second cloud customer when a create reached the cloud but its answer was lost', async () => {
    for (const fault of [{ resetAfterCommitRate: 1 }, { truncateRate: 1 }]) {
      const cloud = await newCloud();
      const { core } = await pcOn(cloud);
      const { customer } = await core.call('customers.create', layla);
      cloud.faults.set({ ...fault, only: ['POST /customer'] });
      const failed = await core.call('sync.now', {});
      expect(failed).toMatchObject({ state: 'offline', pending: 1 });
      expect(live(cloud)).toHaveLength(1); // it did reach the cloud

      cloud.faults.reset();
      // Edited meanwhile: the retry must find the cloud copy by the email it was sent with.
      await core.call('customers.update', { id: customer.id, customerData: { phoneNumber: '+1-555-0142' } });
      expect(await syncUntilSettled(core)).toMatchObject({ state: 'idle', pending: 0 });
      expect(live(cloud)).toHaveLength(1);
      expect(live(cloud)[0]!.localData.phoneNumber).toBe('+1-555-0142');
      expect(posts(cloud)).toHaveLength(1);
    }
  });

  it('looks a lost create up by the email it was sent with, even after the email changed and a lookup failed', async ({ cloud, pc: { core } }) => {
    const { customer } = await core.call('customers.create', layla);
    cloud.faults.set({ resetAfterCommitRate: 1, only: ['POST /customer'] });
    expect(await core.call('sync.now', {})).toMatchObject({ state: 'offline' });
    await core.call('customers.update', { id: customer.id, customerData: { email: 'layla.hassan@example.com' } });
    cloud.faults.set({ resetAfterCommitRate: 0, errorRate: 1, only: ['GET /customer'] });
    expect(await core.call('sync.now', {})).toMatchObject({ state: 'error', pending: 1 });
    cloud.faults.reset();

    expect(await syncUntilSettled(core)).toMatchObject({ state: 'idle', pending: 0, conflicts: 0 });
    expect(live(cloud).map((c) => c.localData.email)).toEqual(['layla.hassan@example.com']);
    expect(posts(cloud)).toHaveLength(1);
    // And a pull never copied the lost create here as somebody new.
    expect((await core.call('customers.list', { limit: 10 })).pagination.total).toBe(1);
  });

  it('links to the cloud customer when the same person was entered on two PCs (409 → find by email)', async ({ cloud, pc: pcA }) => {
    const pcB = await pcOn(cloud);
    await pcA.core.call('customers.create', layla);
    await syncUntilSettled(pcA.core);
    await pcB.core.call('customers.create', { ...layla, customerData: { ...layla.customerData, phoneNumber: '+1-555-0177' } });
    expect(await syncUntilSettled(pcB.core)).toMatchObject({ pending: 0, parked: 0 });
    expect(live(cloud)).toHaveLength(1);
    // Both changed the phone since they last agreed (they never did): the later edit won, the other is kept.
    const { conflicts } = await pcB.core.call('sync.conflicts', {});
    expect(conflicts).toMatchObject([{ field: 'customerData.phoneNumber', kind: 'field' }]);
    await syncUntilSettled(pcA.core);
    const a = await localByEmail(pcA.core, 'layla@example.com');
    const b = await localByEmail(pcB.core, 'layla@example.com');
    expect(a?.localData.phoneNumber).toBe(b?.localData.phoneNumber);
    expect(a?.localData.phoneNumber).toBe(live(cloud)[0]!.localData.phoneNumber);
  });

  it('parks a change the cloud refuses (400) with its message, flags the customer and syncs the rest', async ({ cloud, pc: { core } }) => {
    const bad = await core.call('customers.create', person('Refused', 'Person'));
    await core.call('customers.create', ahmed);
    cloud.faults.set({ refuse: { contains: 'Refused', message: 'customerData.firstName is on the blocked list' } });
    const status = await syncUntilSettled(core);
    expect(status).toMatchObject({ state: 'idle', pending: 0, parked: 1 });
    expect(live(cloud).map((c) => c.localData.email)).toEqual(['ahmed.benali@example.com']);
    const { parked } = await core.call('sync.conflicts', { customerId: bad.customer.id });
    expect(parked).toMatchObject([{ customerId: bad.customer.id, op: 'create', error: 'customerData.firstName is on the blocked list', customerName: 'Refused Person' }]);

    // Fixed at the counter: the edit puts it back in the queue.
    cloud.faults.reset();
    await core.call('customers.update', { id: bad.customer.id, customerData: { firstName: 'Accepted' } });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(live(cloud)).toHaveLength(2);
  });

  it('holds a file back while its customer’s own change is parked, never undoing that change', async ({ cloud, pc: { core } }) => {
    const { customer } = await core.call('customers.create', layla);
    await syncUntilSettled(core);
    cloud.faults.set({ refuse: { contains: 'Blocked', message: 'lastName is on the blocked list' } });
    await core.call('customers.update', { id: customer.id, customerData: { lastName: 'Blocked' } });
    expect(await syncUntilSettled(core)).toMatchObject({ parked: 1 });
    await core.call('attachments.add', { customerId: customer.id, field: 'idCard', fileName: 'id.png', bytes: png().toString('base64') });

    expect(await core.call('sync.now', {})).toMatchObject({ state: 'idle', parked: 1, pending: 1 });
    expect((await core.call('customers.get', { id: customer.id })).localData.lastName).toBe('Blocked');
    expect(live(cloud)[0]!.files).toEqual([]);

    cloud.faults.reset();
    await core.call('sync.retryParked', {});
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(live(cloud)[0]).toMatchObject({ localData: { lastName: 'Blocked' }, files: [expect.objectContaining({ field: 'idCard' })] });
  });

  // Found by the chaos test (an acknowledged first name came back as the old one after a restart).
  it('a file sent alone never undoes an edit saved while its customer is being read from the cloud', async ({ cloud, pc: { core } }) => {
    const { customer } = await core.call('customers.create', layla);
    await syncUntilSettled(core);
    await core.call('attachments.add', { customerId: customer.id, field: 'idCard', fileName: 'id.png', bytes: png().toString('base64') });
    const read = cloud.hold('GET', `/customer/${live(cloud)[0]!.id}`);
    const round = core.call('sync.now', {});
    await read.reached;
    await core.call('customers.update', { id: customer.id, customerData: { firstName: 'Farid' } });
    read.release();
    await round;

    expect((await core.call('customers.get', { id: customer.id })).localData.firstName).toBe('Farid');
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(live(cloud)[0]).toMatchObject({ localData: { firstName: 'Farid' }, files: [expect.objectContaining({ field: 'idCard' })] });
  });

  it('retries parked changes on request', async ({ cloud, pc: { core } }) => {
    await core.call('customers.create', person('Refused', 'Again'));
    cloud.faults.set({ refuse: { contains: 'Refused', message: 'not today' } });
    expect(await syncUntilSettled(core)).toMatchObject({ parked: 1 });
    cloud.faults.reset();
    await core.call('sync.retryParked', {});
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0 });
    expect(live(cloud)).toHaveLength(1);
  });
});

describe('walk-ins wait for their details', () => {
  const walkIn = { customerData: { firstName: 'Sami', lastName: 'Walkin', phoneNumber: '+212 6 11 22 33 44' } };
  const rx = { kind: 'spectacles', examDate: today(), distanceVision: { rightEye: { sph: '-2.00' }, leftEye: { sph: '-1.75' } } };

  it('holds an incomplete customer back with its prescription and files, counted and listed, then sends it once completed', async ({ cloud, pc: { core } }) => {
    const { customer } = await core.call('customers.create', walkIn);
    await core.call('prescriptions.create', { customerId: customer.id, rx });
    await core.call('attachments.add', { customerId: customer.id, field: 'prescription', fileName: 'rx.pdf', bytes: pdf.toString('base64') });
    await core.call('customers.create', ahmed);

    // Nothing is invented for the cloud, which would refuse it anyway: it is not sent at all, and not parked.
    const held = await syncUntilSettled(core);
    expect(held).toMatchObject({ state: 'idle', pending: 0, parked: 0, waitingForDetails: 1 });
    expect(live(cloud).map((c) => c.localData.lastName)).toEqual(['Benali']);
    expect(posts(cloud)).toHaveLength(1);
    const { waitingForDetails, parked } = await core.call('sync.conflicts', {});
    expect(parked).toEqual([]);
    expect(waitingForDetails).toEqual([{ customerId: customer.id, customerName: 'Sami Walkin', missing: ['email', 'dateOfBirth', 'sex'] }]);

    // Still missing one: still waiting.
    await core.call('customers.update', { id: customer.id, customerData: { email: 'sami@example.com', dateOfBirth: '2015-03-12' } });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, waitingForDetails: 1 });
    expect(live(cloud)).toHaveLength(1);

    await core.call('customers.update', { id: customer.id, customerData: { sex: 'male' } });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0, waitingForDetails: 0 });
    const sent = live(cloud).find((c) => c.localData.lastName === 'Walkin');
    expect(sent).toMatchObject({ localData: { email: 'sami@example.com', phoneNumber: '+212 6 11 22 33 44', sex: 'male' } });
    expect(sent!.opticData).toMatchObject({ distanceVision: { rightEye: { sph: '-2.00' }, leftEye: { sph: '-1.75' } } });
    expect(sent!.files.map((f) => f.field)).toEqual(['prescription']);
    expect((await core.call('sync.conflicts', {})).waitingForDetails).toEqual([]);
  });

  it('sends no update of a synced customer while a detail is cleared, and sends it once given again', async ({ cloud, pc: { core } }) => {
    const { customer } = await core.call('customers.create', layla);
    await syncUntilSettled(core);
    cloud.clearRequestLog();

    await core.call('customers.update', { id: customer.id, customerData: { sex: '', phoneNumber: '+1-555-0111' } });
    await core.call('prescriptions.create', { customerId: customer.id, rx });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0, waitingForDetails: 1 });
    expect(cloud.requestLog().filter((r) => r.method === 'PUT')).toEqual([]);
    expect(live(cloud)[0]!.localData).toMatchObject({ phoneNumber: '+1-555-0199', sex: 'female' });

    await core.call('customers.update', { id: customer.id, customerData: { sex: 'female' } });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, waitingForDetails: 0 });
    expect(live(cloud)[0]).toMatchObject({ localData: { phoneNumber: '+1-555-0111', sex: 'female' }, opticData: { distanceVision: { rightEye: { sph: '-2.00' } } } });
  });

  it('a deleted walk-in never sent leaves nothing to send or wait for', async ({ cloud, pc: { core } }) => {
    const { customer } = await core.call('customers.create', walkIn);
    await core.call('customers.delete', { id: customer.id });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, parked: 0, waitingForDetails: 0 });
    expect(live(cloud)).toEqual([]);
  });
});

describe('pull', () => {
  it('brings another PC’s creates, edits and deletes, and never re-reads what it already has', async () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const cloud = await newCloud();
    const pcA = await pcOn(cloud);
    const pcB = await pcOn(cloud, dir);
    const created = await pcA.core.call('customers.create', layla);
    const gone = await pcA.core.call('customers.create', ahmed);
    await syncUntilSettled(pcA.core);

    await syncUntilSettled(pcB.core);
    const onB = await localByEmail(pcB.core, 'layla@example.com');
    expect(onB).toMatchObject({ localData: { firstName: 'Layla' }, address: { city: 'Casablanca' } });
    expect(onB?.opticData?.distanceVision?.rightEye).toMatchObject({ sph: '-1.25', cyl: '-0.25', axis: '90' });
    const history = await pcB.core.call('audit.list', { customerId: onB!.id });
    expect(history.map((h) => h.staffName)).toContain('sync');

    await pcA.core.call('customers.update', { id: created.customer.id, customerData: { phoneNumber: '+1-555-0123' } });
    await pcA.core.call('customers.delete', { id: gone.customer.id });
    await syncUntilSettled(pcA.core);
    await syncUntilSettled(pcB.core);
    expect((await localByEmail(pcB.core, 'layla@example.com'))?.localData.phoneNumber).toBe('+1-555-0123');
    expect(await localByEmail(pcB.core, 'ahmed.benali@example.com')).toBeNull();

    // Restarted: the cursor and the links say nothing changed; no customer is fetched again.
    await pcB.close();
    const again = await openTestCore({ dataDir: dir, core: { syncTimeoutMs: 3_000, syncAutomatic: false } });
    cleanups.push(again.close);
    cloud.clearRequestLog();
    await syncUntilSettled(again.core);
    expect(cloud.requestLog().filter((r) => r.method === 'GET' && r.path.startsWith('/customer/'))).toEqual([]);
  });

  it('keeps both sides’ prescriptions: a version from the cloud is added, never replacing local ones', async ({ cloud, pc: pcA }) => {
    const logB = memoryLogger();
    const pcB = await pcOn(cloud, undefined, logB);
    const { customer } = await pcA.core.call('customers.create', layla);
    await syncUntilSettled(pcA.core);
    await syncUntilSettled(pcB.core);
    const onB = (await localByEmail(pcB.core, 'layla@example.com'))!;
    const before = await pcB.core.call('prescriptions.list', { customerId: onB.id });

    await pcA.core.call('prescriptions.create', {
      customerId: customer.id,
      rx: { kind: 'spectacles', examDate: today(), distanceVision: { rightEye: { sph: '-2.50' }, leftEye: { sph: '-2.25' } } },
    });
    await syncUntilSettled(pcA.core);
    await syncUntilSettled(pcB.core);
    const after = await pcB.core.call('prescriptions.list', { customerId: onB.id });
    expect(logB.lines.filter((l) => !l.startsWith('info '))).toEqual([]);
    expect(after.length).toBe(before.length + 1);
    expect(after.find((v) => v.current)?.rx.distanceVision.rightEye.sph).toBe('-2.50');
  });

  // Outside review: a push reads the cloud, then writes; another PC's edit landing in between (a PUT
  // held by the shared rate limit) was written over with the value read, on every PC, no conflict.
  it('never writes another PC’s edit back over with the value it read before: both edits of different fields stay, everywhere', async ({ cloud, pc: pcA }) => {
    const pcB = await pcOn(cloud);
    const { customer } = await pcA.core.call('customers.create', layla);
    await syncUntilSettled(pcA.core);
    await syncUntilSettled(pcB.core);
    const onB = (await localByEmail(pcB.core, 'layla@example.com'))!;
    const write = cloud.hold('PUT', `/customer/${live(cloud)[0]!.id}`);
    await pcA.core.call('customers.update', { id: customer.id, address: { city: 'Fes' } });
    const roundA = pcA.core.call('sync.now', {});
    await write.reached;
    await pcB.core.call('customers.update', { id: onB.id, address: { street: '9 rue B' } });
    await syncUntilSettled(pcB.core);
    write.release();
    await roundA;
    for (const pc of [pcA.core, pcB.core, pcA.core, pcB.core]) await syncUntilSettled(pc);

    expect(live(cloud)[0]!.address).toMatchObject({ city: 'Fes', street: '9 rue B' });
    expect((await pcA.core.call('customers.get', { id: customer.id })).address).toMatchObject({ city: 'Fes', street: '9 rue B' });
    expect((await pcB.core.call('customers.get', { id: onB.id })).address).toMatchObject({ city: 'Fes', street: '9 rue B' });
  });

  it('applies the other side’s change to one field and keeps this side’s pending change to another', async ({ cloud, pc }) => {
    const { customer } = await pc.core.call('customers.create', layla);
    await syncUntilSettled(pc.core);
    const other = await otherClient(cloud);
    await other.update(live(cloud)[0]!.id, { address: { city: 'Tangier' } });
    await pc.core.call('customers.update', { id: customer.id, customerData: { phoneNumber: '+1-555-0999' } });

    expect(await syncUntilSettled(pc.core)).toMatchObject({ pending: 0, conflicts: 0 });
    const here = await pc.core.call('customers.get', { id: customer.id });
    expect(here.localData.phoneNumber).toBe('+1-555-0999');
    expect(here.address?.city).toBe('Tangier');
    expect(live(cloud)[0]).toMatchObject({ localData: { phoneNumber: '+1-555-0999' }, address: { city: 'Tangier' } });
  });
});

describe('conflicts', () => {
  it('same field changed on both sides: the later edit wins, the loser is kept, staff can keep theirs instead', async ({ cloud, pc }) => {
    const { customer } = await pc.core.call('customers.create', layla);
    await syncUntilSettled(pc.core);
    await pc.core.call('customers.update', { id: customer.id, customerData: { phoneNumber: '+1-555-0001' } });
    await new Promise((r) => setTimeout(r, 5));
    const other = await otherClient(cloud);
    await other.update(live(cloud)[0]!.id, { customerData: { phoneNumber: '+1-555-0002' } }); // later

    const status = await syncUntilSettled(pc.core);
    expect(status).toMatchObject({ pending: 0, conflicts: 1 });
    expect((await pc.core.call('customers.get', { id: customer.id })).localData.phoneNumber).toBe('+1-555-0002');
    const { conflicts } = await pc.core.call('sync.conflicts', { customerId: customer.id });
    expect(conflicts).toMatchObject([{ field: 'customerData.phoneNumber', kind: 'field', mine: '+1-555-0001', theirs: '+1-555-0002', kept: 'theirs', customerName: 'Layla Hassan' }]);

    await pc.core.call('sync.resolve', { id: conflicts[0]!.id, keep: 'mine' });
    expect(await syncUntilSettled(pc.core)).toMatchObject({ pending: 0, conflicts: 0 });
    expect(live(cloud)[0]!.localData.phoneNumber).toBe('+1-555-0001');
    await expectFailure(pc.core, 'sync.resolve', { id: conflicts[0]!.id, keep: 'theirs' }, 'sync.conflictNotFound', 404);
  });

  it('edit here, delete there: the delete wins, the edit is kept and can bring the customer back', async ({ cloud, pc }) => {
    const { customer } = await pc.core.call('customers.create', layla);
    await syncUntilSettled(pc.core);
    const other = await otherClient(cloud);
    await other.remove(live(cloud)[0]!.id);
    await pc.core.call('customers.update', { id: customer.id, customerData: { phoneNumber: '+1-555-0303' } });

    expect(await syncUntilSettled(pc.core)).toMatchObject({ pending: 0, conflicts: 1 });
    await expectFailure(pc.core, 'customers.get', { id: customer.id }, 'customer.notFound', 404);
    const { conflicts } = await pc.core.call('sync.conflicts', {});
    expect(conflicts).toMatchObject([{ kind: 'deleted', field: '*', kept: 'theirs', customerId: customer.id }]);
    expect((conflicts[0]!.mine as Record<string, string>)['customerData.phoneNumber']).toBe('+1-555-0303');

    await pc.core.call('sync.resolve', { id: conflicts[0]!.id, keep: 'mine' });
    expect((await pc.core.call('customers.get', { id: customer.id })).localData.phoneNumber).toBe('+1-555-0303');
    expect(await syncUntilSettled(pc.core)).toMatchObject({ pending: 0, conflicts: 0 });
    expect(live(cloud).map((c) => c.localData.phoneNumber)).toEqual(['+1-555-0303']);
  });
});

describe('privacy', () => {
  it('a purge also erases what sync kept of the customer, and the cloud delete still goes out', async ({ cloud, pc: { core, dir } }) => {
    const { customer } = await core.call('customers.create', layla);
    await syncUntilSettled(core);
    await core.call('customers.update', { id: customer.id, customerData: { phoneNumber: '+1-555-0001' } });
    const other = await otherClient(cloud);
    await other.update(live(cloud)[0]!.id, { customerData: { phoneNumber: '+1-555-0002' } });
    expect(await syncUntilSettled(core)).toMatchObject({ conflicts: 1 });

    await core.call('customers.delete', { id: customer.id });
    await core.call('customers.purge', { id: customer.id });
    const db = new Database(join(dir, DB_FILE_NAME), { readonly: true });
    const kept = JSON.stringify([db.prepare('select * from sync_links').all(), db.prepare('select * from sync_conflicts').all(), db.prepare('select * from sync_outbox').all()]);
    db.close();
    for (const personal of ['Layla', 'layla@example.com', '+1-555-000']) expect(kept).not.toContain(personal);
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0, conflicts: 0 });
    expect(live(cloud)).toHaveLength(0);
  });
});

describe('failures', () => {
  it('never sends the store password to a plain http:// cloud address saved by an older version', async () => {
    const cloud = await newCloud();
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const first = await openTestCore({ dataDir: dir, core: { syncAutomatic: false } });
    await connect(first.core, cloud);
    await first.close();
    // What an older version let the owner save: plain http to a host off this computer.
    const db = new Database(join(dir, DB_FILE_NAME));
    const row = db.prepare("select value from settings where key = 'sync.config'").get() as { value: string };
    db.prepare("update settings set value = ? where key = 'sync.config'").run(JSON.stringify({ ...JSON.parse(row.value), baseUrl: 'http://cloud.example.test' }));
    db.close();
    const again = await openTestCore({ dataDir: dir, core: { syncTimeoutMs: 3_000, syncAutomatic: false } });
    cleanups.push(again.close);
    const status = await again.core.call('sync.now', {});
    expect(status).toMatchObject({ state: 'error' });
    expect(status.lastError).toMatch(/https:\/\//);
    expect(status.lastProblem).toMatchObject({ code: 'sync.insecureAddress', params: {} });
  });

  it('signs in again when the token expires mid-sync, then resumes', async ({ cloud, pc: { core } }) => {
    await core.call('customers.create', layla);
    await syncUntilSettled(core);
    cloud.expireAllTokens();
    cloud.clearRequestLog();
    await core.call('customers.create', ahmed);
    expect(await syncUntilSettled(core)).toMatchObject({ state: 'idle', pending: 0 });
    const calls = cloud.requestLog().map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(calls).toContain('POST /auth/login 200');
    expect(calls.some((c) => c.endsWith(' 401'))).toBe(true);
    expect(live(cloud)).toHaveLength(2);
  });

  it('backs off on 5xx and a long Retry-After without losing the queue; rate-limited is not offline', async () => {
    // The Retry-After below is 3 minutes: the sync's timeline runs 60 times faster (see 'the cloud’s rate limit').
    const timeline = scaledTimeline(60);
    const cloud = await newCloud({ rateLimitClock: () => new Date(timeline.now()) });
    const { core } = await pcOn(cloud, undefined, memoryLogger(), timeline);
    await core.call('customers.create', layla);
    cloud.faults.set({ errorRate: 1 });
    const down = await core.call('sync.now', {});
    expect(down).toMatchObject({ state: 'error', pending: 1 });
    expect(down.lastError).toMatch(/cloud had a problem \(50[023]\)/);
    expect(down.lastProblem).toEqual({ code: 'sync.cloud.server', params: {}, message: down.lastError });
    expect(Date.parse(down.nextAttemptAt!)).toBeGreaterThan(Date.now() - 1000);

    cloud.faults.reset();
    // Longer than a round waits in place (INLINE_PAUSE_MAX_MS): the round ends, the engine tries again then.
    cloud.faults.set({ tooManyRequests: { count: 1, retryAfterSeconds: 180 } });
    const slow = await core.call('sync.now', {});
    expect(slow).toMatchObject({ state: 'rateLimited', pending: 1, lastError: 'The cloud asked us to slow down' });
    expect(Date.parse(slow.nextAttemptAt!) - Date.now()).toBeGreaterThan(175_000);
    // "Sync now" does not send what the cloud would refuse: it is still rate-limited.
    expect(await core.call('sync.now', {})).toMatchObject({ state: 'rateLimited', pending: 1 });
    await sleep(1_500); // 90 scaled seconds: what is left of the pause is waited out inside the round

    expect(await syncUntilSettled(core)).toMatchObject({ state: 'idle', pending: 0 });
    expect(live(cloud)).toHaveLength(1);
  });

  it('works offline: saves succeed, changes wait, and go out once the cloud is back', async ({ cloud, pc: { core } }) => {
    await cloud.stopListening();
    for (const name of ['Una', 'Vic', 'Wes']) await core.call('customers.create', person(name, 'Offline'));
    const off = await core.call('sync.now', {});
    expect(off).toMatchObject({ state: 'offline', pending: 3 });
    expect(off.lastError).toMatch(/could not be reached/);
    expect(off.lastProblem?.code).toBe('sync.cloud.offline');

    await cloud.resumeListening();
    expect(await syncUntilSettled(core)).toMatchObject({ state: 'idle', pending: 0 });
    expect(live(cloud)).toHaveLength(3);
  });
});

/*
 * The cloud's rate limit (cloud-api.md: 100 requests a minute per user, sliding window) is on in
 * every test here, as it is in the real cloud. A first sync of 1,000 customers is 1,000 detail
 * requests: at least 10 real minutes, too long for CI. So the long test runs the app's sync timeline
 * (its limiter, Retry-After pauses, backoff and timer) and the test cloud's rate limiter on one
 * time-scaled clock: the rule is unchanged (100 per minute, sliding), a minute just passes 60 times
 * faster. The real-time test shows the part that matters at any speed: a 429 in the middle of a
 * pull pauses it until Retry-After, with what was fetched already kept, and it resumes without
 * fetching anything twice. `npm run bench -- sync` runs the 1,000-customer first sync in real time.
 */
describe('the cloud’s rate limit', () => {
  const detailGets = (cloud: CloudServer) => cloud.requestLog().filter((r) => r.method === 'GET' && /^\/customer\/[^/]+$/.test(r.path));

  it('a 429 mid-pull pauses until Retry-After (rate-limited, not offline), keeps what was fetched, and resumes with nothing fetched twice', async ({ cloud, pc: pcA }) => {
    for (let i = 0; i < 40; i++) await pcA.core.call('customers.create', person('Client', `Number${i}`, { email: `client-${i}@example.com` }));
    expect(await syncUntilSettled(pcA.core)).toMatchObject({ state: 'idle', pending: 0 });

    const pcB = await pcOn(cloud);
    cloud.clearRequestLog();
    cloud.faults.set({ latencyMs: 15 });
    const round = pcB.core.call('sync.now', {});
    while (detailGets(cloud).filter((r) => r.status === 200).length < 12) await sleep(2);
    // One 429: each 429 that comes after a pause halves this PC's share of the minute (limiter.ts,
    // issue 14 item 5), and three in a row (one probe after each pause) left 12 a minute with ~25
    // sent in the last one: a wait of most of a minute, as designed, past this test's timeout.
    cloud.faults.set({ tooManyRequests: { count: 1, retryAfterSeconds: 2 } });
    let paused = await pcB.core.call('sync.status', {});
    for (let i = 0; paused.state !== 'rateLimited' && i < 500; i++) paused = await sleep(5).then(() => pcB.core.call('sync.status', {}));
    expect(paused).toMatchObject({ state: 'rateLimited', lastError: 'The cloud asked us to slow down' });
    const wait = Date.parse(paused.nextAttemptAt!) - Date.now();
    expect(wait).toBeGreaterThan(1_000);
    expect(wait).toBeLessThanOrEqual(2_100);

    // While it waits, nothing goes out, and every customer that came back is already kept here.
    // (Issue 14: all 40 are here from the list at once; those whose detail came back are complete.)
    await sleep(600);
    const answered = detailGets(cloud).filter((r) => r.status === 200).length;
    const listed = await pcB.core.call('customers.list', { limit: 100 });
    expect(listed.pagination.total).toBe(40);
    expect(listed.data.filter((d) => !d.detailsArriving)).toHaveLength(answered);
    await sleep(300);
    expect(detailGets(cloud).filter((r) => r.status === 200)).toHaveLength(answered);

    expect(await round).toMatchObject({ state: 'idle', pending: 0, lastError: null, nextAttemptAt: null });
    expect((await pcB.core.call('customers.list', { limit: 1 })).pagination.total).toBe(40);
    const fetched = detailGets(cloud).filter((r) => r.status === 200).map((r) => r.path);
    expect(fetched).toHaveLength(40);
    expect(new Set(fetched).size).toBe(40);
    expect(cloud.requestLog().filter((r) => r.status === 429)).toHaveLength(1);
    // ~47 s: after the 429 the rest of the details go at the halved share's pace (limiter.ts, issue 14
    // item 5), as designed; the default timeout is not what this test checks.
  }, 60_000);

  it('a sync interrupted mid-pull (the app closed) resumes without fetching again what it had applied', async ({ cloud, pc: pcA }) => {
    for (let i = 0; i < 40; i++) await pcA.core.call('customers.create', person('Client', `Number${i}`, { email: `client-${i}@example.com` }));
    await syncUntilSettled(pcA.core);

    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const first = await openTestCore({ dataDir: dir, core: { syncTimeoutMs: 3_000, syncAutomatic: false } });
    await connect(first.core, cloud);
    cloud.clearRequestLog();
    cloud.faults.set({ latencyMs: 15 });
    const round = first.core.call('sync.now', {}).catch(() => undefined);
    while (detailGets(cloud).filter((r) => r.status === 200).length < 20) await sleep(2);
    cloud.faults.set({ latencyMs: 2_000 }); // the rest of the page is still on its way when the app closes
    // Those whose detail was applied (issue 14: the others are here from the list, details arriving).
    const applied = () => {
      const linked = new Database(join(dir, DB_FILE_NAME), { readonly: true });
      try {
        return (linked.prepare('select cloud_id from sync_links join customers on customers.id = local_id where summary_at is null').all() as { cloud_id: string }[]).map((r) => r.cloud_id);
      } finally {
        linked.close();
      }
    };
    // What came back is committed within 250 ms, whatever the batch holds (waited for, not slept on:
    // a loaded CI box once took longer), before the rest of the page's answers arrive.
    const since = Date.now();
    while (applied().length < 20 && Date.now() - since < 1_500) await sleep(25);
    await first.close();
    await round;
    const kept = applied();
    expect(kept.length).toBeGreaterThanOrEqual(20);

    cloud.faults.reset();
    cloud.clearRequestLog();
    const again = await pcOn(cloud, dir);
    expect(await syncUntilSettled(again.core)).toMatchObject({ state: 'idle' });
    expect((await again.core.call('customers.list', { limit: 1 })).pagination.total).toBe(40);
    const refetched = detailGets(cloud).map((r) => r.path.slice('/customer/'.length));
    expect(refetched.filter((id) => kept.includes(id))).toEqual([]);
    expect(refetched).toHaveLength(40 - kept.length);
  }, 60_000);

  it('a push cut short by a long Retry-After keeps what was sent, and never takes what it did not send for lost', async () => {
    // A 3-minute Retry-After: the sync's timeline and the cloud's limiter run 60 times faster.
    const timeline = scaledTimeline(60);
    const cloud = await newCloud({ rateLimitClock: () => new Date(timeline.now()) });
    const { core, dir } = await pcOn(cloud, undefined, memoryLogger(), timeline);
    for (let i = 0; i < 40; i++) await core.call('customers.create', person('Client', `Number${i}`, { email: `client-${i}@example.com` }));
    cloud.faults.set({ latencyMs: 10 });
    const round = core.call('sync.now', {});
    while (posts(cloud).filter((r) => r.status === 201 || r.status === 200).length < 10) await sleep(2);
    cloud.faults.set({ tooManyRequests: { count: 1_000, retryAfterSeconds: 180 } });
    const cut = await round;
    expect(cut.state).toBe('rateLimited');
    const created = live(cloud).length;
    expect(cut.pending).toBe(40 - created);
    // What the cloud refused with 429 (or what was never sent) is not "sent, outcome unknown":
    // the next round must not spend the rate limit looking each of them up by email.
    const db = new Database(join(dir, DB_FILE_NAME), { readonly: true });
    const marked = db.prepare('select count(*) as n from sync_outbox where tried_at is not null').get() as { n: number };
    db.close();
    expect(marked.n).toBe(0);

    cloud.faults.reset();
    cloud.clearRequestLog();
    await sleep(3_100); // the 180 scaled seconds
    expect(await syncUntilSettled(core)).toMatchObject({ state: 'idle', pending: 0 });
    expect(live(cloud)).toHaveLength(40);
    expect(posts(cloud)).toHaveLength(40 - created);
  });

  // The cloud's window (100 a minute, sliding) and the PC's timeline both run 10 times faster: a minute is 6 s.
  it('turning sync off and on, checking the account again or changing its limit keeps what the PC sent within the minute: no 429 for its own requests', async () => {
    const timeline = scaledTimeline(10);
    const cloud = await newCloud({ rateLimitClock: () => new Date(timeline.now()) });
    const { core } = await pcOn(cloud, undefined, memoryLogger(), timeline);
    const create = async (from: number, to: number) => {
      for (let i = from; i < to; i++) await core.call('customers.create', person('Client', `Number${i}`, { email: `client-${i}@example.com` }));
    };
    await create(0, 80);
    expect(await syncUntilSettled(core)).toMatchObject({ state: 'idle', pending: 0 });
    expect(cloud.requestLog().length).toBeGreaterThan(80);

    // Within the same minute: the owner turns sync off and on, checks the account, lowers its limit.
    await core.call('sync.setEnabled', { enabled: false });
    await core.call('sync.setEnabled', { enabled: true });
    await connect(core, cloud);
    await connect(core, cloud, 90);
    await create(80, 120);
    expect(await syncUntilSettled(core)).toMatchObject({ state: 'idle', pending: 0 });
    await connect(core, cloud, 100);
    await create(120, 140);
    expect(await syncUntilSettled(core)).toMatchObject({ state: 'idle', pending: 0 });
    expect(live(cloud)).toHaveLength(140);
    // A limiter made afresh at each change forgot the window's requests and sent into a full window (reviews 16, 17).
    expect(cloud.requestLog().filter((r) => r.status === 429)).toEqual([]);
  }, 60_000);

  it('a restore within the minute keeps what the PC sent in it: no 429 for its own requests', async () => {
    const timeline = scaledTimeline(10);
    const cloud = await newCloud({ rateLimitClock: () => new Date(timeline.now()) });
    const { raw } = await pcOn(cloud, undefined, memoryLogger(), timeline);
    const signIn = async () => ({ sessionToken: (await raw.call('auth.login', { username: OWNER.username, password: OWNER.password })).sessionToken });
    let as = await signIn();
    const backup = await raw.call('backup.create', {}, as);
    for (let i = 0; i < 85; i++) await raw.call('customers.create', person('Client', `Number${i}`, { email: `client-${i}@example.com` }), as);
    expect(await raw.call('sync.now', {}, as)).toMatchObject({ state: 'idle', pending: 0 });

    await raw.call('backup.restore', { name: backup.name }, as);
    as = await signIn(); // a restore ends every session
    // The restored store has none of the 85: they come back from the cloud; 30 more go out.
    for (let i = 85; i < 115; i++) await raw.call('customers.create', person('Client', `Number${i}`, { email: `client-${i}@example.com` }), as);
    let status = await raw.call('sync.now', {}, as);
    for (let i = 0; i < 10 && status.pending > 0; i++) status = await raw.call('sync.now', {}, as);
    expect(status).toMatchObject({ state: 'idle', pending: 0 });
    expect(live(cloud)).toHaveLength(115);
    expect(cloud.requestLog().filter((r) => r.status === 429)).toEqual([]);
  }, 60_000);

  it('checking the account while the PC has used its whole minute still reaches the cloud: a wrong password is refused on its field, the right one saved', async () => {
    const cloud = await newCloud();
    const t = await openTestCore({ core: PC_OPTIONS });
    cleanups.push(t.close);
    await connect(t.core, cloud, 20);
    for (let i = 0; i < 25; i++) await t.core.call('customers.create', person('Client', `Number${i}`, { email: `client-${i}@example.com` }));
    // 20 requests a minute (the owner's setting): the minute is full (18 pushes: a tenth is kept for
    // customers being opened) and 7 wait for the next one.
    const round = t.core.call('sync.now', {});
    while (cloud.requestLog().length < 18) await sleep(5);
    const started = Date.now();
    const wrong = await expectFailure(t.core, 'sync.configure', { baseUrl: cloud.url, ...STORE, password: 'not-the-password', requestsPerMinute: 20 }, 'sync.invalidCredentials');
    expect(wrong.fieldErrors?.password).toBeDefined();
    const status = await connect(t.core, cloud, 20);
    expect(Date.now() - started, 'the checks waited for the minute').toBeLessThan(5_000);
    expect(status.config).toMatchObject({ baseUrl: cloud.url, requestsPerMinute: 20 });
    // Not the error of the round the change cut short ("Sync was stopped"; review 17).
    expect(status.lastError).toBeNull();
    await round.catch(() => undefined);
  }, 30_000);

  it('setting sync up answers at once when the cloud says 429 at sign-in: saved, checked at the first sync', async () => {
    const cloud = await newCloud();
    const { core } = await openTestCore().then((t) => {
      cleanups.push(t.close);
      return t;
    });
    cloud.faults.set({ tooManyRequests: { count: 1, retryAfterSeconds: 60 } });
    const started = Date.now();
    const status = await connect(core, cloud);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(status.config).toMatchObject({ baseUrl: cloud.url, storeId: STORE.storeId });
  });

  it('a store of 1,000 customers: pushed from one PC, then a new PC’s first sync completes (100/min sliding, time-scaled ×60)', async () => {
    const timeline = scaledTimeline(60);
    const cloud = await newCloud({ rateLimitClock: () => new Date(timeline.now()) });
    const pcA = await pcOn(cloud, undefined, memoryLogger(), timeline);
    const customers = Array.from({ length: 1_000 }, (_, i) => CustomerCreateInput.parse(person('Client', `N${i}`, { email: `client-${i}@example.com`, phoneNumber: `+212 6 00 00 ${String(i).padStart(4, '0')}` })));
    await pcA.core.customers.createMany(customers, { staffId: null, username: 'test' });

    const started = { real: Date.now(), scaled: timeline.now() };
    expect(await syncUntilSettled(pcA.core)).toMatchObject({ state: 'idle', pending: 0, parked: 0 });
    const pushed = { real: Date.now(), scaled: timeline.now() };
    expect(live(cloud)).toHaveLength(1_000);
    expect(posts(cloud)).toHaveLength(1_000);

    // The new PC starts while the cloud's window is still full of the first PC's requests (same account).
    cloud.clearRequestLog();
    const pcB = await pcOn(cloud, undefined, memoryLogger(), timeline);
    const firstSync = pcB.core.call('sync.now', {});
    // A walk-in saved at the new PC during its first sync reaches the cloud before that sync ends.
    while (detailGets(cloud).length < 300) await sleep(5);
    await pcB.core.call('customers.create', person('Walk', 'In', { email: 'walk-in@example.com' }));
    expect(await firstSync).toMatchObject({ state: 'idle', pending: 0, lastError: null });
    const pulled = { real: Date.now(), scaled: timeline.now() };
    expect((await pcB.core.call('customers.list', { limit: 1 })).pagination.total).toBe(1_001);
    const order = cloud.requestLog().map((r) => `${r.method} ${r.path}`);
    expect(order.indexOf('POST /customer'), 'the walk-in was sent before the first sync’s last page').toBeLessThan(order.findLastIndex((r) => /^GET \/customer\/[^/]+$/.test(r)) - 100);
    const fetched = detailGets(cloud).filter((r) => r.status === 200).map((r) => r.path);
    expect(new Set(fetched).size).toBe(1_000);
    expect(fetched, 'a customer fetched twice').toHaveLength(1_000);
    const sample = await localByEmail(pcB.core, 'client-737@example.com');
    expect(sample?.localData).toMatchObject({ firstName: 'Client', lastName: 'N737', phoneNumber: '+212 6 00 00 0737' });
    const minutes = (t: { scaled: number }, from: { scaled: number }) => ((t.scaled - from.scaled) / 60_000).toFixed(1);
    console.log(
      `[sync] 1,000 customers at 100/min (×60): push ${minutes(pushed, started)} scaled min (${((pushed.real - started.real) / 1000).toFixed(1)} s real), ` +
        `first sync of the new PC ${minutes(pulled, pushed)} scaled min (${((pulled.real - pushed.real) / 1000).toFixed(1)} s real), ` +
        `${cloud.requestLog().filter((r) => r.status === 429).length} 429s on its way`,
    );
  }, 120_000);
});

describe('a first sync while others change the cloud', () => {
  const detailGets = (cloud: CloudServer) => cloud.requestLog().filter((r) => r.method === 'GET' && /^\/customer\/[^/]+$/.test(r.path));
  const lists = (cloud: CloudServer) => cloud.requestLog().filter((r) => r.method === 'GET' && r.path === '/customer');

  async function everyLocal(core: Core) {
    const all = [];
    for (let page = 1; ; page++) {
      const { data, pagination } = await core.call('customers.list', { page, limit: 100 });
      all.push(...data);
      if (page >= pagination.totalPages) return all;
    }
  }

  const cloudDirs = new Map<CloudServer, string>();

  /** A cloud already holding `n` customers (written straight into its store, one second apart), plus `extra`. */
  async function seededCloud(n: number, timeline: Timeline, extra: CustomerCreate[] = []) {
    const { dir, remove } = tempDir('opticounter-cloud-');
    cleanups.push(remove);
    const db = openStore(dir);
    let i = 0;
    const base = Date.now() - 3_600_000;
    const seed = new CloudCustomers(db, () => new Date(base + i * 1_000));
    for (i = 0; i < n; i++) {
      seed.create(STORE.storeId, { customerData: { firstName: 'Seed', lastName: `Zz${String(i).padStart(4, '0')}`, email: `seed-${i}@example.com`, phoneNumber: `06${10_000_000 + i}`, dateOfBirth: '1980-01-01T00:00:00.000Z', sex: 'female' } } as CustomerCreate, []);
    }
    for (const c of extra) seed.create(STORE.storeId, c, []);
    db.close();
    const cloud = await newCloud({ dataDir: dir, rateLimitClock: () => new Date(timeline.now()) });
    cloudDirs.set(cloud, dir);
    return cloud;
  }

  it('a customer deleted elsewhere during a new PC’s first pull shifts no other out of it, and the next rounds do not re-list the store', async () => {
    const timeline = scaledTimeline(60);
    const cloud = await seededCloud(300, timeline);
    const { core } = await pcOn(cloud, undefined, memoryLogger(), timeline);
    cloud.clearRequestLog();
    const firstSync = core.call('sync.now', {});
    // The second page is listed already; the third will be listed after the delete (one place up).
    while (lists(cloud).length < 2 || detailGets(cloud).length < 20) await sleep(2);
    expect(detailGets(cloud).length).toBeLessThan(100);
    const newest = live(cloud).find((c) => c.localData.lastName === 'Zz0299')!;
    await (await otherClient(cloud)).remove(newest.id);
    expect(await firstSync).toMatchObject({ state: 'idle', pending: 0, lastError: null });
    const fetched = detailGets(cloud).filter((r) => r.status === 200).map((r) => r.path);
    expect(new Set(fetched).size, 'a customer fetched twice').toBe(fetched.length);

    const data = await everyLocal(core);
    const here = new Set(data.map((d) => d.userName));
    const missing = live(cloud).filter((c) => !here.has(String(c.localData.email)));
    expect(missing.map((c) => c.localData.lastName), 'cloud customers never copied here').toEqual([]);
    expect(data).toHaveLength(299);

    // Nothing is left to explain: a round lists the first page only, fetches nothing.
    cloud.clearRequestLog();
    expect(await core.call('sync.now', {})).toMatchObject({ state: 'idle', lastError: null });
    expect(lists(cloud)).toHaveLength(1);
    expect(detailGets(cloud)).toHaveLength(0);
  }, 60_000);

  it('a customer created elsewhere during a first pull moves the pages down: none is missed, none fetched twice', async () => {
    const timeline = scaledTimeline(60);
    const cloud = await seededCloud(250, timeline);
    const { core } = await pcOn(cloud, undefined, memoryLogger(), timeline);
    cloud.clearRequestLog();
    const firstSync = core.call('sync.now', {});
    while (lists(cloud).length < 2 || detailGets(cloud).length < 20) await sleep(2);
    await (await otherClient(cloud)).create({ customerData: { firstName: 'Mid', lastName: 'Pass', email: 'mid-pass@example.com', phoneNumber: '0600000003', dateOfBirth: '1990-01-01', sex: 'female' } });
    expect(await firstSync).toMatchObject({ state: 'idle', pending: 0, lastError: null });
    const fetched = detailGets(cloud).filter((r) => r.status === 200).map((r) => r.path);
    expect(new Set(fetched).size, 'a customer fetched twice').toBe(fetched.length);
    const here = new Set((await everyLocal(core)).map((d) => d.userName));
    expect(live(cloud).filter((c) => !here.has(String(c.localData.email))).map((c) => c.localData.lastName)).toEqual([]);
    expect(here.size).toBe(251);
  }, 60_000);

  it('a cloud customer this PC never copied, older than its cursor, is fetched by the reconcile, which then rests', async () => {
    const timeline = scaledTimeline(60);
    const cloud = await seededCloud(120, timeline);
    const { core } = await pcOn(cloud, undefined, memoryLogger(), timeline);
    expect(await core.call('sync.now', {})).toMatchObject({ state: 'idle', lastError: null });
    expect(await everyLocal(core)).toHaveLength(120);

    // Written with an updatedAt well before this PC's cursor (a cloud-side restore, or a pass an
    // older version cut short): no pull window will ever list it again.
    const db = openStore(cloudDirs.get(cloud));
    new CloudCustomers(db, () => new Date(Date.now() - 7_200_000)).create(STORE.storeId, { customerData: { firstName: 'Old', lastName: 'Timer', email: 'old-timer@example.com', phoneNumber: '0600000002', dateOfBirth: '1970-01-01T00:00:00.000Z', sex: 'male' } } as CustomerCreate, []);
    db.close();
    expect(await core.call('sync.now', {})).toMatchObject({ state: 'idle', lastError: null });
    expect((await localByEmail(core, 'old-timer@example.com'))?.localData).toMatchObject({ firstName: 'Old', lastName: 'Timer' });

    cloud.clearRequestLog();
    expect(await core.call('sync.now', {})).toMatchObject({ state: 'idle', lastError: null });
    expect(lists(cloud)).toHaveLength(1);
    expect(detailGets(cloud)).toHaveLength(0);
  }, 60_000);

  it('counts that stay apart for a known reason (a create of ours, parked, may be that cloud customer) are reconciled once, not every round', async () => {
    const timeline = scaledTimeline(60);
    const cloud = await seededCloud(100, timeline);
    const { core, dir } = await pcOn(cloud, undefined, memoryLogger(), timeline);
    // Our create was sent once (its answer lost) and is parked now: the cloud's seed-0 may be it,
    // so the pull leaves it to the push, and the counts stay one apart.
    const { customer } = await core.call('customers.create', person('Lost', 'Answer', { email: 'seed-0@example.com' }));
    const db = new Database(join(dir, DB_FILE_NAME));
    const at = new Date().toISOString();
    db.prepare('update sync_outbox set tried_at = ?, sent_fields = ?, parked_at = ?, parked_error = ? where entity_id = ?').run(at, JSON.stringify({ 'customerData.email': 'seed-0@example.com' }), at, 'refused by the cloud', customer.id);
    db.close();
    expect(await core.call('sync.now', {})).toMatchObject({ state: 'idle', lastError: null, parked: 1 });
    expect(await everyLocal(core)).toHaveLength(100);

    cloud.clearRequestLog();
    expect(await core.call('sync.now', {})).toMatchObject({ state: 'idle', lastError: null });
    expect(lists(cloud)).toHaveLength(1);
    expect(detailGets(cloud)).toHaveLength(0);
  }, 60_000);

  it('a cloud customer the local rules refuse is shown on the Sync screen, not fetched again until it changes there, and not a reason to re-list', async () => {
    const timeline = scaledTimeline(60);
    const odd = { customerData: { firstName: 'Odd', lastName: 'Rxvalue', email: 'odd@example.com', phoneNumber: '0600000001', dateOfBirth: '1980-01-01T00:00:00.000Z', sex: 'male' }, opticData: { distanceVision: { rightEye: { sph: '-1.13', cyl: '0', axis: '0' }, leftEye: { sph: '-1.00', cyl: '0', axis: '0' } } } };
    const cloud = await seededCloud(5, timeline, [odd as CustomerCreate]);
    const { core } = await pcOn(cloud, undefined, memoryLogger(), timeline);
    expect(await core.call('sync.now', {})).toMatchObject({ state: 'idle', lastError: null });
    expect(await everyLocal(core)).toHaveLength(5);
    const { refused } = await core.call('sync.conflicts', {});
    expect(refused).toEqual([expect.objectContaining({ customerName: 'Odd Rxvalue', field: 'opticData.distanceVision.rightEye.sph', value: '-1.13', reason: expect.stringMatching(/0\.25 steps/) })]);

    // Known and refused: not fetched again, and the counts agree (no full list every minute).
    cloud.clearRequestLog();
    expect(await core.call('sync.now', {})).toMatchObject({ state: 'idle', lastError: null });
    expect(lists(cloud)).toHaveLength(1);
    expect(detailGets(cloud)).toHaveLength(0);

    // Corrected in the cloud: fetched again, copied here, no longer shown.
    const inCloud = live(cloud).find((c) => c.localData.lastName === 'Rxvalue')!;
    await (await otherClient(cloud)).update(inCloud.id, { opticData: { distanceVision: { rightEye: { sph: '-1.25', cyl: '0', axis: '0' }, leftEye: { sph: '-1.00', cyl: '0', axis: '0' } } } });
    expect(await core.call('sync.now', {})).toMatchObject({ state: 'idle', lastError: null });
    expect(await everyLocal(core)).toHaveLength(6);
    expect((await core.call('sync.conflicts', {})).refused).toEqual([]);
  }, 60_000);
});

describe('the engine on its own timer', () => {
  it.override({ coreOptions: { syncTimeoutMs: 3_000 } });

  async function until(what: () => Promise<boolean>, ms = 15_000) {
    const end = Date.now() + ms;
    while (!(await what())) {
      if (Date.now() > end) throw new Error('timed out waiting for the engine');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('pushes a save by itself, then stays idle until the next pull is due', async ({ cloud, pc: { core } }) => {
    await core.call('customers.create', layla);
    await until(async () => live(cloud).length === 1 && (await core.call('sync.status', {})).pending === 0);
    await new Promise((r) => setTimeout(r, 300));
    let changes = 0;
    const off = core.sync.onChange(() => changes++);
    const before = (await core.call('sync.status', {})).lastSyncAt;
    await new Promise((r) => setTimeout(r, 1_000));
    off();
    expect(changes).toBe(0);
    expect((await core.call('sync.status', {})).lastSyncAt).toBe(before);
  });

  it('retries after a failure on its backoff timer, without anyone pressing Sync now', async ({ cloud, pc: { core } }) => {
    await cloud.stopListening();
    await core.call('customers.create', layla);
    await until(async () => (await core.call('sync.status', {})).state === 'offline');
    await cloud.resumeListening();
    await until(async () => (await core.call('sync.status', {})).pending === 0, 20_000);
    expect(live(cloud)).toHaveLength(1);
  });
});

describe('settings', () => {
  it('moving to another cloud sends everything there as new and deletes nothing here', async ({ cloud: first, pc: { core } }) => {
    const { customer } = await core.call('customers.create', layla);
    await core.call('customers.create', ahmed);
    await core.call('attachments.add', { customerId: customer.id, field: 'idCard', fileName: 'id.png', bytes: png().toString('base64') });
    expect(await syncUntilSettled(core)).toMatchObject({ pending: 0 });

    const second = await newCloud();
    await connect(core, second);
    expect(await syncUntilSettled(core)).toMatchObject({ state: 'idle', pending: 0, parked: 0, conflicts: 0 });
    expect(live(second).map((c) => c.localData.email).sort()).toEqual(['ahmed.benali@example.com', 'layla@example.com']);
    expect(live(second).find((c) => c.localData.email === 'layla@example.com')!.files.map((f) => f.field)).toEqual(['idCard']);
    expect((await core.call('customers.list', { limit: 10 })).pagination.total).toBe(2);
    expect(live(first)).toHaveLength(2); // the old cloud is left as it was
  });

  it('checks the credentials, keeps the password encrypted, and is the owner’s', async () => {
    const cloud = await newCloud();
    const { core, raw, dir } = await openTestCore().then((t) => {
      cleanups.push(t.close);
      return t;
    });
    const wrong = await expectFailure(core, 'sync.configure', { baseUrl: cloud.url, storeId: STORE.storeId, email: STORE.email, password: 'nope-nope-1' }, 'sync.invalidCredentials', 400);
    expect(wrong.fieldErrors?.password).toBeDefined();
    const bad = await expectFailure(core, 'sync.configure', { baseUrl: 'not a url', storeId: '', email: 'x', password: '' }, 'validation', 400);
    expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(['baseUrl', 'email', 'password', 'storeId']);

    const status = await connect(core, cloud);
    expect(status.config).toEqual({ baseUrl: cloud.url, storeId: STORE.storeId, email: STORE.email, requestsPerMinute: 100 });
    expect(JSON.stringify(status)).not.toContain(STORE.password);
    const db = new Database(join(dir, DB_FILE_NAME), { readonly: true });
    const everything = JSON.stringify(db.prepare('select * from settings').all()) + JSON.stringify(db.prepare('select * from audit_log').all());
    db.close();
    expect(everything).not.toContain(STORE.password);

    await core.call('staff.create', { username: 'sam', displayName: 'Sam', role: 'staff', password: 'staff-password-1', pin: '1357' });
    const sam = await raw.call('auth.login', { username: 'sam', password: 'staff-password-1' });
    const asSam = { sessionToken: sam.sessionToken };
    const denied = await raw.handle('sync.configure', { baseUrl: cloud.url, storeId: 's', email: 'a@b.c', password: 'x' }, asSam);
    expect(denied).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
    expect(await raw.call('sync.status', {}, asSam)).toMatchObject({ state: expect.any(String) });
    expect(OWNER.username).toBe('owner');
  });
});

/** The current prescription is the latest exam: a new one examined today becomes it. */
function today() {
  return new Date().toISOString().slice(0, 10);
}
