import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import type { Clock } from '../clock';
import type { Database, SyncOutboxTable } from '../db/schema';
import type { Fields } from './document';
import { incompleteSql } from '../customers/completeness';

export type OutboxEntry = Selectable<SyncOutboxTable>;

/**
 * An entry held back because its customer still lacks what the cloud requires (a walk-in saved
 * incomplete): no value is invented, so nothing of it goes (its files and prescriptions neither)
 * until staff complete it. A delete still goes: it needs no details.
 */
const HELD = sql<boolean>`(op != 'delete' and customer_id in (select c.id from customers c where c.deleted_at is null and ${sql.raw(incompleteSql('c'))}))`;

/** An entry whose `waits_for` customer still has a change queued (whatever its state). */
const WAITING = sql<boolean>`(waits_for is not null and exists (select 1 from sync_outbox w where w.entity = 'customer' and w.entity_id = sync_outbox.waits_for))`;

export interface LocalChange {
  entity: 'customer' | 'attachment';
  entityId: string;
  customerId: string;
  op: 'create' | 'update' | 'delete';
  /**
   * A customer whose queued change must reach the cloud first: this entry is not sent while that
   * customer has one waiting (held, parked or retried too). A merge's delete waits for the update.
   */
  waitsFor?: string;
}

/**
 * The outbox: every local write records its change here in the write's own transaction, so a change
 * can never be saved without being queued (or queued without being saved). Changes to one entity
 * coalesce into one entry: create+update is still a create, anything+delete is a delete, and a
 * create deleted before it was ever sent leaves nothing to send.
 */
