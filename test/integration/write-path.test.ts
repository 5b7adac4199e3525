import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/main/audit/log';
import type { Core } from '../../src/main/core';
import { openCore } from '../../src/main/core';
import { DB_FILE_NAME, openDatabase } from '../../src/main/db/database';
import { AuditLog } from '../../src/main/audit/log';
import { Outbox } from '../../src/main/sync/outbox';
import { type Change, UnitOfWork, outboxEntryOf } from '../../src/main/unit-of-work';
import { type Channel, type ChannelInput, type Contract, channels, contract, isWrite } from '../../src/shared/contract';
import type { AuditEntity } from '../../src/shared/staff/schema';
import { type CloudServer, startCloud } from '../cloud/server';
import { OWNER, expectFailure, layla, memoryLogger, openTestCore, person, tempDir } from '../helpers/core';
import { png } from '../helpers/files';
import { TEST_MACHINE, makeLicence, signLicence, testSigner } from '../helpers/licence';
import { STORE, connect, otherClient, syncUntilSettled } from '../helpers/sync';

/**
 * The one write path, walked: every channel the contract declares a write (or audited) is called on
 * a real core and must leave audit rows, and, for each row about an entity the cloud syncs, the
 * outbox entry the unit of work's rule gives. The only per-channel knowledge is an example input.
 */

/** The channels that must leave an audit row: derived from the contract's type, not listed. */
type WriteChannel = { [C in Channel]: Contract[C]['kind'] extends 'read' ? (Contract[C] extends { audited: true } ? C : never) : C }[Channel];

const signer = testSigner('write-path-key');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A store connected to its own cloud, everything synced: the outbox is empty before the call. */
interface World {
  core: Core;
  dir: string;
  cloud: CloudServer;
  customer(input?: Parameters<typeof person>): Promise<string>;
  settle(): Promise<void>;
  /** The call goes to a store without an owner instead (auth.setupOwner). */
  useBlankStore(): Promise<void>;
}

async function world(): Promise<World> {
  const cloud = await startCloud({ licenceSigner: { kid: signer.kid, privateKey: signer.privateKey }, rateLimitPerMinute: null });
  await cloud.addUser(STORE);
  const t = await openTestCore({
    core: { syncAutomatic: false, syncTimeoutMs: 3_000, machineId: TEST_MACHINE, trustedLicenceKeys: [signer.trusted, { kid: cloud.licenceKid, pem: cloud.licencePublicKeyPem }] },
  });
  cleanups.push(() => cloud.close(), t.close);
  await connect(t.core, cloud);
  let n = 0;
  const w: World = {
    core: t.core,
    dir: t.dir,
    cloud,
    customer: async (p = ['Walk', `Customer${++n}`]) => (await w.core.call('customers.create', person(...p))).customer.id,
    settle: async () => {
      expect(await syncUntilSettled(w.core)).toMatchObject({ pending: 0 });
    },
    useBlankStore: async () => {
      const tmp = tempDir();
      const blank = await openCore({ dataDir: tmp.dir, appVersion: '0.0.0-test', log: memoryLogger() });
      cleanups.push(async () => {
        await blank.close();
        tmp.remove();
      });
      w.core = blank;
      w.dir = tmp.dir;
    },
  };
  return w;
}

