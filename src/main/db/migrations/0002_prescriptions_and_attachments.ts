import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0002_prescriptions_and_attachments',
  async up(db: Kysely<unknown>) {
    // Prescriptions are versions, never overwritten: a correction is a new row pointing at the old.
    await db.schema
      .createTable('prescriptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('exam_date', 'text', (c) => c.notNull())
      .addColumn('rx', 'text', (c) => c.notNull())
      .addColumn('corrects_id', 'text', (c) => c.references('prescriptions.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addUniqueConstraint('prescriptions_customer_version', ['customer_id', 'version'])
      .execute();
    await sql`create index prescriptions_by_customer on prescriptions (customer_id, exam_date, version)`.execute(db);

    // Files live content-addressed under <dataDir>/attachments; a row says whose and what it is.
    await db.schema
      .createTable('attachments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('mime_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('removed_at', 'text')
      .execute();
    await sql`create index attachments_by_customer on attachments (customer_id, created_at)`.execute(db);
  },
} satisfies Migration;
