import BetterSqlite3 from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Core } from '../../src/main/core';
import { DB_FILE_NAME } from '../../src/main/db/database';
import { watchImportProgress } from '../../src/main/events';
import { MAX_IMPORT_BYTES } from '../../src/main/import/file-bytes';
import { DuplicateMatcher } from '../../src/main/import/matcher';
import { CustomerService } from '../../src/main/customers/service';
import { PrescriptionService } from '../../src/main/prescriptions/service';
import type { ChannelInput } from '../../src/shared/contract';
import { CustomerCreateInput } from '../../src/shared/customers/schema';
import { expectFailure, openTestCore, person } from '../helpers/core';
import { STORE, cloudWithStore, connect, syncUntilSettled } from '../helpers/sync';

/*
 * Issue 13 item 1: a previous system's file, built here as that system writes it (Windows-1252 with
 * semicolons, UTF-16 with tabs, an .xlsx), imported through the channels into a real store.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function store(opts: Parameters<typeof openTestCore>[0] = {}) {
  const t = await openTestCore(opts);
  cleanups.push(t.close);
  return t;
}

const b64 = (b: Buffer) => b.toString('base64');
/** Windows-1252: what Excel on a French Windows saves as "CSV (séparateur: point-virgule)". Latin-1 covers its letters used here. */
const cp1252 = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');
const utf16leBom = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

const FRENCH_HEADER = 'Nom;Prénom;Date de naissance;Tél;Email;Sexe;Adresse;CP;Ville;Date examen;Sph OD;Cyl OD;Axe OD;Add OD;Sph OG;Cyl OG;Axe OG;Add OG';
const frenchFile = (lines: string[]) => ({ fileName: 'clients.csv', bytes: b64(cp1252([FRENCH_HEADER, ...lines].join('\n') + '\n')) });

const GOOD = [
  'Lefèvre;Hélène;23/04/1975;06 12 34 56 78;helene.lefevre@exemple.fr;F;12 rue de la Paix;75002;Paris;15/03/2024;-1,25;-0,50;90;+2,00;-1,00;;;+2,00',
  'Benali;Karim;03/11/1988;0661223344;;M.;;;;;;;;;;;;',
];
const BROKEN = [
  // 31 February: not a real date (the date of birth is left out, the customer comes in incomplete).
  'Durand;Paul;31/02/1980;0611111111;;H;;;;;;;;;;;;',
  // An axis of 200 degrees: the prescription is left out, the customer comes in.
  'Martin;Julie;12/05/1990;0622222222;;Mme;;;;10/01/2025;-2,00;-1,00;200;;-2,00;;;',
  // A sex no one wrote: left empty, with what is allowed.
  'Petit;Alex;01/01/1970;0633333333;;X;;;;;;;;;;;;',
  // A date that is no date at all.
  'Roux;Marc;hier;0644444444;;M;;;;;;;;;;;;',
  // No name: skipped.
  ';;01/01/1970;0655555555;;F;;;;;;;;;;;;',
];

const run = (core: Core, file: { fileName: string; bytes: string }, extra: Partial<ChannelInput<'import.run'>> = {}) =>
  core.call('import.preview', file).then((p) => core.call('import.run', { ...file, mapping: p.mapping, onDuplicate: 'skip', ...extra }));

const names = async (core: Core, search: string) => (await core.call('customers.list', { search, limit: 100 })).data.map((c) => c.name).sort();

describe('reading the file', () => {
  it('reads a Windows-1252 CSV with semicolons and French headers, guessing the columns', async () => {
    const { core } = await store();
    const p = await core.call('import.preview', frenchFile(GOOD));
    expect(p).toMatchObject({ format: 'csv', encoding: 'windows-1252', delimiter: ';', dateOrder: 'dmy', totalRows: 2, mappingSource: 'guessed' });
    expect(p.mapping).toMatchObject({
      Nom: 'lastName',
      Prénom: 'firstName',
      'Date de naissance': 'dateOfBirth',
      Tél: 'phoneNumber',
      Email: 'email',
      Sexe: 'sex',
      Adresse: 'street',
      CP: 'zipCode',
      Ville: 'city',
      'Date examen': 'rx.examDate',
      'Sph OD': 'rx.rightEye.sph',
      'Axe OD': 'rx.rightEye.axis',
      'Add OG': 'rx.leftEye.add',
    });
    expect(p.rows[0]).toMatchObject({
      row: 2,
      customer: { firstName: 'Hélène', lastName: 'Lefèvre', dateOfBirth: '1975-04-23', sex: 'female', city: 'Paris', zipCode: '75002' },
      prescription: { examDate: '2024-03-15', 'rightEye.sph': '-1.25', 'rightEye.cyl': '-0.50', 'rightEye.axis': '090', 'rightEye.add': '+2.00' },
      problems: [],
    });
    expect(p.rows[1]!.customer).toMatchObject({ sex: 'male', email: null });
  });

  it('reads UTF-16 LE with a BOM and tabs, and dates written month first', async () => {
    const { core } = await store();
    const text = 'Last name\tFirst name\tDOB\tMobile\tGender\r\nO’Brien\tSiobhán\t04/23/1975\t+1 555 010 0199\tFemale\r\nSmith\tJohn\t12/31/1980\t555-010-0100\tMale\r\n';
    const p = await core.call('import.preview', { fileName: 'export.txt', bytes: b64(utf16leBom(text)) });
    expect(p).toMatchObject({ encoding: 'utf-16le', delimiter: '\t', dateOrder: 'mdy', totalRows: 2 });
    expect(p.rows.map((r) => r.customer)).toMatchObject([
      { firstName: 'Siobhán', lastName: 'O’Brien', dateOfBirth: '1975-04-23', sex: 'female' },
      { firstName: 'John', lastName: 'Smith', dateOfBirth: '1980-12-31', sex: 'male' },
    ]);
  });

  it('reads UTF-16 without a BOM by its NUL bytes, and plain UTF-8', async () => {
    const { core } = await store();
    const text = 'Nom complet,Téléphone\nDUPONT Marie,0612345678\nJean Martin,0698765432\n';
    const p16 = await core.call('import.preview', { fileName: 'a.csv', bytes: b64(Buffer.from(text, 'utf16le')) });
    expect(p16).toMatchObject({ encoding: 'utf-16le', delimiter: ',' });
    const p8 = await core.call('import.preview', { fileName: 'a.csv', bytes: b64(Buffer.from(text, 'utf8')) });
    expect(p8.encoding).toBe('utf-8');
    // "Nom complet" is split sensibly: the capitals are the last name, else the last word is.
    expect(p8.rows.map((r) => [r.customer.firstName, r.customer.lastName])).toEqual([
      ['Marie', 'DUPONT'],
      ['Jean', 'Martin'],
    ]);
  });

  it('reads the first worksheet of an .xlsx written by exceljs, its date cells as days', async () => {
    const { core } = await store();
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Clients');
    sheet.addRow(['Nom', 'Prénom', 'DDN', 'Portable', 'Sphère OD', 'Sphère OG', "Date de l'examen"]);
    sheet.addRow(['Alaoui', 'Sara', new Date(Date.UTC(1992, 4, 12)), '0612345678', -1.5, -1.75, new Date(Date.UTC(2025, 0, 10))]);
    sheet.addRow(['Tazi', 'Omar', 33970, '0698765432', null, null, null]); // an Excel serial typed as a number
    wb.addWorksheet('Other').addRow(['ignored']);
    const bytes = b64(Buffer.from(await wb.xlsx.writeBuffer()));
    const p = await core.call('import.preview', { fileName: 'clients.xlsx', bytes });
    expect(p).toMatchObject({ format: 'xlsx', encoding: null, totalRows: 2 });
    expect(p.mapping).toMatchObject({ DDN: 'dateOfBirth', Portable: 'phoneNumber', 'Sphère OD': 'rx.rightEye.sph', "Date de l'examen": 'rx.examDate' });
    expect(p.rows[0]).toMatchObject({ customer: { dateOfBirth: '1992-05-12' }, prescription: { examDate: '2025-01-10', 'rightEye.sph': '-1.50', 'leftEye.sph': '-1.75' } });
    expect(p.rows[1]!.customer.dateOfBirth).toBe('1993-01-01');
  });

  it('refuses, each with its code, an empty file, a header row only, a workbook without a sheet, a binary, a file too large', async () => {
    const { core } = await store();
    await expectFailure(core, 'import.preview', { fileName: 'a.csv', bytes: b64(Buffer.from('  \r\n')) }, 'import.empty', 400);
    await expectFailure(core, 'import.preview', { fileName: 'a.csv', bytes: b64(Buffer.from('Nom;Prénom\r\n')) }, 'import.headerOnly', 400);
    const empty = new ExcelJS.Workbook();
    await expectFailure(core, 'import.preview', { fileName: 'a.xlsx', bytes: b64(Buffer.from(await empty.xlsx.writeBuffer())) }, 'import.noSheet', 400);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0])]);
    await expectFailure(core, 'import.preview', { fileName: 'a.csv', bytes: b64(pdf) }, 'import.unreadable', 400);
    await expectFailure(core, 'import.preview', { fileName: 'a.csv', bytes: b64(Buffer.alloc(MAX_IMPORT_BYTES + 3, 0x41)) }, 'import.tooLarge', 413);
  });
});

