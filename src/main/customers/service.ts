import { say } from '../../shared/messages';
import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, type Transaction, sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import {
  type CustomerCreate,
  type CustomerDuplicatesQuery,
  type CustomerDetail,
  type CustomerListQuery,
  type CustomerUpdate,
  type OpticValues,
  REACH_MESSAGE,
} from '../../shared/customers/schema';
import { AppError } from '../../shared/errors';
import type { Actor } from '../audit/log';
import type { Clock } from '../clock';
import type { Database, Db } from '../db/schema';
import {
  type CustomerRow,
  customerDetail,
  customerRecord,
  emailKey,
  INDEX_COLUMNS,
  indexEntry,
  type IndexRow,
  seenAtColumn,
  listItem,
  localData,
} from './records';
import { searchTextOf } from './fold';
import { currentOf } from '../../shared/prescriptions/current';
import type { OpticSource, PrescriptionService } from '../prescriptions/service';
import type { Unit, UnitOfWork } from '../unit-of-work';
import { type LoadedSoFar, type ReadRows, coldPage } from './cold-search';
import { IndexColumns, type IndexEntry } from './index-columns';
import { CustomerSearchIndex } from './search-index';
import { MAX_NAMESAKES, MAX_PHONES, duplicateSearches, findDuplicates } from './duplicates';
import { groupCounts, groupPage, groupsOf } from './groups';
import { type CustomerSummary, summaryRow } from './summary';
import { nextTurn, nextTurnAhead } from '../turns';
import { runInSlices } from './slices';
import type { ReaderThread } from '../db/reader-thread';


const EMAIL_TAKEN = 'A customer with this email already exists';
// SQLite caps bound parameters per statement at 32,766; 14 columns x 1,000 rows stays well under.
const INSERT_CHUNK = 1000;
// Customers read per statement when the search index loads (~10 ms each).
const INDEX_PAGE = 2000;
const REINDEX_SLICE = 5000;
// From this many customers changed at once, the index is built again rather than changed (reindex()).
const REBUILD_PAST = 1000;
const CUSTOMER_COLUMNS = [
  'id', 'local_data_id', 'is_active', 'first_name', 'last_name', 'email', 'email_key', 'phone_number', 'date_of_birth', 'sex',
  'search_text', 'created_at', 'updated_at', 'deleted_at', 'marketing_consent_at', 'sms_consent_at', 'purged_at', 'summary_at',
] as const satisfies readonly (keyof CustomerRow)[];