const RX = { kind: 'spectacles', examDate: '2026-01-10', distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.25' } } } as const;

const IMPORT_FILE = {
  fileName: 'ancien-logiciel.csv',
  bytes: Buffer.from('Nom;Prénom;Tél\nAlaoui;Sara;0612345678\n', 'utf8').toString('base64'),
  mapping: { Nom: 'lastName', Prénom: 'firstName', Tél: 'phoneNumber' },
  onDuplicate: 'skip',
} as const;

/** One example per writing channel: a new one without an example does not compile. */
const examples: { [C in WriteChannel]: (w: World) => Promise<ChannelInput<C>> } = {
  'auth.setupOwner': async (w) => {
    await w.useBlankStore();
    return OWNER;
  },
  'auth.recover': async (w) => ({
    username: OWNER.username,
    recoveryCode: (await w.core.call('auth.newRecoveryCode', { password: OWNER.password })).recoveryCode,
    newPassword: 'a-new-owner-password',
  }),
  'auth.newRecoveryCode': async () => ({ password: OWNER.password }),
  'staff.create': async () => ({ username: 'sam', displayName: 'Sam', password: 'sam-password-1', role: 'staff' }),
  'staff.update': async (w) => ({ id: (await w.core.call('staff.create', { username: 'sam', displayName: 'Sam', password: 'sam-password-1', role: 'staff' })).id, displayName: 'Samir' }),
  'staff.disable': async (w) => ({ id: (await w.core.call('staff.create', { username: 'sam', displayName: 'Sam', password: 'sam-password-1', role: 'staff' })).id }),
  'staff.resetPassword': async (w) => ({
    id: (await w.core.call('staff.create', { username: 'sam', displayName: 'Sam', password: 'sam-password-1', role: 'staff' })).id,
    password: 'another-password-2',
  }),
  'settings.setAutoLock': async () => ({ minutes: 12 }),
  'settings.setStore': async () => ({
    name: 'Optique Atlas',
    address: '12 rue Allal Ben Abdellah, Casablanca',
    phone: '+212 5 22 00 00 00',
    registrationNumber: 'RC 123456',
    country: 'MA',
    logo: null,
    rxExpiryMonths: { spectacles: 24, contacts: 12 },
  }),
  'backup.create': async () => ({}),
  'backup.copyTo': async (w) => {
    const usb = tempDir('opticounter-usb-');
    cleanups.push(usb.remove);
    return { name: (await w.core.call('backup.create', {})).name, folder: usb.dir };
  },
  'backup.restore': async (w) => ({ name: (await w.core.call('backup.create', {})).name }),
  'customers.create': async () => layla,
  'customers.update': async (w) => ({ id: await w.customer(), customerData: { firstName: 'Renamed' } }),
  'customers.delete': async (w) => ({ id: await w.customer() }),
  'customers.bulkDelete': async (w) => ({ ids: [await w.customer(), await w.customer()] }),
  'customers.export': async (w) => ({ id: await w.customer() }),
  'customers.exportList': async (w) => {
    await w.customer();
    return { format: 'csv' };
  },
  'customers.purge': async (w) => {
    const id = await w.customer();
    await w.core.call('customers.delete', { id });
    return { id };
  },
  'prescriptions.create': async (w) => ({ customerId: await w.customer(), rx: RX }),
  'prescriptions.correct': async (w) => {
    const v = await w.core.call('prescriptions.create', { customerId: await w.customer(), rx: RX });
    return { id: v.id, rx: { ...RX, distanceVision: { rightEye: { sph: '-1.50' }, leftEye: { sph: '-1.25' } } } };
  },
  'attachments.add': async (w) => ({ customerId: await w.customer(), field: 'idCard', fileName: 'id.png', bytes: png().toString('base64') }),
  'attachments.remove': async (w) => {
    const a = await w.core.call('attachments.add', { customerId: await w.customer(), field: 'idCard', fileName: 'id.png', bytes: png().toString('base64') });
    return { id: a.id };
  },
  'attachments.setType': async (w) => {
    const a = await w.core.call('attachments.add', { customerId: await w.customer(), field: 'idCard', fileName: 'id.png', bytes: png().toString('base64') });
    return { id: a.id, field: 'prescription' };
  },
  'licence.configure': async (w) => ({ baseUrl: w.cloud.url, storeId: STORE.storeId }),
  'licence.activate': async (w) => {
    await w.core.call('licence.configure', { baseUrl: w.cloud.url, storeId: STORE.storeId });
    return { key: w.cloud.addLicence({ storeId: STORE.storeId }) };
  },
  'licence.deactivate': async (w) => {
    await w.core.call('licence.configure', { baseUrl: w.cloud.url, storeId: STORE.storeId });
    await w.core.call('licence.activate', { key: w.cloud.addLicence({ storeId: STORE.storeId }) });
    return {};
  },
  'licence.refresh': async (w) => {
    await w.core.call('licence.configure', { baseUrl: w.cloud.url, storeId: STORE.storeId });
    await w.core.call('licence.activate', { key: w.cloud.addLicence({ storeId: STORE.storeId }) });
    return {};
  },
  'licence.importFile': async () => ({ contents: JSON.stringify(signLicence(signer, makeLicence({}, new Date()))) }),
  'sync.configure': async (w) => ({ baseUrl: w.cloud.url, storeId: STORE.storeId, email: STORE.email, password: STORE.password }),
  'sync.setEnabled': async () => ({ enabled: false }),
  'sync.resolve': async (w) => {
    const id = await w.customer();
    await w.settle();
    await w.core.call('customers.update', { id, customerData: { phoneNumber: '+1-555-0001' } });
    await new Promise((r) => setTimeout(r, 5));
    const [there] = w.cloud.customers(STORE.storeId);
    await (await otherClient(w.cloud)).update(there!.id, { customerData: { phoneNumber: '+1-555-0002' } });
    await w.settle();
    const { conflicts } = await w.core.call('sync.conflicts', { customerId: id });
    expect(conflicts).toHaveLength(1);
    return { id: conflicts[0]!.id, keep: conflicts[0]!.kept === 'mine' ? 'theirs' : 'mine' };
  },
  'sync.retryParked': async (w) => {
    await w.customer(['Refused', 'Person']);
    w.cloud.faults.set({ refuse: { contains: 'Refused', message: 'blocked' } });
    expect(await syncUntilSettled(w.core)).toMatchObject({ pending: 0, parked: 1 });
    w.cloud.faults.set({});
    return {};
  },
  // An import is audited once per batch (not per customer); its customers are queued for the cloud.
  'import.run': async () => IMPORT_FILE,
  'import.undo': async (w) => ({ batchId: (await w.core.call('import.run', IMPORT_FILE)).batchId }),
};

interface AuditRow {
  id: number;
  entity: AuditEntity;
  entity_id: string;
  action: string;
  after: string | null;
  hash: string;
}
interface OutboxRow {
  entity: string;
  entity_id: string;
  op: string;
  revision: number;
}

/** The store's file as it is now, read beside the running app (a real second connection). */
function readStore(dir: string) {
  const db = new BetterSqlite3(join(dir, DB_FILE_NAME), { readonly: true });
  try {
    const audit = db.prepare('select id, entity, entity_id, action, after, hash from audit_log order by id').all() as AuditRow[];
    const outbox = db.prepare('select entity, entity_id, op, revision from sync_outbox').all() as OutboxRow[];
    const owner = (table: 'prescriptions' | 'attachments', id: string) =>
      (db.prepare(`select customer_id from ${table} where id = ?`).get(id) as { customer_id: string } | undefined)?.customer_id;
    const customerOf = (row: AuditRow): string | undefined =>
      row.entity === 'customer' ? row.entity_id : row.entity === 'prescription' ? owner('prescriptions', row.entity_id) : row.entity === 'attachment' ? owner('attachments', row.entity_id) : undefined;
    return { audit, outbox, changes: audit.map((r) => ({ row: r, change: { entity: r.entity, entityId: r.entity_id, action: r.action, customerId: customerOf(r) } as Change })) };
  } finally {
    db.close();
  }
}

const walked = channels.filter((c): c is WriteChannel => isWrite(c) || ('audited' in contract[c] && contract[c].audited === true));

describe('every writing channel goes through the one write path', () => {
  it('walks every write the contract declares (and no read that is not audited)', () => {
    expect(walked.sort()).toEqual((Object.keys(examples) as WriteChannel[]).sort());
  });

  it.each(walked)('%s leaves its audit rows and, for what the cloud syncs, its outbox entries', async (channel) => {
    const w = await world();
    const example = examples[channel] as (w: World) => Promise<unknown>;
    const input = await example(w);
    if (channel !== 'auth.setupOwner') await w.settle();
    const before = readStore(w.dir);
    const seen = new Set(before.audit.map((r) => r.hash));
    await w.core.call(channel, input);

    const after = readStore(w.dir);
    // A restore puts another trail in place: what is new is what the trail did not hold before.
    const added = after.changes.filter(({ row }) => !seen.has(row.hash));
    expect(added.length, `${channel} left no audit row`).toBeGreaterThan(0);
    for (const { row, change } of added) {
      const expected = outboxEntryOf(change);
      if (!expected || channel === 'sync.retryParked') continue;
      const entry = after.outbox.find((o) => o.entity === expected.entity && o.entity_id === expected.entityId);
      expect(entry, `${channel}: audit row ${row.id} (${row.entity} ${row.action}) has no outbox entry`).toBeDefined();
      if (expected.op === 'delete') expect(entry?.op).toBe('delete');
    }
  });
});

describe('the unit of work', () => {
  let cloud: CloudServer;
  beforeAll(async () => {
    cloud = await startCloud({ rateLimitPerMinute: null });
    await cloud.addUser(STORE);
  });
  afterAll(() => cloud.close());

  it('derives the outbox entry from the change by one rule: what the cloud keeps, under the customer it belongs to', () => {
    const of = (change: Change) => outboxEntryOf(change);
    expect(of({ entity: 'customer', entityId: 'c', customerId: 'c', action: 'create' })).toEqual({ entity: 'customer', entityId: 'c', customerId: 'c', op: 'create' });
    expect(of({ entity: 'customer', entityId: 'c', customerId: 'c', action: 'undelete' })?.op).toBe('create');
    expect(of({ entity: 'customer', entityId: 'c', customerId: 'c', action: 'delete' })?.op).toBe('delete');
    // The cloud carries the current prescription in its customer's opticData.
    expect(of({ entity: 'prescription', entityId: 'p', customerId: 'c', action: 'correct' })).toEqual({ entity: 'customer', entityId: 'c', customerId: 'c', op: 'update' });
    expect(of({ entity: 'attachment', entityId: 'a', customerId: 'c', action: 'remove' })).toEqual({ entity: 'attachment', entityId: 'a', customerId: 'c', op: 'delete' });
    // Recorded, but nothing for the cloud: a read, an erasure, settling sync work, what it does not sync.
    for (const action of ['export', 'purge', 'sync.resolve', 'sync.retry'] as const) expect(of({ entity: 'customer', entityId: 'c', customerId: 'c', action })).toBeNull();
    expect(of({ entity: 'staff', entityId: 's', action: 'create' })).toBeNull();
    expect(of({ entity: 'backup', entityId: 'b', action: 'restore' })).toBeNull();
  });

  it('leaves nothing of a write that rolled back: no audit row, no outbox entry, no change in the search index', async () => {
    const t = await openTestCore();
    cleanups.push(t.close);
    const id = (await t.core.call('customers.create', person('Yasmine', 'Tazi'))).customer.id;
    const before = readStore(t.dir);
    // The name is written, then the prescription it came with is refused: the whole update is undone.
    const contradictory = { distanceVision: { rightEye: { sph: '+2.00' }, leftEye: { sph: '+2.00' } }, nearVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.00' } } };
    await expectFailure(t.core, 'customers.update', { id, customerData: { firstName: 'Zoubida' }, opticData: contradictory }, 'validation', 400);
    const after = readStore(t.dir);
    expect(after.audit).toEqual(before.audit);
    expect(after.outbox).toEqual(before.outbox);
    expect((await t.core.call('customers.list', { search: 'zoubida' })).pagination.total).toBe(0);
    expect((await t.core.call('customers.list', { search: 'yasmine' })).data.map((c) => c.id)).toEqual([id]);
  });

  it('does not count a save that changes nothing as a change: not audited, not dated, not sent', async () => {
    const t = await openTestCore();
    cleanups.push(t.close);
    const created = await t.core.call('customers.create', layla);
    const id = created.customer.id;
    const before = readStore(t.dir);
    await new Promise((r) => setTimeout(r, 5));
    const saved = await t.core.call('customers.update', { id, customerData: { ...layla.customerData }, address: { ...layla.address }, opticData: layla.opticData });
    const after = readStore(t.dir);
    expect(after.audit).toEqual(before.audit);
    expect(after.outbox).toEqual(before.outbox);
    expect(saved.customer.updatedAt).toBe(created.customer.updatedAt);
    expect((await t.core.call('customers.get', { id })).updatedAt).toBe(created.customer.updatedAt);
  });

  it('does not count a staff save, a setting or a prescription that changes nothing as a change (reviewer D2)', async () => {
    const t = await openTestCore();
    cleanups.push(t.close);
    const staff = await t.core.call('staff.create', { username: 'sue', displayName: 'Sue', password: 'sue-password-1', role: 'staff' });
    const { customer } = await t.core.call('customers.create', layla);
    const v1 = await t.core.call('prescriptions.create', { customerId: customer.id, rx: RX });
    const minutes = (await t.core.call('auth.status', {})).autoLockMinutes;
    const versions = (await t.core.call('prescriptions.list', { customerId: customer.id })).length;
    const before = readStore(t.dir);

    expect(await t.core.call('staff.update', { id: staff.id, displayName: 'Sue' })).toMatchObject({ displayName: 'Sue' });
    expect(await t.core.call('settings.setAutoLock', { minutes })).toEqual({ autoLockMinutes: minutes });
    // Save pressed twice on the same new exam: the version it already is, not a second one.
    expect((await t.core.call('prescriptions.create', { customerId: customer.id, rx: RX })).id).toBe(v1.id);
    // A correction that corrects nothing is refused with the reason.
    await expectFailure(t.core, 'prescriptions.correct', { id: v1.id, rx: RX }, 'prescription.unchanged', 400);

    const after = readStore(t.dir);
    expect(after.audit).toEqual(before.audit);
    expect(after.outbox).toEqual(before.outbox);
    expect(await t.core.call('prescriptions.list', { customerId: customer.id })).toHaveLength(versions);
  });

  it('knows the same lenses written another way, and an account disabled twice, as no change (second review)', async () => {
    const t = await openTestCore();
    cleanups.push(t.close);
    const { customer } = await t.core.call('customers.create', person('Same', 'Lenses'));
    const nearWritten = {
      kind: 'spectacles',
      examDate: '2026-01-10',
      distanceVision: { rightEye: { sph: '-2.00' }, leftEye: { sph: '-1.75' } },
      nearVision: { rightEye: { sph: 'PL' }, leftEye: { sph: '+0.25' } },
    } as const;
    const addTyped = { kind: 'spectacles', examDate: '2026-01-10', distanceVision: { rightEye: { sph: '-2', add: '+2' }, leftEye: { sph: '-1.75', add: '2.00' } } } as const;
    const v1 = await t.core.call('prescriptions.create', { customerId: customer.id, rx: nearWritten });
    const staff = await t.core.call('staff.create', { username: 'sue', displayName: 'Sue', password: 'sue-password-1', role: 'staff' });
    const disabled = await t.core.call('staff.disable', { id: staff.id });
    const before = readStore(t.dir);

    await expectFailure(t.core, 'prescriptions.correct', { id: v1.id, rx: addTyped }, 'prescription.unchanged', 400);
    expect((await t.core.call('prescriptions.create', { customerId: customer.id, rx: addTyped })).id).toBe(v1.id);
    // Disabled already: the date it was disabled stays, nothing is audited again.
    expect(await t.core.call('staff.disable', { id: staff.id })).toEqual(disabled);
    expect(readStore(t.dir).audit).toEqual(before.audit);
  });

  it('does not bring back the values of a corrected version as a new exam (third review)', async () => {
    const t = await openTestCore();
    cleanups.push(t.close);
    const { customer } = await t.core.call('customers.create', person('Stale', 'Tab'));
    const wrong = { kind: 'spectacles', examDate: '2026-01-10', distanceVision: { rightEye: { sph: '-2.00', cyl: '-0.50', axis: '90' }, leftEye: { sph: '-1.75' } } } as const;
    const v1 = await t.core.call('prescriptions.create', { customerId: customer.id, rx: wrong });
    const v2 = await t.core.call('prescriptions.correct', { id: v1.id, rx: { ...wrong, distanceVision: { ...wrong.distanceVision, leftEye: { sph: '-1.50' } } } });
    const before = readStore(t.dir);
    // A second tab still showing the first entry saves it again: refused, the correction stays current.
    const err = await expectFailure(t.core, 'prescriptions.create', { customerId: customer.id, rx: wrong }, 'prescription.superseded', 409);
    expect(err.message).toContain(`version ${v2.version}`);
    expect(readStore(t.dir).audit).toEqual(before.audit);
    expect((await t.core.call('prescriptions.list', { customerId: customer.id })).find((v) => v.current)?.id).toBe(v2.id);
  });

  it('tells the search index only after a commit, and nothing of a unit that rolled back', async () => {
    const { dir, remove } = tempDir();
    const clock = { now: () => new Date() };
    const store = await openDatabase({ dataDir: dir, clock });
    cleanups.push(async () => {
      await store.db.destroy();
      remove();
    });
    const writes = new UnitOfWork(store.db, new AuditLog(store.db, store.sqlite, clock), new Outbox(store.db, store.sqlite, clock), memoryLogger());
    const told: string[][] = [];
    writes.onCommitted((ids) => {
      told.push(ids);
    });
    const change: Change = { entity: 'customer', entityId: 'c-1', customerId: 'c-1', action: 'update' };
    await expect(
      writes.run(SYSTEM_ACTOR, async ({ record }) => {
        record(change);
        expect(told).toEqual([]); // not before the commit
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(told).toEqual([]);
    expect(store.sqlite.prepare('select count(*) as n from audit_log').get()).toEqual({ n: 0 });
    expect(store.sqlite.prepare('select count(*) as n from sync_outbox').get()).toEqual({ n: 0 });

    await writes.run(SYSTEM_ACTOR, async (unit) => {
      // Services compose: a unit joined runs in the same transaction and is told once, at its end.
      await writes.run(unit, async ({ record }) => record(change));
      expect(told).toEqual([]);
    });
    expect(told).toEqual([['c-1']]);
    expect(store.sqlite.prepare('select entity, entity_id, op from sync_outbox').all()).toEqual([{ entity: 'customer', entity_id: 'c-1', op: 'update' }]);
  });

  it('does not send a change the cloud made back to the cloud, and audits it as sync', async () => {
    const t = await openTestCore({ core: { syncAutomatic: false, syncTimeoutMs: 3_000 } });
    cleanups.push(t.close);
    await connect(t.core, cloud);
    await (await otherClient(cloud)).create(person('Nadia', 'Cloud'));
    expect(await syncUntilSettled(t.core)).toMatchObject({ pending: 0 });
    const { audit, outbox } = readStore(t.dir);
    const created = audit.filter((r) => r.entity === 'customer' && r.action === 'create');
    expect(created).toHaveLength(1);
    expect(outbox).toEqual([]);
    const [here] = (await t.core.call('customers.list', { search: 'nadia' })).data;
    expect(here?.id).toBe(created[0]!.entity_id);
  });
});
