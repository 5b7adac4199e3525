import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0001_customers',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('customers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('local_data_id', 'text', (c) => c.notNull())
      .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('first_name', 'text', (c) => c.notNull())
      .addColumn('last_name', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_key', 'text', (c) => c.notNull())
      .addColumn('phone_number', 'text', (c) => c.notNull())
      .addColumn('date_of_birth', 'text', (c) => c.notNull())
      .addColumn('sex', 'text', (c) => c.notNull().check(sql`sex in ('male', 'female', '')`)) // '' once purged
      .addColumn('search_text', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      .execute();
    // Email is unique per store among customers that are not deleted (a deleted one frees it).
    await sql`create unique index customers_email_key on customers (email_key) where deleted_at is null`.execute(db);
    await sql`create index customers_updated_at on customers (updated_at)`.execute(db);

    await db.schema
      .createTable('customer_addresses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull().unique().references('customers.id').onDelete('cascade'))
      .addColumn('street', 'text')
      .addColumn('city', 'text')
      .addColumn('zip_code', 'text')
      .addColumn('state', 'text')
      .execute();

    await db.schema
      .createTable('customer_optic_data')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull().unique().references('customers.id').onDelete('cascade'))
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
  },
} satisfies Migration;
