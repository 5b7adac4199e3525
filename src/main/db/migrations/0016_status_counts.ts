import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0016_status_counts',
  async up(db: Kysely<unknown>) {
    // The sync status the header asks for after every change counted these by reading every customer
    // and every queued change: 1.5 s holding the event loop at 1,000,000 customers (~150 ms at
    // 100,000), each save. Partial indexes hold only the few they count (sync/outbox.ts counts(),
    // sync/waiting.ts, sync/details.ts).
    // Walk-ins saved incomplete (customers/completeness.ts, incompleteSql: the same terms, in the same
    // order, so SQLite sees the query's WHERE implies this one), in the Sync screen's order.
    await sql`create index customers_incomplete on customers (created_at, id) where deleted_at is null and (summary_at is null and (email = '' or phone_number = '' or date_of_birth = '' or sex = ''))`.execute(db);
    // Customers made from the cloud's list whose detail is still arriving (a first sync).
    await sql`create index customers_details_arriving on customers (id) where summary_at is not null and deleted_at is null`.execute(db);
    // Changes parked after the cloud refused them.
    await sql`create index sync_outbox_parked on sync_outbox (id) where parked_at is not null`.execute(db);
  },
} satisfies Migration;
