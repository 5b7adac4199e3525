import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0015_import_undo_marks',
  async up(db: Kysely<unknown>) {
    // An undo removes a batch's customers chunk by chunk: begun and not finished (a crash, a disk
    // error), the batch is shown interrupted rather than done as if all were still there.
    await sql`alter table import_batches add column undo_started_at text`.execute(db);
    // A batch's undo gives a merged customer its values back, and with them the stamp older batches
    // knew it by (import/undo.ts); found by customer. The customers' deletes cascade here too.
    await sql`create index import_items_by_customer on import_items (customer_id)`.execute(db);
  },
} satisfies Migration;
