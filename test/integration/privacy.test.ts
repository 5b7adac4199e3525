import { existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Actor, AuditLog } from '../../src/main/audit/log';
import { type Core, restoreLatestGood } from '../../src/main/core';
import { DB_FILE_NAME, type OpenedDatabase, openDatabase } from '../../src/main/db/database';
import { ContentStore } from '../../src/main/attachments/file-store';
import { Outbox } from '../../src/main/sync/outbox';
import { PrescriptionService } from '../../src/main/prescriptions/service';
import { PurgeLedger } from '../../src/main/privacy/ledger';
import { PrivacyService } from '../../src/main/privacy/service';
import { UnitOfWork } from '../../src/main/unit-of-work';
import { SubjectAccessExport } from '../../src/shared/privacy/schema';
import { ahmed, layla, manualClock, memoryLogger, openTestCore, tempDir } from '../helpers/core';
import { png, pdf, jpeg, sha256 as sha } from '../helpers/files';

const clock = manualClock();
let dir: string;
let cleanups: (() => unknown)[] = [];

beforeEach(() => {
  clock.set('2026-01-15T10:00:00.000Z');
  const tmp = tempDir('opticounter-privacy-');
  dir = tmp.dir;
  cleanups = [tmp.remove];
});
afterEach(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

// --- files and fixtures ----------------------------------------------------------------------------------

const sharedScan = png([200, 30, 30]); // attached to Layla and to Ahmed
const secondScan = png([30, 200, 30]);
const storedAt = (b: Buffer) => join(dir, 'attachments', sha(b).slice(0, 2), sha(b));

const rx = (examDate: string, right: string) => ({
  kind: 'spectacles' as const,
  examDate,
  prescriber: 'Dr Idrissi',
  distanceVision: { rightEye: { sph: right, cyl: '-0.50', axis: '180' }, leftEye: { sph: '-1.75', cyl: '-0.50', axis: '180' } },
});

interface World {
  laylaId: string;
  ahmedId: string;
  owner: Actor;
  /** customers.get of Layla just before she was deleted. */
  shownBeforeDelete: Awaited<ReturnType<Core['call']>>;
  attachmentIds: string[];
}

/**
 * Through the channels, as the counter would: Layla with an address, optic data (a first
 * prescription version), two more versions (one a correction), four documents (one removed, one
 * shared byte-for-byte with Ahmed), an edit, then her deletion. Ahmed stays live.
 */
async function seed(): Promise<World> {
  const { core, close } = await openTestCore({ clock, dataDir: dir });
  try {
    const me = await core.call('auth.me', {});
    const laylaId = (await core.call('customers.create', layla)).customer.id;
    const ahmedId = (await core.call('customers.create', ahmed)).customer.id;
    clock.advance(60_000);
    const v2 = await core.call('prescriptions.create', { customerId: laylaId, rx: rx('2026-01-15', '-2.00') });
    await core.call('prescriptions.correct', { id: v2.id, rx: rx('2026-01-15', '-2.25') });
    const add = (customerId: string, field: string, fileName: string, bytes: Buffer) =>
      core.call('attachments.add', { customerId, field, fileName, bytes: bytes.toString('base64') });
    const docs = [
      await add(laylaId, 'prescription', 'scan.png', sharedScan),
      await add(laylaId, 'prescription', 'scan.png', secondScan),
      await add(laylaId, 'idCard', 'id.jpg', jpeg),
      await add(laylaId, 'other', 'letter.pdf', pdf),
    ];
    await add(ahmedId, 'prescription', 'ahmed-scan.png', sharedScan);
    await core.call('attachments.remove', { id: docs[3]!.id });
    await core.call('customers.update', { id: laylaId, customerData: { phoneNumber: '+1-555-0100' }, consent: { marketing: true } });
    const shownBeforeDelete = await core.call('customers.get', { id: laylaId });
    clock.advance(60_000);
    await core.call('customers.delete', { id: laylaId });
    return {
      laylaId,
      ahmedId,
      owner: { staffId: me.staff.id, username: me.staff.username },
      shownBeforeDelete,
      attachmentIds: docs.map((d) => d.id),
    };
  } finally {
    await close();
  }
}

/** The store as core.ts would hold it, with the service built on it. */
async function openPrivacy(): Promise<{ store: OpenedDatabase; privacy: PrivacyService; audit: AuditLog; close: () => Promise<void> }> {
  const store = await openDatabase({ dataDir: dir, clock });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    await store.db.destroy();
  };
  cleanups.push(close);
  const audit = new AuditLog(store.db, store.sqlite, clock);
  const files = new ContentStore(join(dir, 'attachments'));
  const writes = new UnitOfWork(store.db, audit, new Outbox(store.db, store.sqlite, clock), memoryLogger());
  return { store, audit, privacy: new PrivacyService(store.db, files, new PrescriptionService(store.db, clock, writes), clock, audit, new PurgeLedger(dir), writes), close };
}

