import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { DB_FILE_NAME } from '../../src/main/db/database';
import { expectFailure, layla, openTestCore, person } from '../helpers/core';

let core: Core;
let raw: Core;
let dir: string;
let close: () => Promise<void>;

beforeEach(async () => {
  ({ core, raw, dir, close } = await openTestCore());
});
afterEach(async () => {
  await close();
});

/** Layla without the prescription she comes with (dated today): her last exam is the one each test records. */
const laylaNoRx = { customerData: layla.customerData, address: layla.address };

const create = async (input: Parameters<Core['call']>[1]) => (await core.call('customers.create', input as never)).customer.id;

/** The CSV as a spreadsheet reads it: BOM stripped, rows of cells. */
function parseCsv(base64: string): string[][] {
  const text = Buffer.from(base64, 'base64').toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  const parsed = Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true });
  return parsed.data;
}

async function readXlsx(base64: string) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(base64, 'base64') as unknown as ArrayBuffer);
  const sheet = book.worksheets[0];
  if (!sheet) throw new Error('no sheet');
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('customers.exportList', () => {
  it('writes the chosen columns, with the headers the page sends, of every customer (CSV)', async () => {
    const laylaId = await create(laylaNoRx);
    await core.call('prescriptions.create', { customerId: laylaId, rx: { kind: 'spectacles', examDate: '2025-11-03', distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.25' } } } });
    await create(person('Ahmed', 'Benali'));
    const out = await core.call('customers.exportList', {
      format: 'csv',
      columns: ['lastName', 'firstName', 'city', 'dateOfBirth', 'lastExamDate', 'status'],
      headers: { lastName: 'Nom', firstName: 'Prénom' },
    });
    expect(out.rows).toBe(2);
    expect(out.fileName).toMatch(/^customers-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(parseCsv(out.bytes)).toEqual([
      ['Nom', 'Prénom', 'City', 'Date of birth', 'Last exam', 'Status'],
      // No search: newest first, as the search screen lists them.
      ['Benali', 'Ahmed', '', '1980-01-01', '', 'active'],
      ['Hassan', 'Layla', 'Casablanca', '1992-05-12', '2025-11-03', 'active'],
    ]);
  });

  it("exports the current search only, in customers.list's order", async () => {
    await create(person('Sara', 'Bennani'));
    await create(person('Ahmed', 'Benali'));
    await create(person('Yasmine', 'Tazi'));
    const listed = (await core.call('customers.list', { search: 'ben', sortBy: 'relevance', limit: 100 })).data.map((d) => d.name);
    const out = await core.call('customers.exportList', { format: 'csv', search: 'ben', columns: ['name'] });
    expect(out.rows).toBe(2);
    expect(parseCsv(out.bytes).slice(1).map((r) => r[0])).toEqual(listed);
    expect(listed).toHaveLength(2);
  });

  it('neutralises a cell a spreadsheet would run as a formula, and keeps phone numbers as typed', async () => {
    await create({ customerData: { firstName: '=HYPERLINK("http://evil.example","x")', lastName: '@SUM(A1)', email: 'f@example.com', phoneNumber: '+33 6 12 34 56 78' } });
    const out = await core.call('customers.exportList', { format: 'csv', columns: ['firstName', 'lastName', 'phoneNumber'] });
    expect(parseCsv(out.bytes)[1]).toEqual([`'=HYPERLINK("http://evil.example","x")`, `'@SUM(A1)`, '+33 6 12 34 56 78']);
    // In an .xlsx a text cell is a string cell: it can never be a formula.
    const xlsx = await core.call('customers.exportList', { format: 'xlsx', columns: ['firstName'] });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(xlsx.bytes, 'base64') as unknown as ArrayBuffer);
    const cell = book.worksheets[0]!.getCell('A2');
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe('=HYPERLINK("http://evil.example","x")');
  });

  it('writes an .xlsx that exceljs reads back, with dates as real dates', async () => {
    const id = await create(laylaNoRx);
    await core.call('prescriptions.create', { customerId: id, rx: { kind: 'spectacles', examDate: '2025-11-03', distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.25' } } } });
    const out = await core.call('customers.exportList', { format: 'xlsx', columns: ['name', 'email', 'dateOfBirth', 'lastExamDate', 'createdAt', 'zipCode'] });
    expect(out.fileName).toMatch(/\.xlsx$/);
    const rows = await readXlsx(out.bytes);
    expect(rows[0]).toEqual(['Name', 'Email', 'Date of birth', 'Last exam', 'Created', 'ZIP code']);
    const [name, email, born, exam, created, zip] = rows[1] as [string, string, Date, Date, Date, string];
    expect([name, email, zip]).toEqual(['Layla Hassan', 'layla@example.com', '20000']);
    expect(born).toBeInstanceOf(Date);
    expect(born.toISOString()).toBe('1992-05-12T00:00:00.000Z');
    expect(exam.toISOString()).toBe('2025-11-03T00:00:00.000Z');
    expect(created).toBeInstanceOf(Date);
  });

  it('streams a list longer than one chunk, in order, without a customer lost or twice', async () => {
    const total = 1203;
    for (let i = 0; i < total; i++) await create({ customerData: { firstName: `P${String(i).padStart(4, '0')}`, lastName: 'Export', phoneNumber: `+33 6 00 00 ${String(i).padStart(4, '0')}` } });
    const csv = await core.call('customers.exportList', { format: 'csv', columns: ['firstName'] });
    const names = parseCsv(csv.bytes).slice(1).map((r) => r[0]);
    expect(names).toHaveLength(total);
    // Newest first, as customers.list without a search.
    expect(names[0]).toBe('P1202');
    expect(names.at(-1)).toBe('P0000');
    expect(new Set(names).size).toBe(total);
    const xlsx = await core.call('customers.exportList', { format: 'xlsx', columns: ['firstName'] });
    expect(xlsx.rows).toBe(total);
    expect((await readXlsx(xlsx.bytes)).length).toBe(total + 1);
  });

  it('writes a CSV with the separator asked for (";" for a French spreadsheet), a decimal comma kept as text', async () => {
    await create({ customerData: { firstName: 'Élodie', lastName: 'Dupont; Martin', email: 'e@example.com', phoneNumber: '+33 6 12 34 56 78' } });
    const out = await core.call('customers.exportList', { format: 'csv', columns: ['firstName', 'lastName', 'phoneNumber'], delimiter: ';' });
    const text = Buffer.from(out.bytes, 'base64').toString('utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFFFirst name;Last name;Phone');
    expect(text.split('\r\n')[1]).toBe('Élodie;"Dupont; Martin";+33 6 12 34 56 78');
    // Without one, a comma as before.
    const plain = await core.call('customers.exportList', { format: 'csv', columns: ['firstName', 'lastName'] });
    expect(Buffer.from(plain.bytes, 'base64').toString('utf8').split('\r\n')[0]).toBe('\uFEFFFirst name,Last name');
    await expectFailure(core, 'customers.exportList', { format: 'csv', delimiter: '|' }, 'validation', 400);
  });

  it('lets a search answer while a 20,000-customer export is written (it yields between chunks)', async () => {
    // OPTICOUNTER_EXPORT_CUSTOMERS=100000 prints the figures for a 100k store (the review's size).
    const total = Number(process.env.OPTICOUNTER_EXPORT_CUSTOMERS ?? 20_000);
    const lines = ['Prénom;Nom;Téléphone'];
    for (let i = 0; i < total; i++) lines.push(`P${i};${i % 7 === 0 ? 'Lefebvre' : 'Martin'}${i};+33 6 ${String(10_000_000 + i).slice(0, 8)}`);
    const file = { fileName: 'many.csv', bytes: Buffer.from(lines.join('\r\n'), 'utf8').toString('base64') };
    const p = await core.call('import.preview', file);
    const imported = await core.call('import.run', { ...file, mapping: p.mapping, onDuplicate: 'import' });
    expect(imported.imported).toBe(total);
    for (const format of ['csv', 'xlsx'] as const) {
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      let done = false;
      const started = Date.now();
      const exported = core.call('customers.exportList', { format }).finally(() => {
        done = true;
      });
      // A search every 20 ms while the export runs; one that waits for the whole export is not answered "during" it.
      let answered = 0;
      while (!done) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (done) break;
        const found = await core.call('customers.list', { search: 'lef', limit: 20 });
        if (!done) answered++;
        expect(found.data.length).toBeGreaterThan(0);
        peak = Math.max(peak, process.memoryUsage().rss);
      }
      const out = await exported;
      expect(out.rows).toBe(total);
      // Figures for the log, not an assertion on time (the machine is shared).
      console.log(`exportList ${format} ${total} customers: ${Date.now() - started} ms, ${answered} searches answered meanwhile, peak RSS +${Math.round((peak - rssBefore) / 1e6)} MB, file ${Math.round((out.bytes.length * 3) / 4 / 1e3)} kB`);
      expect(answered).toBeGreaterThan(0);
    }
  }, 600_000);

  it('is the owner’s, and each export is in the audit trail', async () => {
    await create(person('Ahmed', 'Benali'));
    await core.call('staff.create', { username: 'nadia', displayName: 'Nadia', password: 'staff-password-1' });
    const staff = await raw.call('auth.login', { username: 'nadia', password: 'staff-password-1' });
    const refused = await raw.handle('customers.exportList', { format: 'csv' }, { sessionToken: staff.sessionToken });
    expect(refused.ok ? null : refused.error.code).toBe('auth.forbidden');

    await core.call('customers.exportList', { format: 'xlsx', search: 'benali', columns: ['name', 'email'] });
    const db = new Database(join(dir, DB_FILE_NAME), { readonly: true });
    try {
      const rows = db.prepare("select entity, entity_id, action, after from audit_log where action = 'customers.exportList'").all() as { after: string }[];
      expect(rows).toHaveLength(1);
      expect(JSON.parse(rows[0]!.after)).toEqual({ format: 'xlsx', search: 'benali', columns: ['name', 'email'], rows: 1 });
    } finally {
      db.close();
    }
  });

  it('refuses an unknown column or format, and no column at all', async () => {
    await expectFailure(core, 'customers.exportList', { format: 'pdf' }, 'validation', 400);
    await expectFailure(core, 'customers.exportList', { format: 'csv', columns: ['password'] }, 'validation', 400);
    await expectFailure(core, 'customers.exportList', { format: 'csv', columns: [] }, 'validation', 400);
  });
});
