import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0004_sync',
  async up(db: Kysely<unknown>) {
    // One pending change per entity (later writes coalesce into it); `revision` counts the writes,
    // so a push that read revision n completes only if no write came in while it was on the wire.
    await db.schema
      .createTable('sync_outbox')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('entity', 'text', (c) => c.notNull().check(sql`entity in ('customer', 'attachment')`))
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('op', 'text', (c) => c.notNull().check(sql`op in ('create', 'update', 'delete')`))
      .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('changed_at', 'text', (c) => c.notNull())
      // Set once a push was tried: a create may then exist in the cloud already (outcome unknown).
      .addColumn('tried_at', 'text')
      .addColumn('sent_fields', 'text')
      .addColumn('parked_at', 'text')
      .addColumn('parked_error', 'text')
      .addUniqueConstraint('sync_outbox_entity', ['entity', 'entity_id'])
      .execute();
    await sql`create index sync_outbox_by_customer on sync_outbox (customer_id)`.execute(db);

    // Local id <-> cloud id, and the cloud copy this entity was last in sync with (the merge base).
    await db.schema
      .createTable('sync_links')
      .addColumn('local_id', 'text', (c) => c.primaryKey())
      .addColumn('entity', 'text', (c) => c.notNull())
      .addColumn('cloud_id', 'text', (c) => c.notNull())
      .addColumn('shadow', 'text')
      .addColumn('remote_updated_at', 'text')
      .addColumn('synced_at', 'text', (c) => c.notNull())
      .execute();
    await sql`create unique index sync_links_cloud on sync_links (entity, cloud_id)`.execute(db);

    // The losing side of a merge, kept for staff to review (keep mine / keep theirs).
    await db.schema
      .createTable('sync_conflicts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('field', 'deleted')`))
      .addColumn('mine', 'text')
      .addColumn('theirs', 'text')
      .addColumn('kept', 'text', (c) => c.notNull().check(sql`kept in ('mine', 'theirs')`))
      .addColumn('detected_at', 'text', (c) => c.notNull())
      .addColumn('resolved_at', 'text')
      .addColumn('resolution', 'text')
      .addColumn('resolved_by', 'text')
      .execute();
    await sql`create index sync_conflicts_open on sync_conflicts (customer_id) where resolved_at is null`.execute(db);

    // Everything already in the store reaches the cloud once sync is set up.
    await sql`insert into sync_outbox (entity, entity_id, customer_id, op, changed_at)
      select 'customer', id, id, 'create', updated_at from customers where deleted_at is null`.execute(db);
    await sql`insert into sync_outbox (entity, entity_id, customer_id, op, changed_at)
      select 'attachment', a.id, a.customer_id, 'create', a.created_at from attachments a
      join customers c on c.id = a.customer_id where a.removed_at is null and c.deleted_at is null`.execute(db);
  },
} satisfies Migration;