describe('rows checked as the form checks them', () => {
  it('lists each broken row’s problems by field with the form’s codes, and decides what is skipped', async () => {
    const { core } = await store();
    const p = await core.call('import.preview', frenchFile([...GOOD, ...BROKEN]));
    const at = (row: number) => p.problems.filter((x) => x.row === row).map((x) => [x.field, x.code]);
    expect(at(4)).toEqual([['dateOfBirth', 'import.dateNotReal']]);
    expect(at(5)).toEqual([
      ['rx.rightEye.axis', 'rx.axis'],
      ['rx', 'import.rxLeftOut'],
    ]);
    expect(at(6)).toEqual([['sex', 'import.sexUnknown']]);
    expect(p.problems.find((x) => x.row === 6)?.params).toEqual({ value: 'X', allowed: 'M/F, H/F, Homme/Femme, Male/Female, M./Mme/Mlle' });
    expect(at(7)).toEqual([['dateOfBirth', 'date.shape']]);
    expect(at(8)).toEqual([['lastName', 'import.noName']]);
    expect(p).toMatchObject({ problemRows: 5, skipRows: 1 });

    const result = await core.call('import.run', { ...frenchFile([...GOOD, ...BROKEN]), mapping: p.mapping, onDuplicate: 'skip' });
    expect(result).toMatchObject({ imported: 6, merged: 0, skipped: 1, prescriptions: 1, cancelled: false });
    // The report: every row not imported as written, with why and its own cells.
    const report = Buffer.from(result.report!.bytes, 'base64').toString('utf8');
    expect(result.report!.fileName).toBe('clients-import-report.csv');
    expect(report.startsWith('\uFEFFRow,Outcome,Problems,Nom,Prénom')).toBe(true);
    expect(report).toContain('\r\n8,skipped,"lastName: The row has no name (first name, last name or full name)",,,01/01/1970,0655555555,');
    expect(report).toContain('\r\n4,imported without some values,dateOfBirth: Date of birth “31/02/1980” is not a real date: left out,Durand,Paul,31/02/1980,');

    // Imported customers are found at once; the incomplete ones wait as walk-ins do.
    expect(await names(core, 'hélène')).toEqual(['Hélène Lefèvre']);
    const durand = (await core.call('customers.list', { search: 'durand' })).data[0]!;
    expect(durand).toMatchObject({ incomplete: true, missing: ['email', 'dateOfBirth'] });
    const petit = (await core.call('customers.list', { search: 'petit' })).data[0]!;
    expect(petit.missing).toEqual(['email', 'sex']);
    // The prescription on file is a version with its exam date.
    const helene = (await core.call('customers.list', { search: 'lefevre' })).data[0]!;
    const versions = await core.call('prescriptions.list', { customerId: helene.id });
    expect(versions).toHaveLength(1);
    expect(versions[0]!.rx).toMatchObject({ kind: 'spectacles', examDate: '2024-03-15', distanceVision: { rightEye: { sph: '-1.25', cyl: '-0.50', axis: '090', add: '+2.00' } } });
    expect((await core.call('customers.get', { id: helene.id })).address).toMatchObject({ street: '12 rue de la Paix', city: 'Paris', zipCode: '75002' });
  });

  it('audits a batch once with its counts, not once per customer', async () => {
    const t = await store();
    const before = auditRows(t.dir).length;
    const result = await run(t.core, frenchFile(GOOD));
    const added = auditRows(t.dir).slice(before);
    expect(added).toEqual([{ entity: 'store', entity_id: result.batchId, action: 'import.run' }]);
    expect(await t.core.call('import.batches', {})).toMatchObject([{ batchId: result.batchId, fileName: 'clients.csv', status: 'done', imported: 2, by: 'owner', undoable: true }]);
  });

  it('offers the mapping used last time for a file with the same headers', async () => {
    const { core } = await store();
    const file = frenchFile(GOOD);
    const first = await core.call('import.preview', file);
    await core.call('import.run', { ...file, mapping: { ...first.mapping, Email: null }, onDuplicate: 'skip' });
    const again = await core.call('import.preview', frenchFile(['Zed;Anna;;0612121212;anna@x.fr;F;;;;;;;;;;;;']));
    expect(again.mappingSource).toBe('saved');
    expect(again.mapping.Email).toBeNull();
  });
});

function auditRows(dir: string) {
  const db = new BetterSqlite3(join(dir, DB_FILE_NAME), { readonly: true });
  try {
    return db.prepare('select entity, entity_id, action from audit_log order by id').all() as { entity: string; entity_id: string; action: string }[];
  } finally {
    db.close();
  }
}

