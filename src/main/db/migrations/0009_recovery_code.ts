import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0009_recovery_code',
  async up(db: Kysely<unknown>) {
    // An owner's recovery code (issue 12 item 12), kept as an argon2id hash like the password beside
    // it; null for staff, and for owners of stores made before it until they make one in Settings.
    await sql`alter table staff add column recovery_hash text`.execute(db);
  },
} satisfies Migration;