async function reopenCore(): Promise<Core> {
  const { core, close } = await openTestCore({ clock, dataDir: dir });
  cleanups.push(close);
  return core;
}

const unzip = (b64: string) => unzipSync(new Uint8Array(Buffer.from(b64, 'base64')));
const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

// --- export ------------------------------------------------------------------------------------------------

describe('PrivacyService.export', () => {
  it('gives everything held on a deleted customer: customer.json and every document file', async () => {
    const w = await seed();
    const { privacy } = await openPrivacy();
    clock.set('2026-02-01T08:30:00.000Z');

    const out = await privacy.export(w.laylaId);
    expect(out.fileName).toBe(`customer-export-${w.laylaId}-2026-02-01.zip`);
    const files = unzip(out.bytes);
    expect(Object.keys(files).sort()).toEqual([
      'customer.json',
      'documents/idCard-id.jpg',
      'documents/other-letter.pdf',
      'documents/prescription-scan (2).png',
      'documents/prescription-scan.png',
    ]);
    expect(Buffer.from(files['documents/prescription-scan.png']!).equals(sharedScan)).toBe(true);
    expect(Buffer.from(files['documents/prescription-scan (2).png']!).equals(secondScan)).toBe(true);
    expect(Buffer.from(files['documents/idCard-id.jpg']!).equals(jpeg)).toBe(true);
    expect(Buffer.from(files['documents/other-letter.pdf']!).equals(pdf)).toBe(true);

    const doc = SubjectAccessExport.parse(JSON.parse(text(files['customer.json'])));
    expect(doc.exportedAt).toBe('2026-02-01T08:30:00.000Z');
    // As customers.get showed her, plus the deletion (now her last activity).
    const shown = w.shownBeforeDelete as typeof doc.customer;
    expect(doc.customer).toEqual({ ...shown, updatedAt: doc.customer.updatedAt, seenAt: doc.customer.updatedAt, deletedAt: '2026-01-15T10:02:00.000Z' });
    expect(doc.customer.localData).toMatchObject({ firstName: 'Layla', lastName: 'Hassan', email: 'layla@example.com', phoneNumber: '+1-555-0100' });
    expect(doc.customer.address).toMatchObject({ street: '123 Vision Ave', city: 'Casablanca' });
    expect(doc.customer.opticData?.distanceVision?.rightEye?.sph).toBe('-2.25');
    expect(doc.consent).toEqual({ marketingConsentAt: '2026-01-15T10:01:00.000Z', smsConsentAt: null });

    expect(doc.prescriptions.map((p) => p.version)).toEqual([1, 2, 3]);
    expect(doc.prescriptions[2]!.correctsId).toBe(doc.prescriptions[1]!.id);
    expect(doc.prescriptions[0]!.rx).toMatchObject({ distanceVision: { rightEye: { sph: '-1.25' } } });
    expect(doc.prescriptions[2]!.rx).toMatchObject({ examDate: '2026-01-15', prescriber: 'Dr Idrissi' });

    expect(doc.documents.map((d) => [d.id, d.field, d.fileName, d.file, d.removedAt !== null, d.problem])).toEqual([
      [w.attachmentIds[0], 'prescription', 'scan.png', 'documents/prescription-scan.png', false, null],
      [w.attachmentIds[1], 'prescription', 'scan.png', 'documents/prescription-scan (2).png', false, null],
      [w.attachmentIds[2], 'idCard', 'id.jpg', 'documents/idCard-id.jpg', false, null],
      [w.attachmentIds[3], 'other', 'letter.pdf', 'documents/other-letter.pdf', true, null],
    ]);
    expect(doc.documents[0]).toMatchObject({ mimeType: 'image/png', size: sharedScan.length, sha256: sha(sharedScan) });

    // Her history: her record, her prescriptions, her documents; nothing about anyone else.
    const ids = new Set([w.laylaId, ...doc.prescriptions.map((p) => p.id), ...w.attachmentIds]);
    expect(doc.history.length).toBeGreaterThan(0);
    expect(doc.history.every((h) => ids.has(h.entityId))).toBe(true);
    const kinds = new Set(doc.history.map((h) => `${h.entity}.${h.action}`));
    for (const k of ['customer.create', 'customer.update', 'customer.delete', 'attachment.add', 'attachment.remove']) expect(kinds).toContain(k);
    expect(doc.history.some((h) => h.entity === 'prescription')).toBe(true);
    expect(JSON.stringify(doc)).not.toContain(w.ahmedId);
  });

  it('works for a live customer too, and records who exported when told', async () => {
    const w = await seed();
    const { store, privacy } = await openPrivacy();
    const out = await privacy.export(w.ahmedId, w.owner);
    const files = unzip(out.bytes);
    expect(Object.keys(files).sort()).toEqual(['customer.json', 'documents/prescription-ahmed-scan.png']);
    const doc = SubjectAccessExport.parse(JSON.parse(text(files['customer.json'])));
    expect(doc.customer).toMatchObject({ id: w.ahmedId, deletedAt: null, address: null, opticData: null, localData: { firstName: 'Ahmed' } });
    expect(doc.prescriptions).toEqual([]);
    const exported = await store.db.selectFrom('audit_log').selectAll().where('action', '=', 'export').execute();
    expect(exported).toEqual([expect.objectContaining({ entity: 'customer', entity_id: w.ahmedId, staff_id: w.owner.staffId, before: null, after: null })]);
  });

  it('reports a missing or damaged file in the JSON instead of sending wrong bytes', async () => {
    const w = await seed();
    const { privacy } = await openPrivacy();
    unlinkSync(storedAt(jpeg));
    writeFileSync(storedAt(pdf), Buffer.from('not the letter'));
    const files = unzip((await privacy.export(w.laylaId)).bytes);
    expect(Object.keys(files)).not.toContain('documents/idCard-id.jpg');
    expect(Object.keys(files)).not.toContain('documents/other-letter.pdf');
    const doc = SubjectAccessExport.parse(JSON.parse(text(files['customer.json'])));
    expect(doc.documents.filter((d) => d.problem).map((d) => [d.fileName, d.file, d.problem])).toEqual([
      ['id.jpg', null, 'missing'],
      ['letter.pdf', null, 'damaged'],
    ]);
  });

  it('answers customer.notFound for an unknown customer', async () => {
    const { privacy } = await openPrivacy();
    await expect(privacy.export('no-such-customer')).rejects.toMatchObject({ code: 'customer.notFound', status: 404 });
  });
});