describe('rows that are customers already here', () => {
  /** Karim is here with his phone only; Hélène with her email (and no date of birth, no address). */
  async function withExisting() {
    const t = await store();
    const karim = (await t.core.call('customers.create', { customerData: { firstName: 'Karim', lastName: 'Benali', phoneNumber: '+33 6 61 22 33 44' } })).customer.id;
    const helene = (
      await t.core.call('customers.create', { customerData: { firstName: 'Hélène', lastName: 'Lefèvre', email: 'Helene.Lefevre@exemple.fr', phoneNumber: '0700000000', sex: 'female' } })
    ).customer.id;
    return { ...t, karim, helene };
  }

  it('shows each likely duplicate in the preview with the match', async () => {
    const { core, karim, helene } = await withExisting();
    const p = await core.call('import.preview', frenchFile([...GOOD, GOOD[1]!.replace('Karim', 'Karim')]));
    expect(p.duplicates).toEqual([
      { row: 2, customerId: helene, name: 'Hélène Lefèvre', reasons: ['email'] },
      { row: 3, customerId: karim, name: 'Karim Benali', reasons: ['phone'] },
      // A row twice in the file: the second matches the earlier row best (its phone, names and birthday).
      { row: 4, customerId: 'row:3', name: 'Karim Benali', reasons: ['nameAndBirth', 'phone'] },
    ]);
  });

  it('finds them among a store read a page at a time (past its first 2,000 customers)', async () => {
    const { core, karim, helene } = await withExisting();
    // Created after Karim and Hélène: their ids sort after, so the two are on the first page and these on later ones.
    const many = Array.from({ length: 4500 }, (_, i) => ({ customerData: { firstName: `Prenom${i}`, lastName: 'Page', phoneNumber: `07${String(20000000 + i)}` } }));
    await core.customers.createMany(many.map((c) => CustomerCreateInput.parse(c)), { staffId: null, username: 'owner' });
    const last = (await core.call('customers.list', { search: 'prenom4499' })).data[0]!;
    const p = await core.call('import.preview', frenchFile([...GOOD, 'Page;Prenom4499;;0720004499;;;;;;;;;;;;;;']));
    expect(p.duplicates.map((d) => d.customerId)).toEqual([helene, karim, last.id]);
  });

  it('skips them', async () => {
    const { core } = await withExisting();
    expect(await run(core, frenchFile(GOOD), { onDuplicate: 'skip' })).toMatchObject({ imported: 0, skipped: 2, merged: 0 });
    expect((await core.call('customers.list', {})).pagination.total).toBe(2);
  });

  it('says in words why a skipped row may be someone already here', async () => {
    const { core } = await store();
    const result = await run(core, frenchFile([GOOD[1]!, GOOD[1]!]), { onDuplicate: 'skip' });
    const report = Buffer.from(result.report!.bytes, 'base64').toString('utf8');
    expect(report).toContain('customer: Skipped: may be Karim Benali, already here (same name and date of birth, phone)');
  });

  it('merges them: only empty fields are filled, the prescription becomes a new version', async () => {
    const { core, helene } = await withExisting();
    expect(await run(core, frenchFile(GOOD), { onDuplicate: 'merge' })).toMatchObject({ imported: 0, merged: 2, prescriptions: 1 });
    const got = await core.call('customers.get', { id: helene });
    // Her phone stays hers; her empty date of birth and address come from the file.
    expect(got.localData).toMatchObject({ phoneNumber: '0700000000', dateOfBirth: '1975-04-23T00:00:00.000Z', email: 'Helene.Lefevre@exemple.fr' });
    expect(got.address).toMatchObject({ street: '12 rue de la Paix', city: 'Paris' });
    expect(await core.call('prescriptions.list', { customerId: helene })).toHaveLength(1);
    // The same file merged again adds no second identical version.
    expect(await run(core, frenchFile(GOOD), { onDuplicate: 'merge' })).toMatchObject({ merged: 0, prescriptions: 0 });
    expect(await core.call('prescriptions.list', { customerId: helene })).toHaveLength(1);
  });

  it('imports them anyway, leaving out an email another customer has; a row’s own choice wins', async () => {
    const { core } = await withExisting();
    const result = await run(core, frenchFile(GOOD), { onDuplicate: 'import', rowChoices: { '3': 'skip' } });
    expect(result).toMatchObject({ imported: 1, skipped: 1 });
    const both = (await core.call('customers.list', { search: 'lefevre' })).data;
    expect(both).toHaveLength(2);
    const report = Buffer.from(result.report!.bytes, 'base64').toString('utf8');
    expect(report).toContain('email: Another customer already has this email; left empty');
  });

  it('merges a row into an earlier row of the same file, chunks apart', async () => {
    const { core } = await store();
    const filler = Array.from({ length: 700 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(20000000 + i)};;F;;;;;;;;;;;;`);
    const first = 'Sebti;Rim;02/02/1982;0612340000;;;;;;;;;;;;;;';
    const again = 'Sebti;Rim;02/02/1982;0612340000;rim@exemple.ma;F;;;Fès;;;;;;;;;';
    const result = await run(core, frenchFile([first, ...filler, again]), { onDuplicate: 'merge' });
    expect(result).toMatchObject({ imported: 701, merged: 0, skipped: 0 });
    const rim = (await core.call('customers.list', { search: 'sebti' })).data;
    expect(rim).toHaveLength(1);
    expect((await core.call('customers.get', { id: rim[0]!.id })).localData).toMatchObject({ email: 'rim@exemple.ma', sex: 'female' });
    // The run remembers that it created her, chunks before it merged into her: an undo removes her.
    expect(await core.call('import.undo', { batchId: result.batchId })).toMatchObject({ removed: 701, restored: 0, kept: 0 });
    expect(await core.call('customers.list', { search: 'sebti' })).toMatchObject({ data: [] });
  });
});

describe('the duplicate lookups', () => {
  it('are kept in a scratch database let go of once a preview or a run is over, whole or cancelled', async () => {
    const { core } = await store();
    // Each scratch database is SQLite's temporary file, held open until closed: one closed per one opened.
    const opened = vi.spyOn(DuplicateMatcher, 'load');
    const closed = vi.spyOn(DuplicateMatcher.prototype, 'close');
    cleanups.push(() => {
      vi.restoreAllMocks();
    });
    const file = frenchFile([...GOOD, ...BROKEN]);
    const preview = await core.call('import.preview', file);
    expect([opened.mock.calls.length, closed.mock.calls.length]).toEqual([1, 1]);
    await core.call('import.run', { ...file, mapping: preview.mapping, onDuplicate: 'skip' });
    expect([opened.mock.calls.length, closed.mock.calls.length]).toEqual([2, 2]);
    // Cancelled at its first progress event.
    const lines = Array.from({ length: 3000 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(30000000 + i)};;F;;;;;;;;;;;;`);
    const stop = watchImportProgress(core, () => void core.call('import.cancel', { runId: 'scratch' }).catch(() => undefined));
    const cancelled = await core.call('import.run', { ...frenchFile(lines), mapping: preview.mapping, onDuplicate: 'skip', runId: 'scratch' });
    stop();
    expect(cancelled).toMatchObject({ cancelled: true });
    expect([opened.mock.calls.length, closed.mock.calls.length]).toEqual([3, 3]);
  });
});

