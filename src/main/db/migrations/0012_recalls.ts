import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0012_recalls',
  async up(db: Kysely<unknown>) {
    // What staff heard when they called a customer back (issue 13 item 4): local only, audited, in
    // backups with the rest of the file. Deleted with the customer's row; a purge deletes them too.
    await db.schema
      .createTable('recall_outcomes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
      .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('called', 'noAnswer', 'booked', 'declined')`))
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .execute();
    await sql`create index recall_outcomes_by_customer on recall_outcomes (customer_id, date, recorded_at)`.execute(db);

    // One customer's own recall rule, set by staff: another interval, a fixed date, or none.
    await db.schema
      .createTable('recall_overrides')
      .addColumn('customer_id', 'text', (c) => c.primaryKey().references('customers.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('months', 'date', 'none')`))
      .addColumn('months', 'integer')
      .addColumn('due_date', 'text')
      .addColumn('set_at', 'text', (c) => c.notNull())
      .addColumn('set_by', 'text', (c) => c.notNull())
      .execute();

    // The recall list reads the current prescription of every customer: "is this version corrected?"
    // must be an index probe, not a scan per version.
    await sql`create index prescriptions_by_corrected on prescriptions (corrects_id) where corrects_id is not null`.execute(db);
  },
} satisfies Migration;
