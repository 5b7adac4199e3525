import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0007_single_version_record',
  async up(db: Kysely<unknown>) {
    // Up to 0006 the version was kept twice: kysely's migration table and PRAGMA user_version. From
    // here user_version alone says it (db/migrate.ts). The migrator has already read a store's
    // version from both and checked they agree (db/legacy-version.ts), so the old record can go.
    await sql`drop table if exists kysely_migration`.execute(db);
    await sql`drop table if exists kysely_migration_lock`.execute(db);
  },
} satisfies Migration;