describe('undo, cancel, a crash', () => {
  it('undoes a batch: its customers gone, merged ones given their values back, those changed since kept', async () => {
    const t = await store();
    const { core } = t;
    const helene = (await core.call('customers.create', { customerData: { firstName: 'Hélène', lastName: 'Lefèvre', email: 'helene.lefevre@exemple.fr' } })).customer.id;
    const lines = [...GOOD, 'Garcia;Lucia;01/02/1960;0677777777;;F;;;;;;;;;;;;', 'Moreau;Léa;02/03/1970;0688888888;;F;;;;;;;;;;;;'];
    const result = await run(core, frenchFile(lines), { onDuplicate: 'merge' });
    expect(result).toMatchObject({ imported: 3, merged: 1 });
    // Since the import: Lucia's phone corrected, Léa given a prescription.
    const lucia = (await core.call('customers.list', { search: 'garcia' })).data[0]!.id;
    const lea = (await core.call('customers.list', { search: 'moreau' })).data[0]!.id;
    await new Promise((r) => setTimeout(r, 5));
    await core.call('customers.update', { id: lucia, customerData: { phoneNumber: '0677777700' } });
    await core.call('prescriptions.create', { customerId: lea, rx: { kind: 'spectacles', examDate: '2025-06-01', distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.00' } } } });

    const undone = await core.call('import.undo', { batchId: result.batchId });
    expect(undone).toEqual({ batchId: result.batchId, removed: 1, restored: 1, kept: 2 });
    expect(await names(core, 'benali')).toEqual([]);
    expect(await names(core, 'garcia')).toEqual(['Lucia Garcia']);
    expect(await names(core, 'moreau')).toEqual(['Léa Moreau']);
    const back = await core.call('customers.get', { id: helene });
    expect(back.localData).toMatchObject({ phoneNumber: '', dateOfBirth: '', sex: '' });
    expect(back.address).toBeNull();
    expect(await core.call('prescriptions.list', { customerId: helene })).toEqual([]);
    expect((await core.call('import.batches', {}))[0]).toMatchObject({ status: 'undone', undoable: false });
    await expectFailure(core, 'import.undo', { batchId: result.batchId }, 'import.notUndoable', 409);
    expect(auditRows(t.dir).filter((r) => r.entity === 'store').map((r) => r.action)).toEqual(['import.run', 'import.undoStarted', 'import.undo']);
  });

  it('cancels a run half-way: it stops, and what it wrote is removed', async () => {
    const { core } = await store();
    const lines = Array.from({ length: 3000 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(10000000 + i)};;F;;;;;;;;;;;;`);
    const file = frenchFile(lines);
    const { mapping } = await core.call('import.preview', file);
    const running = core.call('import.run', { ...file, mapping, onDuplicate: 'skip', runId: 'run-1' });
    let progress = await core.call('import.progress', { runId: 'run-1' });
    while (progress.done === 0) {
      await new Promise((r) => setImmediate(r));
      progress = await core.call('import.progress', { runId: 'run-1' });
    }
    expect(progress).toMatchObject({ status: 'running', total: 3000 });
    expect(progress.done).toBeLessThan(3000);
    expect(await core.call('import.cancel', { runId: 'run-1' })).toEqual({ runId: 'run-1', cancelling: true });
    const result = await running;
    expect(result.cancelled).toBe(true);
    // What stays (review item 9): nothing imported; what was written and removed is `removed`.
    expect(result.imported).toBe(0);
    expect(result.removed).toBeGreaterThan(0);
    expect(result.removed).toBeLessThan(3000);
    expect((await core.call('customers.list', {})).pagination.total).toBe(0);
    expect(await core.call('import.progress', { runId: 'run-1' })).toMatchObject({ status: 'cancelled' });
    expect((await core.call('import.batches', {}))[0]).toMatchObject({ status: 'cancelled', undoable: false });
    await expectFailure(core, 'import.cancel', { runId: 'nope' }, 'import.runNotFound', 404);
  });

  it('tells the page of its progress by events that carry no data (the page asks import.progress)', async () => {
    const { core } = await store();
    const events: string[] = [];
    const stop = watchImportProgress(core, (e) => events.push(JSON.stringify(e)), 0);
    cleanups.push(stop);
    const lines = Array.from({ length: 1200 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(30000000 + i)};;F;;;;;;;;;;;;`);
    const result = await run(core, frenchFile(lines), { runId: 'with-events' });
    await new Promise((r) => setTimeout(r, 20));
    expect(result.imported).toBe(1200);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(new Set(events)).toEqual(new Set([JSON.stringify({ type: 'import.progress' })]));
    expect(await core.call('import.progress', { runId: 'with-events' })).toEqual({ runId: 'with-events', done: 1200, total: 1200, status: 'done', batchId: result.batchId });
  });

  it('leaves out an email a colleague gave a new customer while the import ran, rather than failing the batch', async () => {
    const { core } = await store();
    const lines = Array.from({ length: 3000 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(40000000 + i)};client${i}@exemple.fr;F;;;;;;;;;;;;`);
    const file = frenchFile(lines);
    const { mapping } = await core.call('import.preview', file);
    const running = core.call('import.run', { ...file, mapping, onDuplicate: 'skip', runId: 'race' });
    let progress = await core.call('import.progress', { runId: 'race' });
    while (progress.done === 0) {
      await new Promise((r) => setImmediate(r));
      progress = await core.call('import.progress', { runId: 'race' });
    }
    // At the counter, meanwhile: a walk-in who happens to have the email of a row still to come.
    await core.call('customers.create', { customerData: { firstName: 'Walk', lastName: 'In', email: 'client2999@exemple.fr' } });
    const result = await running;
    expect(result).toMatchObject({ cancelled: false, imported: 3000 });
    const row = (await core.call('customers.list', { search: 'nom2999' })).data[0]!;
    expect((await core.call('customers.get', { id: row.id })).localData.email).toBe('');
  });

  /** GOOD imported, then the store as a crash leaves it (`crashed`: the SQL that stands for it), opened again. */
  async function afterCrash(crashed: string) {
    const t = await openTestCore();
    const result = await run(t.core, frenchFile(GOOD));
    await t.raw.close();
    const db = new BetterSqlite3(join(t.dir, DB_FILE_NAME));
    db.prepare(crashed).run();
    db.close();
    const again = await store({ dataDir: t.dir });
    cleanups.push(() => t.close());
    return { t, result, again };
  }

  /** The second chunk of the next undo fails (a disk error; a crash leaves the same), the first one's work committed. */
  function failSecondUndoChunk() {
    let calls = 0;
    const original = CustomerService.prototype.deleteIn;
    return vi.spyOn(CustomerService.prototype, 'deleteIn').mockImplementation(function (this: CustomerService, ...args) {
      if (++calls === 2) throw new Error('disk I/O error');
      return original.apply(this, args);
    });
  }

  it('marks a batch a crash left running as interrupted at the next start; it can be undone', async () => {
    // What a crash mid-run leaves: the batch still running, its chunks written.
    const { result, again } = await afterCrash("update import_batches set status = 'running', finished_at = null");
    expect((await again.core.call('import.batches', {}))[0]).toMatchObject({ batchId: result.batchId, status: 'interrupted', undoable: true });
    expect(await again.core.call('import.undo', { batchId: result.batchId })).toMatchObject({ removed: 2 });
    expect((await again.core.call('customers.list', {})).pagination.total).toBe(0);
  });

  it('an undo cut half-way leaves its batch interrupted, the undo on record, and undone again to the end', async () => {
    const t = await openTestCore();
    cleanups.push(() => t.close());
    const lines = Array.from({ length: 1500 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(40000000 + i)};;F;;;;;;;;;;;;`);
    const result = await run(t.core, frenchFile(lines));
    await t.core.customers.matchingIds({ search: 'nom', sortOrder: 'desc' }); // the search index built: it must hear of the removals
    // The first chunk's 500 deletions committed.
    const cut = failSecondUndoChunk();
    await expect(t.core.call('import.undo', { batchId: result.batchId })).rejects.toThrow();
    cut.mockRestore();
    expect((await t.core.call('customers.list', {})).pagination.total).toBe(1000);
    expect((await t.core.call('customers.list', { search: 'nom499' })).pagination.total).toBe(0);
    expect((await t.core.call('customers.list', { search: 'nom1499' })).pagination.total).toBe(1);
    // Said on the batch (not "done", as if all its customers were still here), and in the audit trail.
    expect((await t.core.call('import.batches', {}))[0]).toMatchObject({ status: 'interrupted', undoable: true });
    expect(auditRows(t.dir).filter((r) => r.entity_id === result.batchId).map((r) => r.action)).toContain('import.undoStarted');
    expect(await t.core.call('import.undo', { batchId: result.batchId })).toMatchObject({ removed: 1000 });
    expect((await t.core.call('customers.list', {})).pagination.total).toBe(0);
  });

  it('an undo of merges cut half-way and done again counts the customers it gave back, not as changed since', async () => {
    const t = await openTestCore();
    cleanups.push(() => t.close());
    const lines = Array.from({ length: 1500 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(70000000 + i)};;F;;;;;;;;;;;;`);
    const created = await run(t.core, frenchFile(lines));
    const merged = await run(t.core, frenchFile(lines.map((l) => l.replace(';;F;;;;', ';;F;1 rue de la Paix;75001;Paris;'))), { onDuplicate: 'merge' });
    expect(merged).toMatchObject({ merged: 1500 });
    const cut = failSecondUndoChunk();
    await expect(t.core.call('import.undo', { batchId: merged.batchId })).rejects.toThrow();
    cut.mockRestore();
    expect(await t.core.call('import.undo', { batchId: merged.batchId })).toMatchObject({ restored: 1500, kept: 0 });
    expect(await t.core.call('import.undo', { batchId: created.batchId })).toMatchObject({ removed: 1500, kept: 0 });
  });

  it('an undo cut by a crash shows its batch interrupted at the next start', async () => {
    // What a crash mid-undo leaves: the undo begun, the batch still done.
    const { t, result, again } = await afterCrash("update import_batches set undo_started_at = '2026-01-01T00:00:00.000Z'");
    expect((await again.core.call('import.batches', {}))[0]).toMatchObject({ batchId: result.batchId, status: 'interrupted', undoable: true });
    expect(auditRows(t.dir).filter((r) => r.entity_id === result.batchId).map((r) => r.action)).toContain('import.undoInterrupted');
  });

  it('undoes two batches newest first: the older one still removes the customers it created', async () => {
    const { core } = await store();
    const lines = Array.from({ length: 5 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(50000000 + i)};;F;;;;;;;;;;;;`);
    const created = await run(core, frenchFile(lines));
    // A second file fills their addresses: merged into the customers the first one created.
    const merged = await run(core, frenchFile(lines.map((l) => l.replace(';;F;;;;', ';;F;1 rue de la Paix;75001;Paris;'))), { onDuplicate: 'merge' });
    expect(merged).toMatchObject({ merged: 5, imported: 0 });
    expect(await core.call('import.undo', { batchId: merged.batchId })).toMatchObject({ restored: 5, kept: 0 });
    expect(await core.call('import.undo', { batchId: created.batchId })).toMatchObject({ removed: 5, kept: 0 });
    expect((await core.call('customers.list', {})).pagination.total).toBe(0);
  });

  it('refuses to undo a batch before a later one that merged into its customers, naming it; newest first, both undo whole', async () => {
    const { core } = await store();
    const lines = Array.from({ length: 5 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(80000000 + i)};;F;;;;;;;;;;;;`);
    const created = await run(core, frenchFile(lines));
    const merged = await run(core, { fileName: 'adresses.csv', bytes: frenchFile(lines.map((l) => l.replace(';;F;;;;', ';;F;1 rue de la Paix;75001;Paris;'))).bytes }, { onDuplicate: 'merge' });
    // Out of order, the older batch would keep its customers as changed since, and the later undo give them back for good.
    const refused = await expectFailure(core, 'import.undo', { batchId: created.batchId }, 'import.undoLaterFirst', 409);
    expect(refused.message).toBe('adresses.csv, imported later, merged into customers of this import: undo it first');
    expect((await core.call('import.batches', {})).find((b) => b.batchId === created.batchId)).toMatchObject({ status: 'done', undoable: true });
    expect(await core.call('import.undo', { batchId: merged.batchId })).toMatchObject({ restored: 5 });
    expect(await core.call('import.undo', { batchId: created.batchId })).toMatchObject({ removed: 5, kept: 0 });
  });

  it('an older batch keeps a customer edited at the counter between the two imports, after the newer one is undone', async () => {
    const { core } = await store();
    const lines = Array.from({ length: 2 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(60000000 + i)};;F;;;;;;;;;;;;`);
    const created = await run(core, frenchFile(lines));
    const edited = (await core.call('customers.list', { search: 'nom0' })).data[0]!;
    await core.call('customers.update', { id: edited.id, customerData: { sex: 'male' } });
    const merged = await run(core, frenchFile(lines.map((l) => l.replace(';;F;;;;', ';;F;1 rue de la Paix;75001;Paris;'))), { onDuplicate: 'merge' });
    expect(await core.call('import.undo', { batchId: merged.batchId })).toMatchObject({ restored: 2 });
    expect(await core.call('import.undo', { batchId: created.batchId })).toMatchObject({ removed: 1, kept: 1 });
  });
});

describe('imported customers and the cloud', () => {
  it('sends the complete ones like any created customer (the incomplete wait); an undo deletes them there', async () => {
    // The test cloud's default rate limit (100 requests a minute) is on.
    const cloud = await cloudWithStore();
    cleanups.push(() => cloud.close());
    const { core } = await store({ core: { syncAutomatic: false, syncTimeoutMs: 3_000 } });
    await connect(core, cloud);
    const lines = [
      'Alami;Nadia;01/02/1980;0611000001;nadia@exemple.ma;F;;;;;;;;;;;;',
      'Berrada;Youssef;03/04/1975;0611000002;youssef@exemple.ma;M;;;;12/12/2024;-1,00;;;;-1,25;;;',
      'Chraibi;Imane;05/06/1990;0611000003;imane@exemple.ma;Mme;;;;;;;;;;;;',
      // No email: incomplete, it waits here.
      'Daoudi;Omar;07/08/1985;0611000004;;M;;;;;;;;;;;;',
    ];
    const result = await run(core, frenchFile(lines));
    expect(result.imported).toBe(4);
    const status = await syncUntilSettled(core);
    expect(status.state).not.toBe('error');
    const there = cloud.customers(STORE.storeId);
    expect(there.map((c) => c.localData.lastName).sort()).toEqual(['Alami', 'Berrada', 'Chraibi']);
    expect(there.find((c) => c.localData.lastName === 'Berrada')?.opticData).toMatchObject({ distanceVision: { rightEye: { sph: '-1.00' } } });

    await core.call('import.undo', { batchId: result.batchId });
    await syncUntilSettled(core);
    expect(cloud.customers(STORE.storeId)).toEqual([]);
  });
});

it('a person created by hand stays when a batch is undone', async () => {
  const { core } = await store();
  const result = await run(core, frenchFile(GOOD));
  const mine = (await core.call('customers.create', person('Walk', 'In'))).customer.id;
  await core.call('import.undo', { batchId: result.batchId });
  expect((await core.call('customers.list', {})).data.map((c) => c.id)).toEqual([mine]);
});

describe('what the outside review found', () => {
  it('numbers a row by the line of the file it is on, blank rows before it counted', async () => {
    const { core } = await store();
    const file = { fileName: 'blancs.csv', bytes: b64(Buffer.from(['Nom;Prénom;Tél;Date de naissance', ';;;', ';;;', '', ';;;', ';;;', 'Rownum;Test;0633333333;31/02/1980'].join('\r\n'))) };
    const preview = await core.call('import.preview', file);
    expect(preview.rows.map((r) => r.row)).toEqual([7]);
    expect(preview.problems).toEqual([expect.objectContaining({ row: 7, field: 'dateOfBirth' })]);
    const result = await core.call('import.run', { ...file, mapping: preview.mapping, onDuplicate: 'skip' });
    expect(result.reportRows?.lines).toEqual([expect.objectContaining({ row: 7 })]);
  });

  it('does not merge one member of a family into another because they share the home phone', async () => {
    const { core } = await store();
    const file = { fileName: 'famille.csv', bytes: b64(Buffer.from(['Nom;Prénom;Téléphone;Date examen;Sph OD;Sph OG', 'Benali;Karim;0522 48 12 34;12/01/2024;-1,00;-1,25', 'Benali;Karim;0522 48 12 34;15/03/2025;-1,25;-1,50', 'Benali;Sara;0522 48 12 34;10/02/2024;+2,00;+2,25', 'Benali;Sara;0522 48 12 34;20/04/2025;+2,50;+2,75'].join('\r\n'))) };
    const preview = await core.call('import.preview', file);
    expect(preview.duplicates.map((d) => d.row)).toEqual([3, 5]);
    const result = await core.call('import.run', { ...file, mapping: preview.mapping, onDuplicate: 'merge' });
    expect(result).toMatchObject({ imported: 2, prescriptions: 4 });
    for (const [first, sph] of [['Karim', '-1.25'], ['Sara', '+2.50']] as const) {
      const person = (await core.call('customers.list', { search: `benali ${first}` })).data;
      expect(person).toHaveLength(1);
      const versions = await core.call('prescriptions.list', { customerId: person[0]!.id });
      expect(versions).toHaveLength(2);
      expect(versions.find((v) => v.current)?.rx.distanceVision.rightEye.sph).toBe(sph);
    }
  });

  it('gives a row one report line, whatever it lost: a date, then its email to a walk-in meanwhile', async () => {
    const { core } = await store();
    const file = frenchFile([...filler, 'Nouveau;Seul;31/02/1980;;pris@exemple.ma;F;;;;;;;;;;;;']);
    const result = await mergeWhile(core, file, () => core.call('customers.create', { customerData: { firstName: 'Walk', lastName: 'In', email: 'pris@exemple.ma' } }));
    expect(result).toMatchObject({ imported: 1200, skipped: 1 });
    const lines = result.reportRows?.lines.filter((l) => l.row === 1202);
    expect(lines).toEqual([expect.objectContaining({ outcome: 'skipped', problems: [expect.objectContaining({ code: 'import.dateNotReal' }), expect.objectContaining({ code: 'import.emailTaken' })] })]);
  });

  it('a cancelled run reports only the rows it skipped: those it imported without some values are gone again', async () => {
    const { core } = await store();
    const lines = Array.from({ length: 3000 }, (_, i) => (i % 2 ? `Nom${i};Prénom${i};31/02/1980;06${String(80000000 + i)};;F;;;;;;;;;;;;` : `;;01/01/1980;06${String(80000000 + i)};;F;;;;;;;;;;;;`));
    const { mapping } = await core.call('import.preview', frenchFile(lines));
    const stop = watchImportProgress(core, () => void core.call('import.cancel', { runId: 'cancel-report' }).catch(() => undefined));
    const result = await core.call('import.run', { ...frenchFile(lines), mapping, onDuplicate: 'skip', runId: 'cancel-report' });
    stop();
    expect(result).toMatchObject({ cancelled: true, imported: 0 });
    expect(result.reportRows?.lines.length).toBeGreaterThan(0);
    expect(result.reportRows?.lines.every((l) => l.outcome === 'skipped')).toBe(true);
    expect(Buffer.from(result.report!.bytes, 'base64').toString('utf8')).not.toContain('imported without some values');
  });

  it('lists the first 5,000 rows with problems in its report and counts the others, rather than holding them all', async () => {
    const { core } = await store();
    // A previous system's placeholder in every row: each is imported without its sex, and says so.
    const lines = Array.from({ length: 5_003 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(60000000 + i)};;X;;;;;;;;;;;;`);
    const result = await run(core, frenchFile(lines));
    expect(result).toMatchObject({ imported: 5_003, skipped: 0 });
    expect(result.reportRows).toMatchObject({ unlisted: 3 });
    expect(result.reportRows?.lines).toHaveLength(5_000);
    expect(result.reportRows?.lines.at(-1)).toMatchObject({ row: 5_001, problems: [expect.objectContaining({ code: 'import.sexUnknown' })] });
    const english = Buffer.from(result.report!.bytes, 'base64').toString('utf8').trim().split('\r\n');
    expect(english).toHaveLength(5_002);
    expect(english.at(-1)).toContain('3 more rows were skipped or imported without some values; only the first 5000 are listed');
    // Long cells: fewer rows are listed, the others counted (a 1,900-character city, over ~1 MB of cells).
    const long = Array.from({ length: 700 }, (_, i) => `Long${i};Prénom${i};01/01/1980;06${String(70000000 + i)};;X;;;${'V'.repeat(1900)};;;;;;;;;`);
    const longResult = await run(core, frenchFile(long));
    expect(longResult.reportRows?.lines.length).toBeLessThan(700);
    expect((longResult.reportRows?.lines.length ?? 0) + (longResult.reportRows?.unlisted ?? 0)).toBe(700);
  }, 60_000);

  /** Runs `file` (merging duplicates) and does `meanwhile` at the counter once its first chunk is written. */
  async function mergeWhile(core: Core, file: { fileName: string; bytes: string }, meanwhile: () => Promise<unknown>, onDuplicate: 'merge' | 'skip' = 'merge') {
    const { mapping } = await core.call('import.preview', file);
    const running = core.call('import.run', { ...file, mapping, onDuplicate, runId: 'merge-race' });
    while ((await core.call('import.progress', { runId: 'merge-race' })).done === 0) await new Promise((r) => setImmediate(r));
    await meanwhile();
    return running;
  }
  const filler = Array.from({ length: 1200 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(50000000 + i)};;F;;;;;;;;;;;;`);

  it('does not merge a row into a customer deleted at the counter while the import ran: it is skipped, saying why', async () => {
    const { core } = await store();
    const karim = (await core.call('customers.create', { customerData: { firstName: 'Karim', lastName: 'Benali', phoneNumber: '0611111111' } })).customer.id;
    const file = frenchFile([...filler, 'Benali;Karim;;0611111111;karim@exemple.ma;M;;;Tanger;;;;;;;;;']);
    const result = await mergeWhile(core, file, () => core.call('customers.delete', { id: karim }));
    expect(result).toMatchObject({ cancelled: false, imported: 1200, merged: 0, skipped: 1 });
    expect(result.reportRows?.lines).toEqual([expect.objectContaining({ row: 1202, outcome: 'skipped', problems: [expect.objectContaining({ code: 'import.mergeTargetDeleted' })] })]);
  });

  it('says a row was skipped for a customer deleted at the counter while the import ran, not for one "already here"', async () => {
    const { core } = await store();
    const karim = (await core.call('customers.create', { customerData: { firstName: 'Karim', lastName: 'Benali', phoneNumber: '0611111111' } })).customer.id;
    const file = frenchFile([...filler, 'Benali;Karim;;0611111111;karim@exemple.ma;M;;;Tanger;;;;;;;;;']);
    const result = await mergeWhile(core, file, () => core.call('customers.delete', { id: karim }), 'skip');
    expect(result).toMatchObject({ cancelled: false, imported: 1200, skipped: 1 });
    expect(result.reportRows?.lines).toEqual([expect.objectContaining({ row: 1202, outcome: 'skipped', problems: [expect.objectContaining({ code: 'import.mergeTargetDeleted' })] })]);
  });

  it('leaves out an email a colleague gave a walk-in meanwhile when merging it into another customer, rather than failing the batch', async () => {
    const { core } = await store();
    await core.call('customers.create', { customerData: { firstName: 'Karim', lastName: 'Benali', phoneNumber: '0611111111' } });
    const file = frenchFile([...filler, 'Benali;Karim;;0611111111;karim@exemple.ma;M;;;Tanger;;;;;;;;;']);
    const result = await mergeWhile(core, file, () => core.call('customers.create', { customerData: { firstName: 'Walk', lastName: 'In', email: 'karim@exemple.ma' } }));
    expect(result).toMatchObject({ cancelled: false, imported: 1200, merged: 1 });
    const karim = (await core.call('customers.list', { search: 'benali' })).data[0]!;
    const merged = await core.call('customers.get', { id: karim.id });
    // The rest of the row is merged: only the email is left out.
    expect([merged.localData.email, merged.address?.city]).toEqual(['', 'Tanger']);
    expect(result.reportRows?.lines).toEqual([expect.objectContaining({ row: 1202, problems: [expect.objectContaining({ code: 'import.emailTaken', field: 'email' })] })]);
  });

  it('a run that fails is taken back, and its batch counts what stays (nothing), not what it had written', async () => {
    const { core } = await store();
    const file = frenchFile(filler);
    const { mapping } = await core.call('import.preview', file);
    // The second chunk's write fails (a disk error, say).
    let calls = 0;
    const original = PrescriptionService.prototype.addFirstVersionsIn;
    vi.spyOn(PrescriptionService.prototype, 'addFirstVersionsIn').mockImplementation(function (this: PrescriptionService, ...args) {
      if (++calls === 2) throw new Error('disk I/O error');
      return original.apply(this, args);
    });
    cleanups.push(() => {
      vi.restoreAllMocks();
    });
    await expectFailure(core, 'import.run', { ...file, mapping, onDuplicate: 'skip' }, 'internal', 500);
    expect((await core.call('import.batches', {}))[0]).toMatchObject({ status: 'cancelled', imported: 0, merged: 0, prescriptions: 0 });
    expect((await core.call('customers.list', {})).pagination.total).toBe(0);
  });

  it('does not merge a row into a customer whose details are still arriving from the cloud: the row is skipped, saying why', async () => {
    const { core, dir } = await store();
    const { customer } = await core.call('customers.create', { customerData: { firstName: 'Hélène', lastName: 'Lefèvre', email: 'helene.lefevre@exemple.fr', phoneNumber: '0700000000', dateOfBirth: '1975-04-23', sex: 'female' } });
    // As a new PC's first sync leaves a customer made from the cloud's list (sync/details.ts).
    const db = new BetterSqlite3(join(dir, DB_FILE_NAME));
    db.prepare("update customers set summary_at = ?, phone_number = '', date_of_birth = '', sex = '' where id = ?").run(new Date().toISOString(), customer.id);
    db.close();
    const result = await run(core, frenchFile([GOOD[0]!]), { onDuplicate: 'merge' });
    expect(result).toMatchObject({ imported: 0, merged: 0, skipped: 1, prescriptions: 0 });
    expect(result.reportRows?.lines[0]?.problems.map((p) => p.code)).toContain('import.detailsArriving');
    expect((await core.call('customers.get', { id: customer.id })).localData).toMatchObject({ phoneNumber: '', dateOfBirth: '' });
    expect(await core.call('prescriptions.list', { customerId: customer.id })).toEqual([]);
  });

  const plain = (text: string) => ({ fileName: 'clients.csv', bytes: b64(Buffer.from(text, 'utf8')) });

  it('lists a row whose quote is not closed as its own problem and still reads every later row', async () => {
    const { core } = await store();
    const rows = Array.from({ length: 1000 }, (_, i) => (i === 1 ? '"Le Grand; Magasin;0612345678' : `Nom${i};Prénom${i};06${String(10000000 + i)}`));
    const p = await core.call('import.preview', plain(['Nom;Prénom;Tél', ...rows].join('\r\n') + '\r\n'));
    expect(p.totalRows).toBe(1000);
    expect(p).toMatchObject({ skipRows: 1, problemRows: 1, problemCount: 1, duplicateRows: 0 });
    expect(p.problems).toEqual([expect.objectContaining({ row: 3, code: 'import.quoteNotClosed', field: 'row' })]);
    const result = await core.call('import.run', { ...plain(['Nom;Prénom;Tél', ...rows].join('\r\n') + '\r\n'), mapping: p.mapping, onDuplicate: 'skip' });
    expect(result).toMatchObject({ imported: 999, skipped: 1 });
  });

  it('refuses a row longer than 64 KB and leaves out a cell over 2,000 characters; the preview answer stays small', async () => {
    const { core } = await store();
    const long = 'x'.repeat(70_000);
    const text = ['Nom;Prénom;Tél;Ville', `A;a;0611111111;${'y'.repeat(2500)}`, `B;b;0622222222;${long}`, 'C;c;0633333333;Paris', `"D;d;0644444444;${long}`].join('\r\n');
    const p = await core.call('import.preview', plain(text));
    expect(p.totalRows).toBe(4);
    expect(p.problems.map((x) => [x.row, x.code])).toEqual([[2, 'import.cellTooLong'], [3, 'import.rowTooLong'], [5, 'import.quoteNotClosed']]);
    expect(p.skipRows).toBe(2);
    expect(p.rows[0]!.customer).toMatchObject({ lastName: 'A', city: null });
    expect(JSON.stringify(p).length).toBeLessThan(20_000);
  });

  it('reads a UTF-8 file with one Latin-1 line as UTF-8, listing that line; an encoding can be chosen', async () => {
    const { core } = await store();
    const good = Array.from({ length: 300 }, (_, i) => `Lefèvre${i};Hélène;06${String(10000000 + i)}`);
    const bytes = Buffer.concat([Buffer.from(['Nom;Prénom;Tél', ...good.slice(0, 100)].join('\r\n') + '\r\n', 'utf8'), Buffer.from('Mérou;Zoé;0699999999\r\n', 'latin1'), Buffer.from(good.slice(100).join('\r\n') + '\r\n', 'utf8')]);
    const file = { fileName: 'mixed.csv', bytes: b64(bytes) };
    const p = await core.call('import.preview', file);
    expect(p.encoding).toBe('utf-8');
    expect(p.columns.map((c) => c.header)).toEqual(['Nom', 'Prénom', 'Tél']);
    expect(p.rows[0]!.customer).toMatchObject({ lastName: 'Lefèvre0', firstName: 'Hélène' });
    expect(p.problems.map((x) => [x.row, x.code])).toEqual([[102, 'import.badBytes']]);
    const forced = await core.call('import.preview', { ...file, encoding: 'windows-1252' });
    expect(forced.encoding).toBe('windows-1252');
    expect(forced.columns[1]!.header).toBe('PrÃ©nom');
  });

  it('quotes the file’s own text when a date is impossible', async () => {
    const { core } = await store();
    const p = await core.call('import.preview', plain('Nom;Prénom;Tél;Date de naissance\r\nA;a;0611111111;31/02/70\r\n'));
    expect(p.problems).toEqual([expect.objectContaining({ row: 2, field: 'dateOfBirth', code: 'import.dateNotReal', params: { field: 'dateOfBirth', value: '31/02/70' } })]);
    expect(p.problems[0]!.message).toContain('31/02/70');
  });

  it('gives a phone back its leading 0 when an .xlsx number cell or a CSV lost it, else lists it', async () => {
    const { core } = await store();
    await core.call('settings.setStore', { name: 'Optique', address: '', phone: '', registrationNumber: '', country: 'FR', logo: null, rxExpiryMonths: { spectacles: 24, contacts: 12 } });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Clients');
    ws.addRow(['Nom', 'Prénom', 'Tél']);
    ws.addRow(['Lefèvre', 'Hélène', 612345678]);
    ws.addRow(['Benali', 'Karim', 12345]);
    const p = await core.call('import.preview', { fileName: 'c.xlsx', bytes: b64(Buffer.from(await wb.xlsx.writeBuffer())) });
    expect(p.rows[0]!.customer.phoneNumber).toBe('0612345678');
    expect(p.problems.map((x) => [x.row, x.field])).toContainEqual([3, 'phoneNumber']);
  });

  it('a cancelled run answers what stays (nothing imported) and what was removed; the list shows no customers imported', async () => {
    const { core } = await store();
    const lines = Array.from({ length: 3000 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(10000000 + i)};;F;;;;;;;;;;;;`);
    const file = frenchFile(lines);
    const { mapping } = await core.call('import.preview', file);
    const running = core.call('import.run', { ...file, mapping, onDuplicate: 'skip', runId: 'run-9' });
    while ((await core.call('import.progress', { runId: 'run-9' })).done === 0) await new Promise((r) => setImmediate(r));
    const listed = (await core.call('import.batches', {}))[0]!;
    expect(listed).toMatchObject({ status: 'running', runId: 'run-9' });
    await core.call('import.cancel', { runId: 'run-9' });
    const result = await running;
    expect(result).toMatchObject({ cancelled: true, imported: 0, merged: 0, prescriptions: 0 });
    expect(result.removed).toBeGreaterThan(0);
    expect((await core.call('import.batches', {}))[0]).toMatchObject({ status: 'cancelled', imported: 0, runId: null });
  });

  it('refuses a second undo of a batch while one runs, with one audit entry', async () => {
    const t = await store();
    const lines = Array.from({ length: 1500 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(20000000 + i)};;F;;;;;;;;;;;;`);
    const result = await run(t.core, frenchFile(lines));
    const all = await Promise.allSettled([1, 2, 3].map(() => t.core.call('import.undo', { batchId: result.batchId })));
    expect(all.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const a of all) if (a.status === 'rejected') expect(a.reason).toMatchObject({ code: 'import.busy', status: 409 });
    expect(auditRows(t.dir).filter((r) => r.action === 'import.undo')).toHaveLength(1);
  });

  it('does not run an import while another batch is undone, nor undo one while an import runs: nothing is skipped as "already here" and then deleted', async () => {
    const t = await store();
    const lines = Array.from({ length: 1500 }, (_, i) => `Nom${i};Prénom${i};01/01/1980;06${String(30000000 + i)};;F;;;;;;;;;;;;`);
    const file = frenchFile(lines);
    const first = await run(t.core, file);
    const { mapping } = await t.core.call('import.preview', file);
    const again = () => t.core.call('import.run', { ...file, mapping, onDuplicate: 'skip' });

    // The run asked while the undo works is refused, not let to match customers the undo is removing.
    const [undone, during] = await Promise.allSettled([t.core.call('import.undo', { batchId: first.batchId }), again()]);
    expect(undone.status).toBe('fulfilled');
    expect(during).toMatchObject({ status: 'rejected', reason: { code: 'import.busy', status: 409 } });
    expect((await t.core.call('customers.list', { limit: 1 })).pagination.total).toBe(0);

    // And the other way: an undo asked while a run works waits its turn.
    const second = again();
    const [refused] = await Promise.allSettled([t.core.call('import.undo', { batchId: first.batchId })]);
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'import.busy', status: 409 } });
    expect(await second).toMatchObject({ imported: 1500, skipped: 0 });
    expect((await t.core.call('customers.list', { limit: 1 })).pagination.total).toBe(1500);
  });
});

/** A zip of the given parts, deflated, as an .xlsx is (a zip bomb is one of them inflating far). */
function zipOf(parts: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(parts)) {
    const packed = deflateRawSync(data);
    const n = Buffer.from(name);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(8, 8);
    head.writeUInt32LE(crc32(data), 14);
    head.writeUInt32LE(packed.length, 18);
    head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(head, n, packed);
    centrals.push(central, n);
    offset += 30 + n.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(parts).length, 8);
  end.writeUInt16LE(Object.keys(parts).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

it('refuses an .xlsx whose shared strings would inflate to 80 MB (a zip bomb) before reading it, with its code', async () => {
  const { core } = await store();
  const bomb = zipOf({
    '[Content_Types].xml': Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    'xl/sharedStrings.xml': Buffer.concat([Buffer.from('<sst><si><t>'), Buffer.alloc(80 * 1024 * 1024, 0x61), Buffer.from('</t></si></sst>')]),
  });
  expect(bomb.length).toBeLessThan(200_000);
  await expectFailure(core, 'import.preview', { fileName: 'bomb.xlsx', bytes: b64(bomb) }, 'import.tooLarge', 413);
});

it('refuses, as unreadable, a file whose quotes are broken on more than 100 rows (no re-reading it row after row)', async () => {
  const { core } = await store();
  const rows = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? `"Nom${i};Prénom${i};06${String(10000000 + i)}` : `Nom${i};Prénom${i};06${String(10000000 + i)}`));
  await expectFailure(core, 'import.preview', { fileName: 'q.csv', bytes: b64(Buffer.from(['Nom;Prénom;Tél', ...rows].join('\r\n'))) }, 'import.unreadable', 400);
});

it('streams a workbook of 3,000 rows, telling the run its row count before reading them', async () => {
  const { core } = await store();
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Clients');
  ws.addRow(['Nom', 'Prénom', 'Tél']);
  for (let i = 0; i < 3000; i++) ws.addRow([`Nom${i}`, `Prénom${i}`, `06${String(40000000 + i)}`]);
  const file = { fileName: 'c.xlsx', bytes: b64(Buffer.from(await wb.xlsx.writeBuffer())) };
  const p = await core.call('import.preview', file);
  expect(p.totalRows).toBe(3000);
  const running = core.call('import.run', { ...file, mapping: p.mapping, onDuplicate: 'skip', runId: 'xlsx-1' });
  let progress = await core.call('import.progress', { runId: 'xlsx-1' });
  while (progress.done === 0) {
    await new Promise((r) => setImmediate(r));
    progress = await core.call('import.progress', { runId: 'xlsx-1' });
  }
  expect(progress.total).toBe(3000);
  expect(await running).toMatchObject({ imported: 3000 });
});

it('lists the first 500 problems and duplicates of a preview, and says how many there are in all', async () => {
  const { core } = await store();
  const rows = Array.from({ length: 700 }, (_, i) => `Nom${i};Prénom${i};06${String(50000000 + i)};X`);
  const p = await core.call('import.preview', { fileName: 'x.csv', bytes: b64(Buffer.from(['Nom;Prénom;Tél;Sexe', ...rows, ...rows].join('\r\n'))) });
  expect(p).toMatchObject({ totalRows: 1400, problemRows: 1400, problemCount: 1400, duplicateRows: 700 });
  expect(p.problems).toHaveLength(500);
  expect(p.duplicates).toHaveLength(500);
  expect(p.rows).toHaveLength(20);
});

it('finds the row after a broken one far into the file, past quoted cells that run over two lines', async () => {
  const { core } = await store();
  const rows = Array.from({ length: 6000 }, (_, i) => (i === 5500 ? '"Bad;x;0600000000' : `Nom${i};Prénom${i};06${String(60000000 + i)};"12 rue\nde la Paix"`));
  const p = await core.call('import.preview', { fileName: 'm.csv', bytes: b64(Buffer.from(['Nom;Prénom;Tél;Remarques', ...rows].join('\r\n'), 'utf8')) });
  expect(p).toMatchObject({ totalRows: 6000, skipRows: 1, problemCount: 1 });
  expect(p.problems[0]).toMatchObject({ row: 5502, code: 'import.quoteNotClosed' });
});
