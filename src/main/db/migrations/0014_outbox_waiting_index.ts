import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0014_outbox_waiting_index',
  async up(db: Kysely<unknown>) {
    // sync/outbox.ts releases what waited for a customer once per change sent or dropped: without an
    // index that read the whole queue each time, quadratic in an import's undo or its first push.
    // Few entries wait (a merge's delete for its kept customer's update): a partial index stays small.
    await sql`create index sync_outbox_waiting on sync_outbox (waits_for) where waits_for is not null`.execute(db);
  },
} satisfies Migration;
