import BetterSqlite3 from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { DB_FILE_NAME } from '../../src/main/db/database';
import { watchImportProgress } from '../../src/main/events';
import { MAX_IMPORT_BYTES } from '../../src/main/import/file-bytes';
import type { ChannelInput } from '../../src/shared/contract';
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
    expect(at(4)).toEqual([['dateOfBirth', 'date.notReal']]);
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
    expect(report).toContain('\r\n4,imported without some values,dateOfBirth: Date of birth 1980-02-31 is not a real date,Durand,Paul,31/02/1980,');

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

  it('skips them', async () => {
    const { core } = await withExisting();
    expect(await run(core, frenchFile(GOOD), { onDuplicate: 'skip' })).toMatchObject({ imported: 0, skipped: 2, merged: 0 });
    expect((await core.call('customers.list', {})).pagination.total).toBe(2);
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
    expect(auditRows(t.dir).filter((r) => r.entity === 'store').map((r) => r.action)).toEqual(['import.run', 'import.undo']);
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
    expect(result.imported).toBeGreaterThan(0);
    expect(result.imported).toBeLessThan(3000);
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

  it('marks a batch a crash left running as interrupted at the next start; it can be undone', async () => {
    const t = await openTestCore();
    const result = await run(t.core, frenchFile(GOOD));
    await t.raw.close();
    // What a crash mid-run leaves: the batch still running, its chunks written.
    const db = new BetterSqlite3(join(t.dir, DB_FILE_NAME));
    db.prepare("update import_batches set status = 'running', finished_at = null").run();
    db.close();
    const again = await store({ dataDir: t.dir });
    cleanups.push(() => t.close());
    expect((await again.core.call('import.batches', {}))[0]).toMatchObject({ batchId: result.batchId, status: 'interrupted', undoable: true });
    expect(await again.core.call('import.undo', { batchId: result.batchId })).toMatchObject({ removed: 2 });
    expect((await again.core.call('customers.list', {})).pagination.total).toBe(0);
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
