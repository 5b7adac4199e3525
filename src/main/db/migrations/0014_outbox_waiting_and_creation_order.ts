import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0014_outbox_waiting_and_creation_order',
  async up(db: Kysely<unknown>) {
    // sync/outbox.ts releases what waited for a customer once per change sent or dropped: without an
    // index that read the whole queue each time, quadratic in an import's undo or its first push.
    // Few entries wait (a merge's delete for its kept customer's update): a partial index stays small.
    await sql`create index sync_outbox_waiting on sync_outbox (waits_for) where waits_for is not null`.execute(db);
    // The customer list's default order (newest first) read off an index while the search index
    // builds (customers/cold-search.ts), not by sorting every customer.
    await sql`create index customers_by_creation on customers (created_at, id) where deleted_at is null`.execute(db);
  },
} satisfies Migration;
