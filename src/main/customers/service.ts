import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type {
  CustomerCreate,
  CustomerDetail,
  CustomerListQuery,
  CustomerUpdate,
  OpticValues,
} from '../../shared/customers/schema';
import { visionKeys } from '../../shared/customers/schema';
import { AppError } from '../../shared/errors';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import {
  type CustomerRow,
  customerDetail,
  customerRecord,
  emailKey,
  indexEntry,
  listItem,
  localData,
} from './records';
import { searchTextOf } from './fold';
import { CustomerSearchIndex } from './search-index';

type Db = Kysely<Database> | Transaction<Database>;

const EMAIL_TAKEN = 'A customer with this email already exists';
// SQLite caps bound parameters per statement at 32,766; 14 columns x 1,000 rows stays well under.
const INSERT_CHUNK = 1000;

/** Customers: seed 001's create/get/list/update/delete, on the local store. */
export class CustomerService {
  private index: CustomerSearchIndex | null = null;
  private indexLoading: Promise<CustomerSearchIndex> | null = null;
  /** Changes committed while the index was loading, replayed onto it (replaying is idempotent). */
  private missedByLoad: ((index: CustomerSearchIndex) => void)[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async create(input: CustomerCreate) {
    const [row] = await this.insertMany([input]);
    return { customer: customerRecord(row as CustomerRow), localData: localData(row as CustomerRow) };
  }

  /** Creates many customers in one transaction (imports, seeding); all or nothing. */
  async createMany(inputs: CustomerCreate[]): Promise<number> {
    return (await this.insertMany(inputs)).length;
  }

  async get(id: string): Promise<CustomerDetail> {
    const row = await this.findLive(this.db, id);
    const [addr, optic] = await Promise.all([
      this.db.selectFrom('customer_addresses').selectAll().where('customer_id', '=', id).executeTakeFirst(),
      this.db.selectFrom('customer_optic_data').selectAll().where('customer_id', '=', id).executeTakeFirst(),
    ]);
    return customerDetail(row, addr, optic);
  }

  async list(q: CustomerListQuery) {
    const index = await this.searchIndex();
    const { ids, total } = index.query(q);
    const rows = ids.length
      ? await this.db.selectFrom('customers').selectAll().where('id', 'in', ids).execute()
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const data = ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [listItem(row)] : [];
    });
    return { data, pagination: { page: q.page, limit: q.limit, total, totalPages: Math.ceil(total / q.limit) } };
  }

  async update(input: CustomerUpdate) {
    const now = this.clock.now().toISOString();
    const row = await this.db.transaction().execute(async (trx) => {
      const current = await this.findLive(trx, input.id);
      const patch = input.customerData ?? {};
      const next = {
        first_name: patch.firstName ?? current.first_name,
        last_name: patch.lastName ?? current.last_name,
        email: patch.email ?? current.email,
        phone_number: patch.phoneNumber ?? current.phone_number,
        date_of_birth: patch.dateOfBirth ?? current.date_of_birth,
        sex: patch.sex ?? current.sex,
      };
      if (patch.email !== undefined && emailKey(patch.email) !== current.email_key) {
        await this.assertEmailFree(trx, patch.email, current.id);
      }
      await trx
        .updateTable('customers')
        .set({
          ...next,
          email_key: emailKey(next.email),
          search_text: searchTextOf({
            firstName: next.first_name,
            lastName: next.last_name,
            email: next.email,
            phoneNumber: next.phone_number,
          }),
          updated_at: now,
        })
        .where('id', '=', current.id)
        .execute()
        .catch(rethrowEmailTaken);

      if (input.address) await this.mergeAddress(trx, current.id, input.address);
      if (input.opticData) await this.mergeOptic(trx, current.id, input.opticData);
      return this.findLive(trx, current.id);
    });
    this.onIndex((index) => index.upsert([indexEntry(row)]));
    return { customer: customerRecord(row), localData: localData(row) };
  }

  /** Soft delete: the customer leaves get/list and frees its email; its rows stay. */
  async delete(id: string) {
    const now = this.clock.now().toISOString();
    const res = await this.db
      .updateTable('customers')
      .set({ deleted_at: now, updated_at: now })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw notFound();
    this.onIndex((index) => index.remove([id]));
    return { message: 'Customer successfully deleted', customerId: id };
  }

  async bulkDelete(ids: string[]) {
    const unique = [...new Set(ids)];
    const now = this.clock.now().toISOString();
    const deleted = await this.db
      .updateTable('customers')
      .set({ deleted_at: now, updated_at: now })
      .where('id', 'in', unique)
      .where('deleted_at', 'is', null)
      .returning('id')
      .execute();
    if (deleted.length === 0) throw new AppError('customer.notFound', 'No valid customers found to delete');
    this.onIndex((index) => index.remove(deleted.map((d) => d.id)));
    return { message: `Successfully deleted ${deleted.length} customer(s)`, deletedCount: deleted.length };
  }

  private async insertMany(inputs: CustomerCreate[]): Promise<CustomerRow[]> {
    const now = this.clock.now().toISOString();
    const rows: CustomerRow[] = inputs.map((input) => {
      const c = input.customerData;
      return {
        id: uuidv7(),
        local_data_id: uuidv7(),
        is_active: 1,
        first_name: c.firstName,
        last_name: c.lastName,
        email: c.email,
        email_key: emailKey(c.email),
        phone_number: c.phoneNumber,
        date_of_birth: c.dateOfBirth,
        sex: c.sex,
        search_text: searchTextOf(c),
        created_at: now,
        updated_at: now,
        deleted_at: null,
      };
    });
    if (inputs.length === 1) await this.assertEmailFree(this.db, inputs[0]!.customerData.email, null);

    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await trx.insertInto('customers').values(rows.slice(i, i + INSERT_CHUNK)).execute().catch(rethrowEmailTaken);
      }
      const addresses = inputs.flatMap((input, i) =>
        input.address ? [{ id: uuidv7(), customer_id: rows[i]!.id, ...addressColumns(input.address) }] : [],
      );
      for (let i = 0; i < addresses.length; i += INSERT_CHUNK) {
        await trx.insertInto('customer_addresses').values(addresses.slice(i, i + INSERT_CHUNK)).execute();
      }
      const optics = inputs.flatMap((input, i) =>
        input.opticData ? [{ id: uuidv7(), customer_id: rows[i]!.id, data: JSON.stringify(input.opticData) }] : [],
      );
      for (let i = 0; i < optics.length; i += INSERT_CHUNK) {
        await trx.insertInto('customer_optic_data').values(optics.slice(i, i + INSERT_CHUNK)).execute();
      }
    });
    this.onIndex((index) => index.upsert(rows.map(indexEntry)));
    return rows;
  }

  private async mergeAddress(trx: Db, customerId: string, patch: NonNullable<CustomerUpdate['address']>) {
    const current = await trx.selectFrom('customer_addresses').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
    if (!current) {
      await trx.insertInto('customer_addresses').values({ id: uuidv7(), customer_id: customerId, ...addressColumns(patch) }).execute();
      return;
    }
    // Absent fields stay; a field sent empty or null is cleared.
    const set: Partial<Record<(typeof addressColumnNames)[keyof AddressPatch], string | null>> = {};
    for (const [key, column] of Object.entries(addressColumnNames) as [keyof AddressPatch, (typeof addressColumnNames)[keyof AddressPatch]][]) {
      if (key in patch) set[column] = patch[key] ?? null;
    }
    if (Object.keys(set).length > 0) await trx.updateTable('customer_addresses').set(set).where('id', '=', current.id).execute();
  }

  /** A vision (distance/intermediate/near) that is sent replaces the stored one; absent ones stay. */
  private async mergeOptic(trx: Db, customerId: string, patch: OpticValues) {
    const current = await trx.selectFrom('customer_optic_data').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
    const merged: OpticValues = current ? (JSON.parse(current.data) as OpticValues) : {};
    for (const k of visionKeys) if (patch[k] !== undefined) merged[k] = patch[k];
    const data = JSON.stringify(merged);
    if (current) await trx.updateTable('customer_optic_data').set({ data }).where('id', '=', current.id).execute();
    else await trx.insertInto('customer_optic_data').values({ id: uuidv7(), customer_id: customerId, data }).execute();
  }

  private async findLive(db: Db, id: string): Promise<CustomerRow> {
    const row = await db.selectFrom('customers').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    if (!row) throw notFound();
    return row;
  }

  private async assertEmailFree(db: Db, email: string, exceptId: string | null) {
    let q = db.selectFrom('customers').select('id').where('email_key', '=', emailKey(email)).where('deleted_at', 'is', null);
    if (exceptId) q = q.where('id', '!=', exceptId);
    if (await q.executeTakeFirst()) throw emailTaken();
  }

  /** Applies a committed change to the search index, now or once it has loaded. */
  private onIndex(change: (index: CustomerSearchIndex) => void) {
    if (this.index) change(this.index);
    else if (this.indexLoading) this.missedByLoad.push(change);
  }

  /** Loads the search index on first use (or from warmUp()); later calls share the same load. */
  private searchIndex(): Promise<CustomerSearchIndex> {
    if (this.index) return Promise.resolve(this.index);
    this.indexLoading ??= (async () => {
      const rows = await this.db
        .selectFrom('customers')
        .select(['id', 'search_text', 'is_active', 'created_at', 'updated_at'])
        .where('deleted_at', 'is', null)
        .execute();
      const index = new CustomerSearchIndex(rows.map(indexEntry));
      for (const change of this.missedByLoad.splice(0)) change(index);
      this.index = index;
      return index;
    })();
    return this.indexLoading;
  }

  /** Builds the search index ahead of the first keystroke (at start). */
  async warmUp(): Promise<void> {
    await this.searchIndex();
  }
}

type AddressPatch = NonNullable<CustomerUpdate['address']>;
const addressColumnNames = { street: 'street', city: 'city', zipCode: 'zip_code', state: 'state' } as const;

function addressColumns(a: AddressPatch) {
  return { street: a.street ?? null, city: a.city ?? null, zip_code: a.zipCode ?? null, state: a.state ?? null };
}

function notFound() {
  return new AppError('customer.notFound', 'Customer not found');
}

function emailTaken() {
  return new AppError('customer.emailTaken', EMAIL_TAKEN, { 'customerData.email': [EMAIL_TAKEN] });
}

/** The unique index is the final word on duplicates (e.g. two in one import batch). */
function rethrowEmailTaken(err: unknown): never {
  if (err instanceof Error && 'code' in err && err.code === 'SQLITE_CONSTRAINT_UNIQUE' && /email_key/.test(err.message)) {
    throw emailTaken();
  }
  throw err;
}