// --- purge -------------------------------------------------------------------------------------------------

describe('PrivacyService.purge', () => {
  it('refuses a customer who is not deleted, changing nothing', async () => {
    const w = await seed();
    const { store, privacy } = await openPrivacy();
    const before = await store.db.selectFrom('customers').selectAll().where('id', '=', w.ahmedId).executeTakeFirstOrThrow();
    await expect(privacy.purge(w.ahmedId, w.owner)).rejects.toMatchObject({
      code: 'customer.notDeleted',
      status: 409,
      message: 'Delete the customer first; purge erases a deleted customer for good',
    });
    expect(await store.db.selectFrom('customers').selectAll().where('id', '=', w.ahmedId).executeTakeFirstOrThrow()).toEqual(before);
    expect(existsSync(storedAt(sharedScan))).toBe(true);
    expect(await store.db.selectFrom('audit_log').select('id').where('action', '=', 'purge').execute()).toEqual([]);
  });

  it('erases every personal value for good, keeping one anonymous audit row and other customers’ files', async () => {
    const w = await seed();
    const { store, privacy, close } = await openPrivacy();
    const prescriptionIds = (await store.db.selectFrom('prescriptions').select('id').where('customer_id', '=', w.laylaId).execute()).map((p) => p.id);
    expect(prescriptionIds).toHaveLength(3);
    const herIds = [w.laylaId, ...prescriptionIds, ...w.attachmentIds];
    const auditBefore = await store.db.selectFrom('audit_log').selectAll().where('entity_id', 'in', herIds).execute();
    expect(auditBefore.length).toBeGreaterThan(5);
    expect(auditBefore.some((r) => r.after?.includes('Layla'))).toBe(true);
    const ahmedBefore = await store.db.selectFrom('audit_log').selectAll().where('entity_id', '=', w.ahmedId).execute();
    clock.set('2026-03-01T12:00:00.000Z');

    expect(await privacy.purge(w.laylaId, w.owner)).toEqual({ message: 'Customer data erased for good', customerId: w.laylaId });

    // The row stays (soft-deleted, so ids elsewhere still resolve), blanked.
    const row = await store.db.selectFrom('customers').selectAll().where('id', '=', w.laylaId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      first_name: '',
      last_name: '',
      email: `purged-${w.laylaId}@invalid`,
      email_key: `purged-${w.laylaId}@invalid`,
      phone_number: '',
      date_of_birth: '',
      sex: '',
      search_text: '',
      marketing_consent_at: null,
      sms_consent_at: null,
      purged_at: '2026-03-01T12:00:00.000Z',
      deleted_at: '2026-01-15T10:02:00.000Z',
    });
    for (const table of ['customer_addresses', 'customer_optic_data', 'prescriptions', 'attachments'] as const) {
      expect(await store.db.selectFrom(table).select('id').where('customer_id', '=', w.laylaId).execute()).toEqual([]);
    }

    // Her audit trail keeps who/when/what, without the values; one anonymous row says she was purged.
    const auditAfter = await store.db.selectFrom('audit_log').selectAll().where('entity_id', 'in', herIds).orderBy('id').execute();
    expect(auditAfter).toHaveLength(auditBefore.length + 1);
    for (const r of auditAfter.slice(0, -1)) expect([r.before, r.after, r.salt]).toEqual([null, null, null]);
    expect(auditAfter.slice(0, -1).every((r) => r.redacted === 1)).toBe(true);
    // The purge row names the rows it blanked (ids only), so the audit chain tells them from a hand edit.
    expect(JSON.parse(auditAfter.at(-1)!.after!)).toEqual({ redactedAuditRows: expect.arrayContaining(auditBefore.map((r) => r.id)) });
    expect(auditAfter.at(-1)).toMatchObject({ entity: 'customer', entity_id: w.laylaId, action: 'purge', staff_id: w.owner.staffId, staff_name: w.owner.username, redacted: 0, at: '2026-03-01T12:00:00.000Z' });
    // Ahmed's trail is untouched.
    expect(await store.db.selectFrom('audit_log').selectAll().where('entity_id', '=', w.ahmedId).execute()).toEqual(ahmedBefore);

    // Her files are gone, except the bytes Ahmed attached too.
    expect(existsSync(storedAt(secondScan))).toBe(false);
    expect(existsSync(storedAt(jpeg))).toBe(false);
    expect(existsSync(storedAt(pdf))).toBe(false);
    expect(existsSync(storedAt(sharedScan))).toBe(true);

    // No trace left in the database file either (secure delete, log checkpointed).
    await close();
    const onDisk = Buffer.concat([readFileSync(join(dir, DB_FILE_NAME)), existsSync(join(dir, `${DB_FILE_NAME}-wal`)) ? readFileSync(join(dir, `${DB_FILE_NAME}-wal`)) : Buffer.alloc(0)]);
    for (const value of ['Layla', 'Hassan', 'layla@example.com', '123 Vision Ave', 'Casablanca', '+1-555-0199', '+1-555-0100', 'Dr Idrissi', 'letter.pdf', 'id.jpg']) {
      expect(onDisk.includes(Buffer.from(value)), value).toBe(false);
    }
    expect(onDisk.includes(Buffer.from('Ahmed'))).toBe(true);

    // Through the app: she is gone; Ahmed and his (shared) document are whole.
    const core = await reopenCore();
    await expect(core.call('customers.get', { id: w.laylaId })).rejects.toMatchObject({ code: 'customer.notFound' });
    expect((await core.call('customers.list', { search: 'Layla' })).data).toEqual([]);
    const [doc] = await core.call('attachments.list', { customerId: w.ahmedId });
    const read = await core.call('attachments.read', { id: doc!.id });
    expect(Buffer.from(read.bytes, 'base64').equals(sharedScan)).toBe(true);
  });

  it('answers customer.notFound once purged (export and purge alike), and for an unknown customer', async () => {
    const w = await seed();
    const { privacy } = await openPrivacy();
    await privacy.purge(w.laylaId, w.owner);
    await expect(privacy.export(w.laylaId)).rejects.toMatchObject({ code: 'customer.notFound', status: 404 });
    await expect(privacy.purge(w.laylaId, w.owner)).rejects.toMatchObject({ code: 'customer.notFound', status: 404 });
    await expect(privacy.purge('no-such-customer', w.owner)).rejects.toMatchObject({ code: 'customer.notFound' });
  });

  it('deletes a file only when no other row, removed or not, still refers to it', async () => {
    const w = await seed();
    const { store, privacy } = await openPrivacy();
    // Ahmed's copy of the shared scan removed: its row still refers to the file.
    await store.db.updateTable('attachments').set({ removed_at: clock.now().toISOString() }).where('customer_id', '=', w.ahmedId).execute();
    await privacy.purge(w.laylaId, w.owner);
    expect(existsSync(storedAt(sharedScan))).toBe(true);
  });
});