export class Outbox {
  private statements: ReturnType<typeof prepare> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly sqlite: BetterSqlite3.Database,
    private readonly clock: Clock,
  ) {}

  /** Must run inside the transaction of the change (prepared statements on the one connection). */
  record(changes: LocalChange[]): void {
    const s = this.statementsInTransaction();
    const now = this.clock.now().toISOString();
    for (const c of changes) {
      const existing = s.find.get(c.entity, c.entityId) as Pick<OutboxEntry, 'id' | 'op' | 'tried_at'> | undefined;
      if (!existing) {
        s.insert.run(c.entity, c.entityId, c.customerId, c.op, now, c.waitsFor ?? null);
        continue;
      }
      const op = coalesce(existing.op, c.op);
      // Never sent, not even tried: the cloud has never heard of it, so there is nothing to undo.
      if (op === 'delete' && existing.op === 'create' && existing.tried_at === null) {
        s.remove.run(existing.id);
        // Its files cannot follow a customer the cloud will never have.
        if (c.entity === 'customer') s.removeFiles.run(c.entityId);
        if (c.entity === 'customer') s.release.run(c.entityId);
      } else s.bump.run(op, now, c.customerId, c.waitsFor ?? null, existing.id);
    }
    if (changes.length > 0) for (const listener of this.listeners) listener();
  }

  /** Called after a change is queued (the sync engine wakes up, debounced). */
  onRecord(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Entries to push, oldest first (there is one entry per entity), customers before files: a file
   * goes with or after its customer's own change, never ahead of it.
   */
  ready(limit: number): Promise<OutboxEntry[]> {
    return this.db
      .selectFrom('sync_outbox')
      .selectAll()
      .where('parked_at', 'is', null)
      .where(sql<boolean>`not ${HELD}`)
      .where(sql<boolean>`not ${WAITING}`)
      .orderBy(sql`entity = 'attachment'`)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  get(entity: LocalChange['entity'], entityId: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<OutboxEntry | undefined> {
    return db.selectFrom('sync_outbox').selectAll().where('entity', '=', entity).where('entity_id', '=', entityId).executeTakeFirst();
  }

  /** Before a write goes on the wire: from now on its outcome may be unknown. */
  async markSending(entry: OutboxEntry, fields: Fields, db: Kysely<Database> | Transaction<Database> = this.db): Promise<void> {
    const now = this.clock.now().toISOString();
    await db.updateTable('sync_outbox').set({ tried_at: now, sent_fields: JSON.stringify(fields) }).where('id', '=', entry.id).execute();
  }

  /** A write that never went out after all (its round ended first, or the cloud refused it with 429): its outcome is known. */
  async unmarkSending(entry: OutboxEntry): Promise<void> {
    await this.db.updateTable('sync_outbox').set({ tried_at: entry.tried_at, sent_fields: entry.sent_fields }).where('id', '=', entry.id).execute();
  }

  /**
   * Marks a pushed entry done — in the caller's transaction, with the link it produced — unless a
   * write came in while it was on the wire (then the entry stays, to be pushed again).
   */
  complete(entry: OutboxEntry): boolean {
    const s = this.statementsInTransaction();
    const done = s.complete.run(entry.id, entry.revision).changes === 1;
    // What waited for this customer's change (a merge's delete) may go now, even if it changes again.
    if (done && entry.entity === 'customer') s.release.run(entry.entity_id);
    return done;
  }

  completeAll(entries: OutboxEntry[]): void {
    for (const e of entries) this.complete(e);
  }

  /** A create that reached the cloud but has changed since: what is left to send is an update. */
  downgradeToUpdate(entry: OutboxEntry): void {
    this.statementsInTransaction().downgrade.run(entry.id);
  }

  /** Drops an entry whatever its revision (the entity is gone here or there). */
  drop(entity: LocalChange['entity'], entityId: string): void {
    const s = this.statementsInTransaction();
    s.drop.run(entity, entityId);
    if (entity === 'customer') s.release.run(entityId);
  }

  /** Whether a queued delete waits for this customer's change (a merge: kept updated, then the other deleted). */
  async isAwaited(customerId: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<boolean> {
    const row = await db.selectFrom('sync_outbox').select('id').where('waits_for', '=', customerId).where('op', '=', 'delete').executeTakeFirst();
    return row !== undefined;
  }

  /** Queues a customer's change from sync itself (what a push could not send yet goes next round). In the caller's transaction. */
  requeue(customerId: string): void {
    this.record([{ entity: 'customer', entityId: customerId, customerId, op: 'update' }]);
  }

  /**
   * Starts over with another cloud (another store, another address): every live customer and
   * document is queued as new, in the caller's transaction. The links to the old cloud go with it.
   */
  async requeueAll(trx: Transaction<Database>): Promise<void> {
    const now = this.clock.now().toISOString();
    await trx.deleteFrom('sync_outbox').execute();
    await sql`insert into sync_outbox (entity, entity_id, customer_id, op, changed_at)
      select 'customer', id, id, 'create', ${now} from customers where deleted_at is null`.execute(trx);
    await sql`insert into sync_outbox (entity, entity_id, customer_id, op, changed_at)
      select 'attachment', a.id, a.customer_id, 'create', ${now} from attachments a
      join customers c on c.id = a.customer_id where a.removed_at is null and c.deleted_at is null`.execute(trx);
  }

  /**
   * Whether a cloud customer with this email may be one of our own creates whose answer was lost:
   * a pull must not copy it here as someone new (the push links it instead).
   */
  async mayBeOurs(email: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<boolean> {
    const row = await db
      .selectFrom('sync_outbox')
      .select('id')
      .where('entity', '=', 'customer')
      .where('tried_at', 'is not', null)
      .where(sql<string>`lower(trim(json_extract(sent_fields, '$."customerData.email"')))`, '=', email.trim().toLowerCase())
      .executeTakeFirst();
    return row !== undefined;
  }

  async park(entry: OutboxEntry, message: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<void> {
    const now = this.clock.now().toISOString();
    await db.updateTable('sync_outbox').set({ parked_at: now, parked_error: message }).where('id', '=', entry.id).execute();
  }

  /** Puts parked entries back in the queue (all, or one); answers the entries put back. */
  async unpark(id?: number, db: Kysely<Database> | Transaction<Database> = this.db): Promise<Pick<OutboxEntry, 'entity' | 'entity_id' | 'customer_id'>[]> {
    let q = db.updateTable('sync_outbox').set({ parked_at: null, parked_error: null }).where('parked_at', 'is not', null);
    if (id !== undefined) q = q.where('id', '=', id);
    return q.returning(['entity', 'entity_id', 'customer_id']).execute();
  }

  /**
   * pending: what sync will send (not parked, not held back for details). Each count off an index of
   * its own (the parked and the held are few; migration 0016): one scan computing the three read every
   * queued change and its customer, and the status is asked after each save. One statement, so the
   * three are from the same moment.
   */
  async counts(): Promise<{ pending: number; parked: number }> {
    const row = await this.db
      .selectNoFrom((eb) => [
        eb.selectFrom('sync_outbox').select((c) => c.fn.countAll<number>().as('n')).as('all'),
        eb.selectFrom('sync_outbox').select((c) => c.fn.countAll<number>().as('n')).where('parked_at', 'is not', null).as('parked'),
        eb.selectFrom('sync_outbox').select((c) => c.fn.countAll<number>().as('n')).where('parked_at', 'is', null).where(HELD).as('held'),
      ])
      .executeTakeFirstOrThrow();
    return { pending: Number(row.all) - Number(row.parked) - Number(row.held), parked: Number(row.parked) };
  }

  /** The changes the cloud refused, parked for staff, oldest first, with their customer's name (one customer's, or all). */
  parked(customerId?: string) {
    let q = this.db
      .selectFrom('sync_outbox as o')
      .leftJoin('customers as c', 'c.id', 'o.customer_id')
      .select(['o.id', 'o.entity', 'o.entity_id', 'o.customer_id', 'o.op', 'o.parked_error', 'o.parked_at', 'c.first_name', 'c.last_name'])
      .where('o.parked_at', 'is not', null)
      .orderBy('o.id');
    if (customerId) q = q.where('o.customer_id', '=', customerId);
    return q.execute();
  }

  /**
   * The raw statements share better-sqlite3's one connection with kysely, so they must run inside a
   * kysely transaction (which holds that connection): outside one, they could land in someone
   * else's transaction.
   */
  private statementsInTransaction() {
    if (!this.sqlite.inTransaction) throw new Error('Outbox statements run inside a transaction');
    return (this.statements ??= prepare(this.sqlite));
  }
}

/** What an entry last sent, if it was tried. */
export function sentFields(entry: OutboxEntry | undefined): Fields | null {
  return entry?.sent_fields ? (JSON.parse(entry.sent_fields) as Fields) : null;
}

function coalesce(was: LocalChange['op'], next: LocalChange['op']): LocalChange['op'] {
  if (next === 'delete') return 'delete';
  // Brought back (a merge undone, before or after its delete went) or handed back its cloud record:
  // sent as new, or as an update of the cloud copy while linked (push.ts sends a linked create so).
  if (next === 'create') return 'create';
  if (was === 'delete') return 'delete';
  return was === 'create' ? 'create' : 'update';
}

function prepare(sqlite: BetterSqlite3.Database) {
  return {
    find: sqlite.prepare('select id, op, tried_at from sync_outbox where entity = ? and entity_id = ?'),
    insert: sqlite.prepare('insert into sync_outbox (entity, entity_id, customer_id, op, changed_at, waits_for) values (?, ?, ?, ?, ?, ?)'),
    // A new write may fix what made the cloud refuse the entry: it goes back in the queue. It names
    // the customer it now belongs to (a document moved by a merge) and what it waits for, if anything.
    bump: sqlite.prepare('update sync_outbox set op = ?, revision = revision + 1, changed_at = ?, customer_id = ?, waits_for = ?, parked_at = null, parked_error = null where id = ?'),
    remove: sqlite.prepare('delete from sync_outbox where id = ?'),
    removeFiles: sqlite.prepare("delete from sync_outbox where entity = 'attachment' and customer_id = ?"),
    complete: sqlite.prepare('delete from sync_outbox where id = ? and revision = ?'),
    downgrade: sqlite.prepare("update sync_outbox set op = 'update' where id = ? and op = 'create'"),
    drop: sqlite.prepare('delete from sync_outbox where entity = ? and entity_id = ?'),
    release: sqlite.prepare('update sync_outbox set waits_for = null where waits_for = ?'),
  };
}