/** Customers: seed 001's create/get/list/update/delete, on the local store. */
export class CustomerService {
  private index: CustomerSearchIndex | null = null;
  private insertCustomer: BetterSqlite3.Statement | null = null;
  private indexLoading: Promise<CustomerSearchIndex> | null = null;
  /** Changes committed while the index was loading, replayed onto it (replaying is idempotent). */
  private missedByLoad: ((index: CustomerSearchIndex) => void)[] = [];
  /** Which load is the current one: a rebuild supersedes a load under way. */
  private indexGeneration = 0;
  private readonly indexing = new AbortController();
  private loadReplaced: AbortController | null = null;
  /** What the current load has read so far: searches meanwhile scan it (cold-search.ts). */
  private loaded: LoadedSoFar | null = null;
  /**
   * The readers off the event loop while the index loads (db/reader-thread.ts): one reads its pages,
   * one the searches answered meanwhile, so that a person's search never queues behind a page.
   */
  private readers: Readers | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly sqlite: BetterSqlite3.Database,
    private readonly clock: Clock,
    private readonly prescriptions: PrescriptionService,
    private readonly writes: UnitOfWork,
    /** The store's country (store profile): national phone numbers are read in it. */
    private readonly country: () => Promise<string | null> = async () => null,
    /** Where the index's load reads, off the event loop (db/reader-thread.ts); none: on `db`. */
    private readonly openReader: () => ReaderThread | null = () => null,
  ) {
    // The index hears of a change once it committed (never of one rolled back), from the file itself.
    writes.onCommitted((ids) => this.reindex(ids));
  }

  /** Seed 001's create; opticData, when sent, becomes the customer's first prescription version. */
  async create(input: CustomerCreate, actor: Actor) {
    const [row] = await this.insertMany([input], actor);
    return { customer: customerRecord(row as CustomerRow), localData: localData(row as CustomerRow) };
  }

  /** Creates many customers in one transaction (imports, seeding); all or nothing. */
  async createMany(inputs: CustomerCreate[], actor: Actor): Promise<number> {
    return (await this.insertMany(inputs, actor)).length;
  }

  get(id: string): Promise<CustomerDetail> {
    return this.db.transaction().execute((trx) => this.getIn(trx, id));
  }

  /** A customer read inside the caller's transaction (sync merges against it before writing). */
  async getIn(trx: Transaction<Database>, id: string): Promise<CustomerDetail> {
    const live = await this.findLive(trx, id);
    const seen = await trx.selectFrom('customers').select(seenAtColumn).where('id', '=', id).executeTakeFirst();
    const row = { ...live, seen_at: seen?.seen_at ?? null };
    const addr = await trx.selectFrom('customer_addresses').selectAll().where('customer_id', '=', id).executeTakeFirst();
    const current = await this.prescriptions.currentOpticData(id, trx);
    const groups = (await groupsOf(trx, [id])).get(id) ?? [];
    const detail = customerDetail(row, addr, current ? { ...current, customerId: id } : await this.legacyOptic(trx, id), groups);
    const opticProblems = current ? await this.prescriptions.currentProblems(id, trx) : [];
    return opticProblems.length > 0 ? { ...detail, opticProblems } : detail;
  }

  async list(q: CustomerListQuery) {
    const { groupId } = q;
    const { ids, total } = groupId ? await groupPage(this.db, { ...q, groupId }) : await this.page(q);
    const rows = ids.length
      ? await this.db
          .selectFrom('customers')
          .leftJoin('customer_addresses', 'customer_addresses.customer_id', 'customers.id')
          .selectAll('customers')
          .select('customer_addresses.city')
          .where('customers.id', 'in', ids)
          .where('customers.deleted_at', 'is', null)
          .execute()
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const exams = await this.lastExamDates(ids);
    const groups = await groupsOf(this.db, ids);
    const data = ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [listItem(row, { city: row.city, lastExamDate: exams.get(id) ?? null, groups: groups.get(id) ?? [] })] : [];
    });
    return { data, pagination: { page: q.page, limit: q.limit, total, totalPages: Math.ceil(total / q.limit) } };
  }

  /**
   * Ends a load of the search index under way, between two of its pages or slices (the app is
   * closing): a close waited for the whole load, 27 s at 1,000,000 customers on a cold disk.
   */
  stopIndexing(): Promise<void> {
    this.indexing.abort(new AppError('app.closing', 'OptiCounter is closing'));
    return this.readers ? closeReaders(this.readers) : Promise.resolve();
  }

  /** Whether searches are answered by the index yet (else from the store: page()). */
  get searchIndexReady(): boolean {
    return this.index !== null;
  }

  /**
   * A page off the search index; while it is still being built (a large store just opened), the
   * same page read from the store (cold-search.ts) rather than waiting seconds for it.
   */
  private async page(q: CustomerListQuery) {
    if (this.index) return this.index.query(q);
    // The load's failure is the next search's to retry (searchIndex()); this one is answered anyway.
    this.searchIndex().catch(() => undefined);
    return coldPage(this.db, q, this.readAside('searches'), this.loaded);
  }

  /** Every customer a search matches, in customers.list's order (a list export: customers.exportList). */
  async matchingIds(q: Pick<CustomerListQuery, 'search' | 'sortBy' | 'sortOrder'>): Promise<string[]> {
    const index = await this.searchIndex();
    return index.query({ ...q, page: 1, limit: Number.MAX_SAFE_INTEGER }).ids;
  }

  /** The cloud's groups, with their counts (customers.groups). */
  async groups() {
    return { groups: await groupCounts(this.db) };
  }

  /**
   * A customer as the cloud's list gives it (a new PC's first sync): name and email, findable at
   * once; the rest '' until its detail arrives (sync fetches it). Not queued back (origin cloud).
   * null when the local rules cannot hold it (an email used here by another customer): the caller
   * then fetches the detail, whose refusal is kept and shown as any other.
   */
  async insertSummaryIn(unit: Unit, summary: CustomerSummary): Promise<CustomerRow | null> {
    const now = this.clock.now().toISOString();
    const row = summaryRow(summary, { id: uuidv7(), localDataId: uuidv7(), now });
    if (!row) return null;
    if (row.email !== '') {
      const holder = await unit.trx.selectFrom('customers').select('id').where('email_key', '=', row.email_key).where('deleted_at', 'is', null).executeTakeFirst();
      if (holder) return null;
    }
    await unit.trx.insertInto('customers').values(row).execute();
    unit.record({ entity: 'customer', entityId: row.id, customerId: row.id, action: 'create', after: { ...localData(row), address: null } });
    return row;
  }

  /** The cloud's list changed the summary of a customer whose detail is still on its way. */
  async updateSummaryIn(unit: Unit, id: string, summary: CustomerSummary): Promise<void> {
    const current = await this.findLive(unit.trx, id);
    const next = summaryRow(summary, { id, localDataId: current.local_data_id, now: current.created_at });
    if (current.summary_at === null || !next) return;
    if (next.first_name === current.first_name && next.last_name === current.last_name && next.email === current.email) return;
    if (next.email_key !== current.email_key && next.email !== '') {
      const holder = await unit.trx.selectFrom('customers').select('id').where('email_key', '=', next.email_key).where('deleted_at', 'is', null).where('id', '!=', id).executeTakeFirst();
      if (holder) return; // the detail will tell; meanwhile the name is enough to find them
    }
    const before = await this.auditView(unit.trx, current);
    await unit.trx
      .updateTable('customers')
      .set({ first_name: next.first_name, last_name: next.last_name, email: next.email, email_key: next.email_key, search_text: next.search_text, updated_at: this.clock.now().toISOString() })
      .where('id', '=', id)
      .execute();
    unit.record({ entity: 'customer', entityId: id, customerId: id, action: 'update', before, after: await this.auditView(unit.trx, await this.findLive(unit.trx, id)) });
  }

  /** The customer's detail is here (sync applied the cloud's full copy): an ordinary customer from now on. */
  async detailsArrivedIn(trx: Transaction<Database>, id: string): Promise<void> {
    await trx.updateTable('customers').set({ summary_at: null }).where('id', '=', id).where('summary_at', 'is not', null).execute();
  }

  /** Each customer's current prescription's exam day (the rule of prescriptions/current.ts), for a page of the list. */
  async lastExamDates(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('prescriptions')
      .select(['id', 'customer_id', 'corrects_id', 'exam_date', 'version'])
      .where('customer_id', 'in', ids)
      .execute();
    const byCustomer = new Map<string, typeof rows>();
    for (const r of rows) byCustomer.set(r.customer_id, [...(byCustomer.get(r.customer_id) ?? []), r]);
    const out = new Map<string, string>();
    for (const [id, versions] of byCustomer) {
      const current = currentOf(versions, (r) => ({ id: r.id, correctsId: r.corrects_id, examDate: r.exam_date, version: r.version }));
      if (current) out.set(id, current.exam_date);
    }
    return out;
  }

  /** Who the customer being typed may already be (customers.duplicates). */
  async duplicates(probe: CustomerDuplicatesQuery['customerData']) {
    // The names and the phone are found by the search index (a scan of SQLite is ~100 ms at 100,000).
    const index = await this.searchIndex();
    const { names, phone } = duplicateSearches(probe);
    const find = (search: string | null, limit: number) => (search ? index.query({ search, page: 1, limit, sortBy: 'updatedAt', sortOrder: 'desc' }).ids : []);
    return findDuplicates(this.db, probe, { names: find(names, MAX_NAMESAKES), phone: find(phone, MAX_PHONES) }, await this.country());
  }

  async update(input: CustomerUpdate, actor: Actor) {
    const row = await this.writes.run(actor, (unit) => this.updateIn(unit, input));
    return { customer: customerRecord(row), localData: localData(row) };
  }

  /** An update inside the caller's unit (a local one is queued for the cloud, one from the cloud is not sent back). */
  async updateIn(
    unit: Unit,
    input: CustomerUpdate,
    /** Who wrote the opticData: the cloud's (no ADD there) is read as written there, see recordOpticData. */
    opticFrom: OpticSource = unit.origin === 'cloud' ? 'cloud' : 'staff',
  ): Promise<CustomerRow> {
    const { trx } = unit;
    const now = this.clock.now().toISOString();
    const current = await this.findLive(trx, input.id);
    if (current.summary_at !== null && unit.origin !== 'cloud') assertSummaryEdit(input);
    const before = await this.auditView(trx, current);
    const patch = input.customerData ?? {};
    const next = {
      first_name: patch.firstName ?? current.first_name,
      last_name: patch.lastName ?? current.last_name,
      email: patch.email ?? current.email,
      phone_number: patch.phoneNumber ?? current.phone_number,
      date_of_birth: patch.dateOfBirth ?? current.date_of_birth,
      sex: patch.sex ?? current.sex,
    };
    // The same rule as on create (CustomerDataInput), on the customer as it would be once saved.
    if (next.email === '' && next.phone_number === '') throw unreachable();
    if (patch.email && emailKey(patch.email) !== current.email_key) {
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
        ...consentColumns(input.consent, current, now),
      })
      .where('id', '=', current.id)
      .execute()
      .catch(rethrowEmailTaken);

    if (input.address) await this.mergeAddress(trx, current.id, input.address);
    let rxRecorded = false;
    if (input.opticData) {
      const legacy = await this.legacyOptic(trx, current.id);
      rxRecorded = await this.prescriptions.recordOpticData(unit, current.id, input.opticData, legacy, opticFrom);
    }
    const updated = await this.findLive(trx, current.id);
    const after = await this.auditView(trx, updated);
    // An update that only recorded a prescription version changed nothing of the customer's own.
    const ownChanged = JSON.stringify(after) !== JSON.stringify(before);
    if (ownChanged) unit.record({ entity: 'customer', entityId: current.id, customerId: current.id, action: 'update', before, after });
    // A save that changed nothing is not a change: not dated, nothing recorded, nothing sent.
    if (!ownChanged && !rxRecorded) return updated;
    await trx.updateTable('customers').set({ updated_at: now }).where('id', '=', current.id).execute();
    return { ...updated, updated_at: now };
  }

  /** Soft delete: the customer leaves get/list and frees its email; its rows stay. */
  async delete(id: string, actor: Actor) {
    const deleted = await this.softDelete([id], actor);
    if (deleted.length === 0) throw notFound();
    return { message: 'Customer successfully deleted', customerId: id };
  }

  async bulkDelete(ids: string[], actor: Actor) {
    const deleted = await this.softDelete([...new Set(ids)], actor);
    if (deleted.length === 0) throw new AppError('customer.notFound', 'No valid customers found to delete');
    return { message: `Successfully deleted ${deleted.length} customer(s)`, deletedCount: deleted.length };
  }

  private softDelete(ids: string[], actor: Actor): Promise<string[]> {
    return this.writes.run(actor, (unit) => this.deleteIn(unit, ids));
  }

  /** Soft-deletes inside the caller's unit; returns the ids that were live. */
  async deleteIn(unit: Unit, ids: string[]): Promise<string[]> {
    const now = this.clock.now().toISOString();
    const rows = await unit.trx
      .updateTable('customers')
      .set({ deleted_at: now, updated_at: now })
      .where('id', 'in', ids)
      .where('deleted_at', 'is', null)
      .returning('id')
      .execute();
    unit.record(rows.map((r) => ({ entity: 'customer', entityId: r.id, customerId: r.id, action: 'delete', before: { deletedAt: null }, after: { deletedAt: now } })));
    return rows.map((r) => r.id);
  }

  /**
   * Brings a deleted (not purged) customer back, e.g. staff keeping their edit after the customer
   * was deleted on another PC. It is queued as a create: the cloud has forgotten it.
   */
  async undeleteIn(unit: Unit, id: string): Promise<CustomerRow> {
    const { trx } = unit;
    const row = await trx.selectFrom('customers').selectAll().where('id', '=', id).where('deleted_at', 'is not', null).where('purged_at', 'is', null).executeTakeFirst();
    if (!row) throw notFound();
    if (row.email !== '') await this.assertEmailFree(trx, row.email, row.id);
    const now = this.clock.now().toISOString();
    await trx.updateTable('customers').set({ deleted_at: null, updated_at: now }).where('id', '=', id).execute();
    unit.record({ entity: 'customer', entityId: id, customerId: id, action: 'undelete', before: { deletedAt: row.deleted_at }, after: { deletedAt: null } });
    return { ...row, deleted_at: null, updated_at: now };
  }

  private async insertMany(inputs: CustomerCreate[], actor: Actor): Promise<CustomerRow[]> {
    const email = inputs.length === 1 ? inputs[0]!.customerData.email : undefined;
    if (email) await this.assertEmailFree(this.db, email, null);
    return this.writes.run(actor, (unit) => this.insertIn(unit, inputs));
  }

  /** Inserts customers inside the caller's unit (a create from the cloud is not sent back). */
  async insertIn(unit: Unit, inputs: CustomerCreate[]): Promise<CustomerRow[]> {
    const { trx } = unit;
    const now = this.clock.now().toISOString();
    const rows: CustomerRow[] = inputs.map((input) => {
      // What a walk-in did not give is '' (the contract's reading; customers/completeness.ts).
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
        marketing_consent_at: input.consent?.marketing ? now : null,
        sms_consent_at: input.consent?.sms ? now : null,
        purged_at: null,
        summary_at: null,
      };
    });
    // A prepared statement: at 100,000 rows, compiling multi-row inserts costs more than SQLite.
    // It runs on the transaction's own connection (better-sqlite3 has just one).
    const insert = this.insertCustomer ??= this.sqlite.prepare(
      `insert into customers (${CUSTOMER_COLUMNS.join(', ')}) values (${CUSTOMER_COLUMNS.map((c) => `@${c}`).join(', ')})`,
    );
    try {
      for (const row of rows) insert.run(row);
    } catch (err) {
      rethrowEmailTaken(err);
    }
    const addresses = inputs.flatMap((input, i) =>
      input.address ? [{ id: uuidv7(), customer_id: rows[i]!.id, ...addressColumns(input.address) }] : [],
    );
    for (let i = 0; i < addresses.length; i += INSERT_CHUNK) {
      await trx.insertInto('customer_addresses').values(addresses.slice(i, i + INSERT_CHUNK)).execute();
    }
    unit.record(rows.map((row, i) => ({ entity: 'customer', entityId: row.id, customerId: row.id, action: 'create', after: { ...localData(row), address: inputs[i]?.address ?? null } })));
    for (const [i, input] of inputs.entries()) {
      if (input.opticData) await this.prescriptions.recordOpticData(unit, rows[i]!.id, input.opticData, null);
    }
    return rows;
  }

  private async mergeAddress(trx: Db, customerId: string, patch: NonNullable<CustomerUpdate['address']>) {
    const current = await trx.selectFrom('customer_addresses').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
    if (!current) {
      const columns = addressColumns(patch);
      if (Object.values(columns).every((v) => v === null)) return; // nothing to add
      await trx.insertInto('customer_addresses').values({ id: uuidv7(), customer_id: customerId, ...columns }).execute();
      return;
    }
    // Absent fields stay; a field sent empty or null is cleared.
    const set: Partial<Record<(typeof addressColumnNames)[keyof AddressPatch], string | null>> = {};
    for (const [key, column] of Object.entries(addressColumnNames) as [keyof AddressPatch, (typeof addressColumnNames)[keyof AddressPatch]][]) {
      if (key in patch) set[column] = patch[key] ?? null;
    }
    if (Object.keys(set).length > 0) await trx.updateTable('customer_addresses').set(set).where('id', '=', current.id).execute();
  }

  /** What the audit trail keeps of a customer: the personal data and address (prescriptions have their own). */
  private async auditView(db: Db, row: CustomerRow) {
    const addr = await db.selectFrom('customer_addresses').select(['street', 'city', 'zip_code', 'state']).where('customer_id', '=', row.id).executeTakeFirst();
    return { ...localData(row), address: addr ?? null, consent: { marketingAt: row.marketing_consent_at, smsAt: row.sms_consent_at } };
  }

  /** opticData saved before prescriptions were versioned (or as the cloud sent it), if any. */
  private async legacyOptic(db: Db, customerId: string): Promise<(OpticValues & { id: string; customerId: string }) | null> {
    const row = await db.selectFrom('customer_optic_data').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
    return row ? { id: row.id, ...(JSON.parse(row.data) as OpticValues), customerId } : null;
  }

  private async findLive(db: Db, id: string): Promise<CustomerRow> {
    const row = await db.selectFrom('customers').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    if (!row) throw notFound();
    return row;
  }

  private async assertEmailFree(db: Db, email: string, exceptId: string | null) {
    let q = db.selectFrom('customers').select('id').where('email_key', '=', emailKey(email)).where('deleted_at', 'is', null);
    if (exceptId) q = q.where('id', '!=', exceptId);
    const holder = await q.executeTakeFirst();
    // Named, so staff can open the customer who has it instead of typing them again.
    if (holder) throw emailTaken(holder.id);
  }

  /**
   * Brings the search index up to date with customers a unit changed, as the file has them now it
   * committed (a change undone by a savepoint is read as undone). Before the index is loaded there
   * is nothing to do: its load reads the file.
   */
  private async reindex(ids: string[]): Promise<void> {
    if (!this.index && !this.indexLoading) return;
    // Many at once (an import, its undo): merging them in held the event loop for seconds at
    // 100,000 customers. The index is built again in slices instead, searches answered from the
    // store meanwhile (page()), as at opening.
    if (ids.length >= REBUILD_PAST) return this.rebuildIndex();
    // Told at once, in the commit's turn: a search from then on reads these from the store.
    for (const id of ids) this.loaded?.changed.add(id);
    const live = new Map<string, IndexEntry>();
    try {
      // A statement per slice of ids (an import's 100,000 too), each bound as one JSON array; only
      // the entries are kept, never every row at once.
      for (let i = 0; i < ids.length; i += REINDEX_SLICE) {
        const rows = await this.db
          .selectFrom('customers')
          .select(INDEX_COLUMNS)
          .select(seenAtColumn)
          .where(sql<boolean>`id in (select value from json_each(${JSON.stringify(ids.slice(i, i + REINDEX_SLICE))}))`)
          .where('deleted_at', 'is', null)
          .execute();
        for (const r of rows) live.set(r.id, indexEntry(r));
      }
    } catch (err) {
      // An index that missed a change is dropped: the next search loads it again from the file. A
      // load under way is superseded too, or it would be kept without the change (review 27).
      this.dropIndex();
      throw err;
    }
    const gone = ids.filter((id) => !live.has(id));
    this.onIndex((index) => {
      index.upsert([...live.values()]);
      index.remove(gone);
    });
  }

  /** Applies a committed change to the search index, now or once it has loaded. */
  private onIndex(change: (index: CustomerSearchIndex) => void) {
    if (this.index) change(this.index);
    else if (this.indexLoading) this.missedByLoad.push(change);
  }

  /** Loads the search index on first use (or from warmUp()); later calls share the same load. */
  private searchIndex(): Promise<CustomerSearchIndex> {
    if (this.index) return Promise.resolve(this.index);
    if (this.indexLoading) return this.indexLoading;
    const generation = ++this.indexGeneration;
    // Stopped when the app closes, or when a newer load replaces it (dropIndex()).
    const replaced = (this.loadReplaced = new AbortController());
    const stop = AbortSignal.any([this.indexing.signal, replaced.signal]);
    this.indexLoading = (async () => {
      // Its threads started on a turn of their own, not in the caller's (the opening's, ~5 ms for two).
      await nextTurnAhead();
      this.indexing.signal.throwIfAborted(); // a close meanwhile found no readers to end: none are started
      const readers = (this.readers = { pages: this.openReader(), searches: this.openReader() });
      const loaded: LoadedSoFar = (this.loaded = { columns: new IndexColumns(), slots: 0, through: null, complete: false, changed: new Set() });
      try {
        const index = await CustomerSearchIndex.build(await this.indexColumns(loaded, stop), undefined, stop);
        // A rebuild started meanwhile dropped the changes this load missed: its callers get the
        // rebuild's index, not this one (an export waiting here lost a rename; review 26).
        if (generation !== this.indexGeneration) return this.searchIndex();
        for (const change of this.missedByLoad.splice(0)) change(index);
        this.index = index;
        this.loaded = null;
        return index;
      } catch (err) {
        if (generation !== this.indexGeneration) {
          // Replaced while it read (it stopped, or failed meanwhile): its callers get the newer load's index.
          if (!this.indexing.signal.aborted) return this.searchIndex();
          // Closing: said as such, not as the replacement that stopped it first (review 29).
          throw this.indexing.signal.reason;
        }
        // A failed load is retried by the next search; changes since are in the file anyway.
        this.indexLoading = null;
        this.missedByLoad = [];
        throw err;
      } finally {
        if (this.loaded === loaded) this.loaded = null;
        if (this.readers === readers) this.readers = null;
        await closeReaders(readers);
      }
    })();
    return this.indexLoading;
  }

  /** Drops the index (and any load under way) and builds it again from the file, in the background. */
  private rebuildIndex(): void {
    this.dropIndex();
    this.searchIndex().catch(() => undefined);
  }

  /**
   * Drops the index, and stops a load under way at its next page: it read on to the end with its
   * two reader threads (8 batches back to back left 16 running; review 27).
   */
  private dropIndex(): void {
    this.indexGeneration++;
    this.loadReplaced?.abort(new AppError('app.closing', 'Replaced by a newer load of the search index'));
    this.loadReplaced = null;
    this.index = null;
    this.indexLoading = null;
    this.loaded = null;
    this.missedByLoad = [];
  }

  /**
   * Every live customer as the index holds them, read a page at a time with a pause between pages:
   * one statement over 100,000 customers (and their latest prescription and document) would hold
   * the event loop for a second. Each page goes into the columns and its rows go: kept as entries
   * until the build, 1,000,000 of them were millions of objects marked by every major collection.
   */
  private async indexColumns(loaded: LoadedSoFar, stop: AbortSignal): Promise<IndexColumns> {
    const { columns } = loaded;
    // Room for every row there ever was (the rowid's top, read off the table's b-tree) and some
    // new customers: made once, not grown page by page (see IndexColumns.reserve()).
    const { top } = await this.db.selectFrom('customers').select(sql<number | null>`max(rowid)`.as('top')).executeTakeFirstOrThrow();
    await columns.reserveInTurns((top ?? 0) + ((top ?? 0) >>> 4) + 1024, nextTurn);
    const read = this.readAside('pages');
    let after = '';
    for (;;) {
      // Each page on a turn of its own, the first too: read in the opening's turn, it was added to it.
      await nextTurn();
      stop.throwIfAborted();
      const page = this.db
        .selectFrom('customers')
        .select(INDEX_COLUMNS)
        .select(seenAtColumn)
        .where('deleted_at', 'is', null)
        .where('id', '>', after)
        .orderBy('id')
        .limit(INDEX_PAGE);
      const rows = (await read(page)) ?? (await page.execute());
      stop.throwIfAborted();
      // In slices too: a page's 2,000 rows took 30–55 ms on a cold start, their code not yet compiled.
      await runInSlices(pushing(columns, rows), undefined, stop);
      // Whole pages only: a search meanwhile scans these slots and reads the store past `through`.
      if (rows.length > 0) loaded.through = after = (rows[rows.length - 1] as (typeof rows)[number]).id;
      loaded.slots = columns.length;
      loaded.complete = rows.length < INDEX_PAGE;
      if (loaded.complete) return columns;
    }
  }

  /**
   * Reads no one should hold the event loop for (the index's pages, a search before the index is
   * there): in one of the load's reader threads while it runs. Null without a reader, or from one
   * that failed (it could not open the file, it stopped): the caller reads on the store's
   * connection, in its own measure; unless the app is closing.
   */
  private readAside(which: keyof Readers): ReadRows {
    return async (query) => {
      const reader = this.readers?.[which];
      if (!reader) return null;
      try {
        return await reader.all(query.compile());
      } catch {
        this.indexing.signal.throwIfAborted();
        return null;
      }
    };
  }

  /** Builds the search index ahead of the first keystroke (at start). */
  async warmUp(): Promise<void> {
    await this.searchIndex();
  }
}

