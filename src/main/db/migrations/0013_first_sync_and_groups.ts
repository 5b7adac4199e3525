import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0013_first_sync_and_groups',
  async up(db: Kysely<unknown>) {
    // When a first sync made the customer from the cloud's list (name, email, groups) before its
    // detail arrived (issue 14): findable at once; what the list lacks is '' here, neither editable
    // nor sent, until the detail is fetched, which sets it back to null (every existing row).
    await sql`alter table customers add column summary_at text`.execute(db);
    // The cloud's groups (seed 001's list: groups [{id, name}]), kept as the cloud sends them.
    await db.schema
      .createTable('cloud_groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('customer_groups')
      .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
      .addColumn('group_id', 'text', (c) => c.notNull().references('cloud_groups.id'))
      .addPrimaryKeyConstraint('customer_groups_pk', ['customer_id', 'group_id'])
      .execute();
    await db.schema.createIndex('customer_groups_by_group').on('customer_groups').columns(['group_id', 'customer_id']).execute();
  },
} satisfies Migration;
