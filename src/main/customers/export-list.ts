import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { type CustomerExportListQuery, type ExportColumn, defaultExportColumns } from '../../shared/customers/export-list';
import type { Actor } from '../audit/log';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import { Base64Sink } from '../spreadsheet/base64-sink';
import { type CsvValue, csvHead, csvLines } from '../spreadsheet/csv-writer';
import type { UnitOfWork } from '../unit-of-work';
import { type CustomerRow, displayName } from './records';
import type { CustomerService } from './service';
import { nextTurn } from '../turns';

/*
 * customers.exportList (issue 13 item 2): the list as staff search it, written as CSV or .xlsx. The
 * customers are read a chunk at a time and each chunk is written out before the next is read, so
 * 100,000 customers are never all in memory as rows; only the file is, once, as base64 (the channel
 * answers with it). Each chunk hands the event loop back before the next (letOthersIn).
 */

const CHUNK = 500;

/* Between chunks the export lets other calls in (a search at the counter answers while the whole store
 * is written): better-sqlite3 and the writers are synchronous, so without a turn of the event loop a
 * 100,000-customer export would hold the core for seconds. */
const letOthersIn = nextTurn;

type Row = CustomerRow & { street: string | null; city: string | null; zip_code: string | null; state: string | null };
type Cell = { text: CsvValue; date?: Date };

/** The English header of each column, when the page sends none (the page sends the person's language). */
const ENGLISH: Record<ExportColumn, string> = {
  name: 'Name',
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phoneNumber: 'Phone',
  dateOfBirth: 'Date of birth',
  sex: 'Sex',
  street: 'Street',
  city: 'City',
  zipCode: 'ZIP code',
  state: 'State',
  status: 'Status',
  createdAt: 'Created',
  updatedAt: 'Updated',
  lastExamDate: 'Last exam',
};

/** A day (YYYY-MM-DD) as a spreadsheet date: midnight UTC, which is how exceljs counts days. */
function day(value: string | null): Cell {
  const m = value ? /^(\d{4})-(\d{2})-(\d{2})/.exec(value) : null;
  return m ? { text: value?.slice(0, 10), date: new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) } : { text: value };
}

function instant(value: string | null): Cell {
  const time = value ? Date.parse(value) : NaN;
  return Number.isNaN(time) ? { text: value } : { text: value, date: new Date(time) };
}

/** One column's cell of one customer. */
function cellOf(column: ExportColumn, r: Row, lastExam: string | null): Cell {
  switch (column) {
    case 'name': return { text: displayName(r) };
    case 'firstName': return { text: r.first_name };
    case 'lastName': return { text: r.last_name };
    case 'email': return { text: r.email };
    case 'phoneNumber': return { text: r.phone_number };
    case 'dateOfBirth': return day(r.date_of_birth);
    case 'sex': return { text: r.sex };
    case 'street': return { text: r.street };
    case 'city': return { text: r.city };
    case 'zipCode': return { text: r.zip_code };
    case 'state': return { text: r.state };
    case 'status': return { text: r.is_active === 1 ? 'active' : 'inactive' };
    case 'createdAt': return instant(r.created_at);
    case 'updatedAt': return instant(r.updated_at);
    case 'lastExamDate': return day(lastExam);
  }
}

const DAY_COLUMNS = new Set<ExportColumn>(['dateOfBirth', 'lastExamDate']);
const TIME_COLUMNS = new Set<ExportColumn>(['createdAt', 'updatedAt']);

/** Where the rows go: a CSV's lines or an .xlsx sheet's rows, both into the same base64 sink. */
interface FileWriter {
  rows(cells: Cell[][]): void;
  end(): Promise<void>;
}

function csvWriter(sink: Base64Sink, header: string[], delimiter: string): FileWriter {
  sink.write(csvHead(header, delimiter));
  return {
    rows: (cells) => sink.write(csvLines(cells.map((row) => row.map((c) => c.text)), delimiter)),
    end: async () => {},
  };
}

async function xlsxWriter(sink: Base64Sink, header: string[], columns: readonly ExportColumn[]): Promise<FileWriter> {
  // Loaded when a workbook is asked for: exceljs weighs ~27 MB in memory, held for good once imported.
  const { default: ExcelJS } = await import('exceljs');
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.write(chunk);
      done();
    },
  });
  // Streaming: each committed row is zipped out at once, not kept in a workbook in memory.
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  const sheet = book.addWorksheet('Customers');
  sheet.columns = columns.map((c, i) => ({
    header: header[i],
    key: c,
    width: DAY_COLUMNS.has(c) ? 12 : TIME_COLUMNS.has(c) ? 18 : c === 'email' || c === 'name' ? 28 : 16,
    style: DAY_COLUMNS.has(c) ? { numFmt: 'yyyy-mm-dd' } : TIME_COLUMNS.has(c) ? { numFmt: 'yyyy-mm-dd hh:mm' } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  return {
    rows: (cells) => {
      // A text cell is text in a spreadsheet file, never a formula: exceljs writes strings as strings.
      for (const row of cells) sheet.addRow(row.map((c) => c.date ?? (c.text === null || c.text === undefined || c.text === '' ? null : c.text))).commit();
    },
    end: async () => {
      sheet.commit();
      await book.commit();
    },
  };
}

export class CustomerListExport {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly customers: CustomerService,
    private readonly writes: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async export(q: CustomerExportListQuery, actor: Actor): Promise<{ fileName: string; bytes: string; rows: number }> {
    const columns = q.columns ?? defaultExportColumns;
    const header = columns.map((c) => q.headers?.[c] || ENGLISH[c]);
    const search = q.search || undefined;
    const ids = await this.customers.matchingIds({
      search,
      // customers.list's order as the search screen asks for it (queries.ts useCustomerSearch).
      sortBy: q.sortBy ?? (search ? 'relevance' : 'createdAt'),
      sortOrder: q.sortOrder ?? 'desc',
    });
    const sink = new Base64Sink();
    const writer = q.format === 'csv' ? csvWriter(sink, header, q.delimiter ?? ',') : await xlsxWriter(sink, header, columns);
    let rows = 0;
    for (let at = 0; at < ids.length; at += CHUNK) {
      const chunk = ids.slice(at, at + CHUNK);
      const found = await this.db
        .selectFrom('customers')
        .leftJoin('customer_addresses', 'customer_addresses.customer_id', 'customers.id')
        .selectAll('customers')
        .select(['customer_addresses.street', 'customer_addresses.city', 'customer_addresses.zip_code', 'customer_addresses.state'])
        .where('customers.id', 'in', chunk)
        .where('customers.deleted_at', 'is', null)
        .execute();
      const byId = new Map(found.map((r) => [r.id, r as Row]));
      const exams = columns.includes('lastExamDate') ? await this.customers.lastExamDates(chunk) : new Map<string, string>();
      const cells = chunk.flatMap((id) => {
        const r = byId.get(id);
        return r ? [columns.map((c) => cellOf(c, r, exams.get(id) ?? null))] : [];
      });
      writer.rows(cells);
      rows += cells.length;
      await letOthersIn();
    }
    await writer.end();
    const bytes = sink.end();
    // Recorded once the file is made: who took which customers' data, how, and how many.
    await this.writes.run(actor, async ({ record }) =>
      record({ entity: 'store', entityId: 'customers', action: 'customers.exportList', after: { format: q.format, search: search ?? null, columns, rows } }),
    );
    const date = this.clock.now().toISOString().slice(0, 10);
    return { fileName: `customers-${date}.${q.format}`, bytes, rows };
  }
}