/**
 * Rows into the columns, pausable every 16: in a fresh process the first pages run before their
 * code is compiled, and 100 rows then took up to 50 ms (a cold 1,000,000-customer start).
 */
function* pushing(columns: IndexColumns, rows: readonly IndexRow[]): Generator<void, void> {
  for (let i = 0; i < rows.length; i++) {
    columns.push(indexEntry(rows[i] as IndexRow));
    if (i % 16 === 15) yield;
  }
}

type Readers = { pages: ReaderThread | null; searches: ReaderThread | null };

async function closeReaders(readers: Readers): Promise<void> {
  await Promise.all([readers.pages?.close(), readers.searches?.close()]);
}

/**
 * A customer's latest prescription version or document (added or removed), read beside its row:
 * "most recently seen" counts them without touching the synced row's updated_at.
 */
type AddressPatch = NonNullable<CustomerUpdate['address']>;
const addressColumnNames = { street: 'street', city: 'city', zipCode: 'zip_code', state: 'state' } as const;

function addressColumns(a: AddressPatch) {
  return { street: a.street ?? null, city: a.city ?? null, zip_code: a.zipCode ?? null, state: a.state ?? null };
}

/** A consent given keeps the date it was first given; withdrawn, it is cleared. */
function consentColumns(consent: CustomerUpdate['consent'], current: CustomerRow, now: string) {
  const at = (given: boolean | undefined, was: string | null) => (given === undefined ? was : given ? (was ?? now) : null);
  return {
    marketing_consent_at: at(consent?.marketing, current.marketing_consent_at),
    sms_consent_at: at(consent?.sms, current.sms_consent_at),
  };
}

