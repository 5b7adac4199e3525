import type { Kysely } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0006_sync_refused',
  async up(db: Kysely<unknown>) {
    // Cloud customers the local rules refused, at the cloud version refused: not fetched again
    // until that version changes, counted as known, and shown to staff on the Sync screen.
    await db.schema
      .createTable('sync_refused')
      .addColumn('cloud_id', 'text', (c) => c.primaryKey())
      .addColumn('remote_updated_at', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('field', 'text')
      .addColumn('value', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('detected_at', 'text', (c) => c.notNull())
      .execute();
  },
} satisfies Migration;
