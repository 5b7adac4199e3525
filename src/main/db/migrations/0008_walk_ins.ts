import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0008_walk_ins',
  async up(db: Kysely<unknown>) {
    // A walk-in saved without an email stores '' (issue 12): two of them are not duplicates, so the
    // uniqueness of emails among live customers leaves '' out.
    await sql`drop index customers_email_key`.execute(db);
    await sql`create unique index customers_email_key on customers (email_key) where deleted_at is null and email_key != ''`.execute(db);
  },
} satisfies Migration;