// --- export: names of the exported files -----------------------------------------------------------------

describe('PrivacyService.export file names', () => {
  /** One customer with documents as named; each row's name may then be rewritten as an older version stored it. */
  async function exportOf(docs: { field: string; fileName: string; bytes: Buffer; storedName?: string }[]) {
    const { core, close } = await openTestCore({ clock, dataDir: dir });
    const customerId = (await core.call('customers.create', layla)).customer.id;
    const ids: string[] = [];
    for (const d of docs) ids.push((await core.call('attachments.add', { customerId, field: d.field, fileName: d.fileName, bytes: d.bytes.toString('base64') })).id);
    await close();
    const { store, privacy } = await openPrivacy();
    for (const [i, d] of docs.entries()) {
      if (d.storedName !== undefined) await store.db.updateTable('attachments').set({ file_name: d.storedName }).where('id', '=', ids[i]!).execute();
    }
    const files = unzip((await privacy.export(customerId)).bytes);
    const doc = SubjectAccessExport.parse(JSON.parse(text(files['customer.json'])));
    return { files, doc };
  }

  it('names each file from its content, whatever extension staff typed', async () => {
    const { files, doc } = await exportOf([
      { field: 'prescription', fileName: 'scan.bat', bytes: pdf },
      { field: 'idCard', fileName: 'card.jpeg', bytes: jpeg },
      { field: 'other', fileName: 'Dr. Smith', bytes: png() },
      { field: 'other', fileName: 'letter.exe', bytes: png([1, 2, 3]) },
    ]);
    expect(Object.keys(files).sort()).toEqual([
      'customer.json',
      'documents/idCard-card.jpg',
      'documents/other-Dr. Smith.png',
      'documents/other-letter.png',
      'documents/prescription-scan.pdf',
    ]);
    expect(Buffer.from(files['documents/prescription-scan.pdf']!).equals(pdf)).toBe(true);
    expect(doc.documents.map((d) => [d.fileName, d.file])).toEqual([
      ['scan.bat', 'documents/prescription-scan.pdf'],
      ['card.jpeg', 'documents/idCard-card.jpg'],
      ['Dr. Smith', 'documents/other-Dr. Smith.png'],
      ['letter.exe', 'documents/other-letter.png'],
    ]);
  });

  it('strips control and bidi characters from names stored before the rule', async () => {
    const { files, doc } = await exportOf([
      { field: 'prescription', fileName: 'photo.png', bytes: png(), storedName: 'photo\u202Egnp.exe' },
      { field: 'other', fileName: 'note.pdf', bytes: pdf, storedName: 'no\u0000te\u2066\u200F\u061C\u001b.pdf' },
    ]);
    const names = Object.keys(files).sort();
    expect(names).toEqual(['customer.json', 'documents/other-note.pdf', 'documents/prescription-photognp.png']);
    expect(doc.documents.map((d) => d.fileName)).toEqual(['photognp.exe', 'note.pdf']);
    for (const name of [...names, ...doc.documents.map((d) => d.fileName)]) expect(name).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });
});

