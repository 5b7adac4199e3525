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