/**
 * While a customer's detail is on its way, only what the cloud's list gave may change here (names,
 * email) and what is local anyway (consent): a phone typed now would meet the cloud's at the merge
 * with no base, and an empty one must never be sent as if it were a value.
 */
function assertSummaryEdit(input: CustomerUpdate): void {
  const lacking = Object.keys(input.customerData ?? {}).filter((k) => !['firstName', 'lastName', 'email'].includes(k)).map((k) => `customerData.${k}`);
  if (input.address) lacking.push('address');
  if (input.opticData) lacking.push('opticData');
  if (lacking.length === 0) return;
  const message = 'This customer’s details are still arriving from the cloud; change this once they are here';
  throw new AppError('customer.detailsArriving', message, Object.fromEntries(lacking.map((p) => [p, [message]])));
}

function notFound() {
  return new AppError('customer.notFound', 'Customer not found');
}

function unreachable() {
  const reach = say('customer.reach', {}, REACH_MESSAGE);
  return AppError.fields({ 'customerData.email': [reach], 'customerData.phoneNumber': [reach] }, REACH_MESSAGE);
}

function emailTaken(customerId?: string) {
  return new AppError('customer.emailTaken', EMAIL_TAKEN, { 'customerData.email': [EMAIL_TAKEN] }, customerId ? { customerId } : undefined);
}

/** The unique index is the final word on duplicates (e.g. two in one import batch). */
function rethrowEmailTaken(err: unknown): never {
  if (err instanceof Error && 'code' in err && err.code === 'SQLITE_CONSTRAINT_UNIQUE' && /email_key/.test(err.message)) {
    throw emailTaken();
  }
  throw err;
}