// --- purges reach restores (issue 10, item 4) ---------------------------------------------------------------

describe('a purge and the backups made before it', () => {
  it('a restore of an older backup erases the purged customer again: not found, not searchable, documents gone', async () => {
    const scan = png([90, 91, 92]);
    const { core, raw, close } = await openTestCore({ clock, dataDir: dir });
    cleanups.push(close);
    const id = (await core.call('customers.create', layla)).customer.id;
    await core.call('attachments.add', { customerId: id, field: 'prescription', fileName: 'scan.png', bytes: scan.toString('base64') });
    const ahmedId = (await core.call('customers.create', ahmed)).customer.id;
    const before = await core.call('backup.create', {});
    clock.advance(60_000);
    await core.call('customers.delete', { id });
    await core.call('customers.purge', { id });
    expect(existsSync(storedAt(scan))).toBe(false);

    // The ledger: outside the database, ids and times only, this user's only.
    const ledger = readFileSync(join(dir, 'purged.jsonl'), 'utf8');
    expect(ledger.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ customerId: id, purgedAt: '2026-01-15T10:01:00.000Z' }]);
    for (const value of ['Layla', 'Hassan', 'layla@example.com']) expect(ledger).not.toContain(value);
    if (process.platform !== 'win32') expect(statSync(join(dir, 'purged.jsonl')).mode & 0o777).toBe(0o600);

    // The backup still holds her (it was made before) and brings her back on restore…
    await core.call('backup.restore', { name: before.name });
    const { sessionToken } = await raw.call('auth.login', { username: 'owner', password: 'owner-password-1' });
    const as = { sessionToken };
    // …for no time at all: she is erased again before the store answers anyone.
    await expect(raw.call('customers.get', { id }, as)).rejects.toMatchObject({ code: 'customer.notFound', status: 404 });
    expect((await raw.call('customers.list', { search: 'Layla' }, as)).data).toEqual([]);
    expect((await raw.call('customers.list', { search: 'layla@example.com' }, as)).data).toEqual([]);
    expect(existsSync(storedAt(scan))).toBe(false);
    await expect(raw.call('customers.export', { id }, as)).rejects.toMatchObject({ code: 'customer.notFound' });
    // Ahmed, in the same backup, is back as he was.
    expect((await raw.call('customers.get', { id: ahmedId }, as)).localData.firstName).toBe('Ahmed');
    // And her deletion goes to the cloud like any other (a PC that restored must not keep her there).
    const history = await raw.call('audit.list', { customerId: id }, as);
    expect(history.map((r) => r.action)).toEqual(expect.arrayContaining(['delete', 'purge']));
  });

  it('restoreLatestGood (after a damaged database) erases the purged customer again too', async () => {
    const { core, raw, close } = await openTestCore({ clock, dataDir: dir });
    const id = (await core.call('customers.create', layla)).customer.id;
    await core.call('backup.create', {});
    clock.advance(60_000);
    await core.call('customers.delete', { id });
    await core.call('customers.purge', { id });
    await raw.close();
    writeFileSync(join(dir, DB_FILE_NAME), Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0x5a)]));
    expect(restoreLatestGood(dir)).not.toBeNull();
    await close();
    const again = await reopenCore();
    await expect(again.call('customers.get', { id })).rejects.toMatchObject({ code: 'customer.notFound' });
    expect((await again.call('customers.list', { search: 'Hassan' })).data).toEqual([]);
  });
});
