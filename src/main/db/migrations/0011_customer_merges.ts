import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0011_customer_merges',
  async up(db: Kysely<unknown>) {
    // A merge of two customers (issue 13, item 3), kept so it can be undone: the merged-away customer
    // stays soft-deleted with its own values; what the merge changed of the kept one and which
    // prescriptions (with their old version numbers) and documents moved are recorded here.
    await db.schema
      .createTable('customer_merges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('keep_id', 'text', (c) => c.notNull())
      .addColumn('merge_id', 'text', (c) => c.notNull())
      .addColumn('merged_at', 'text', (c) => c.notNull())
      .addColumn('merged_by', 'text', (c) => c.notNull())
      // JSON: the kept customer's fields the merge changed, before and after.
      .addColumn('kept_before', 'text', (c) => c.notNull())
      .addColumn('kept_after', 'text', (c) => c.notNull())
      // JSON: [{id, version}] of the prescriptions moved, and the ids of the documents moved.
      .addColumn('moved_prescriptions', 'text', (c) => c.notNull())
      .addColumn('moved_documents', 'text', (c) => c.notNull())
      // 1 when the kept customer, never sent, took the other's cloud record: an undo hands it back.
      .addColumn('link_moved', 'integer', (c) => c.notNull().defaultTo(0))
      // JSON: the recall calls moved, and whether the other's own recall rule moved (recalls/merge.ts).
      .addColumn('moved_recalls', 'text', (c) => c.notNull().defaultTo('{"outcomes":[],"override":false}'))
      .addColumn('unmerged_at', 'text')
      .addColumn('unmerged_by', 'text')
      .execute();
    await sql`create index customer_merges_keep on customer_merges (keep_id)`.execute(db);
    await sql`create index customer_merges_merge on customer_merges (merge_id)`.execute(db);

    // Pairs an owner said are not the same person: never listed again. a_id < b_id.
    await db.schema
      .createTable('customer_pair_dismissals')
      .addColumn('a_id', 'text', (c) => c.notNull())
      .addColumn('b_id', 'text', (c) => c.notNull())
      .addColumn('dismissed_at', 'text', (c) => c.notNull())
      .addColumn('dismissed_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('customer_pair_dismissals_pk', ['a_id', 'b_id'])
      .execute();

    // A change that must reach the cloud only after another customer's (a merged-away customer's
    // delete waits for the kept one's update): not sent while that customer has an entry queued.
    await sql`alter table sync_outbox add column waits_for text`.execute(db);
  },
} satisfies Migration;
