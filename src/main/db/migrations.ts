import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';
import { GENESIS_HASH, REDACTED_BEFORE_CHAIN, newSalt, rowHash, valuesDigest } from '../audit/chain';
import { createAuditTriggerSql } from '../audit/triggers';

/*
 * Migrations are compiled into the bundle (no folder scanning at run time), numbered, and never edited
 * once landed: add a new one instead. The schema version is the number of migrations.
 */
export const migrations: Record<string, Migration> = {
  '0001_customers': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('customers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('local_data_id', 'text', (c) => c.notNull())
        .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('first_name', 'text', (c) => c.notNull())
        .addColumn('last_name', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('email_key', 'text', (c) => c.notNull())
        .addColumn('phone_number', 'text', (c) => c.notNull())
        .addColumn('date_of_birth', 'text', (c) => c.notNull())
        .addColumn('sex', 'text', (c) => c.notNull().check(sql`sex in ('male', 'female', '')`)) // '' once purged
        .addColumn('search_text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('deleted_at', 'text')
        .execute();
      // Email is unique per store among customers that are not deleted (a deleted one frees it).
      await sql`create unique index customers_email_key on customers (email_key) where deleted_at is null`.execute(db);
      await sql`create index customers_updated_at on customers (updated_at)`.execute(db);

      await db.schema
        .createTable('customer_addresses')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull().unique().references('customers.id').onDelete('cascade'))
        .addColumn('street', 'text')
        .addColumn('city', 'text')
        .addColumn('zip_code', 'text')
        .addColumn('state', 'text')
        .execute();

      await db.schema
        .createTable('customer_optic_data')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull().unique().references('customers.id').onDelete('cascade'))
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0002_prescriptions_and_attachments': {
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
  },
  '0003_staff_audit_settings': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('staff')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('username_key', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'staff')`))
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('pin_hash', 'text')
        .addColumn('disabled_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      // Who changed what, when, with the values before and after; written in the change's own
      // transaction. Append-only: the only update allowed is a purge blanking personal data.
      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('staff_id', 'text')
        .addColumn('staff_name', 'text', (c) => c.notNull())
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .addColumn('redacted', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`create index audit_by_entity on audit_log (entity, entity_id, id)`.execute(db);
      await sql`create index audit_by_staff on audit_log (staff_id, id)`.execute(db);
      await sql.raw(createAuditTriggerSql('audit_log_no_delete')).execute(db);
      await sql`create trigger audit_log_only_redact before update on audit_log
        when not (old.redacted = 0 and new.redacted = 1 and new.id = old.id and new.at = old.at
          and new.staff_id is old.staff_id and new.staff_name = old.staff_name and new.entity = old.entity
          and new.entity_id = old.entity_id and new.action = old.action and new.before is null and new.after is null)
        begin select raise(abort, 'audit_log is append-only'); end`.execute(db);

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      // Consent is recorded with the date it was given (null: not given).
      await db.schema.alterTable('customers').addColumn('marketing_consent_at', 'text').execute();
      await db.schema.alterTable('customers').addColumn('sms_consent_at', 'text').execute();
      await db.schema.alterTable('customers').addColumn('purged_at', 'text').execute();
    },
  },
  '0004_sync': {
    async up(db: Kysely<unknown>) {
      // One pending change per entity (later writes coalesce into it); `revision` counts the writes,
      // so a push that read revision n completes only if no write came in while it was on the wire.
      await db.schema
        .createTable('sync_outbox')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('entity', 'text', (c) => c.notNull().check(sql`entity in ('customer', 'attachment')`))
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('op', 'text', (c) => c.notNull().check(sql`op in ('create', 'update', 'delete')`))
        .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('changed_at', 'text', (c) => c.notNull())
        // Set once a push was tried: a create may then exist in the cloud already (outcome unknown).
        .addColumn('tried_at', 'text')
        .addColumn('sent_fields', 'text')
        .addColumn('parked_at', 'text')
        .addColumn('parked_error', 'text')
        .addUniqueConstraint('sync_outbox_entity', ['entity', 'entity_id'])
        .execute();
      await sql`create index sync_outbox_by_customer on sync_outbox (customer_id)`.execute(db);

      // Local id <-> cloud id, and the cloud copy this entity was last in sync with (the merge base).
      await db.schema
        .createTable('sync_links')
        .addColumn('local_id', 'text', (c) => c.primaryKey())
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('cloud_id', 'text', (c) => c.notNull())
        .addColumn('shadow', 'text')
        .addColumn('remote_updated_at', 'text')
        .addColumn('synced_at', 'text', (c) => c.notNull())
        .execute();
      await sql`create unique index sync_links_cloud on sync_links (entity, cloud_id)`.execute(db);

      // The losing side of a merge, kept for staff to review (keep mine / keep theirs).
      await db.schema
        .createTable('sync_conflicts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('field', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('field', 'deleted')`))
        .addColumn('mine', 'text')
        .addColumn('theirs', 'text')
        .addColumn('kept', 'text', (c) => c.notNull().check(sql`kept in ('mine', 'theirs')`))
        .addColumn('detected_at', 'text', (c) => c.notNull())
        .addColumn('resolved_at', 'text')
        .addColumn('resolution', 'text')
        .addColumn('resolved_by', 'text')
        .execute();
      await sql`create index sync_conflicts_open on sync_conflicts (customer_id) where resolved_at is null`.execute(db);

      // Everything already in the store reaches the cloud once sync is set up.
      await sql`insert into sync_outbox (entity, entity_id, customer_id, op, changed_at)
        select 'customer', id, id, 'create', updated_at from customers where deleted_at is null`.execute(db);
      await sql`insert into sync_outbox (entity, entity_id, customer_id, op, changed_at)
        select 'attachment', a.id, a.customer_id, 'create', a.created_at from attachments a
        join customers c on c.id = a.customer_id where a.removed_at is null and c.deleted_at is null`.execute(db);
    },
  },
  '0005_audit_chain': {
    async up(db: Kysely<unknown>) {
      // Each audit row sealed onto a hash chain (audit/chain.ts says why and how). Rows already there
      // are sealed here, oldest first; rows a purge had blanked carry a marker digest instead.
      await sql`alter table audit_log add column salt text`.execute(db);
      await sql`alter table audit_log add column values_digest text`.execute(db);
      await sql`alter table audit_log add column hash text`.execute(db);
      await sql`drop trigger audit_log_only_redact`.execute(db);

      type Row = { id: number; at: string; staff_id: string | null; staff_name: string; entity: string; entity_id: string; action: string; before: string | null; after: string | null; redacted: number };
      let prevHash = GENESIS_HASH;
      let lastId = 0;
      for (;;) {
        const page = (await sql<Row>`select id, at, staff_id, staff_name, entity, entity_id, action, before, after, redacted
          from audit_log where id > ${lastId} order by id limit 1000`.execute(db)).rows;
        if (page.length === 0) break;
        for (const r of page) {
          const salt = r.redacted === 1 ? null : newSalt();
          const digest = salt === null ? REDACTED_BEFORE_CHAIN : valuesDigest(salt, r.before, r.after);
          const hash = rowHash(prevHash, { id: r.id, at: r.at, staffId: r.staff_id, staffName: r.staff_name, entity: r.entity, entityId: r.entity_id, action: r.action, valuesDigest: digest });
          await sql`update audit_log set salt = ${salt}, values_digest = ${digest}, hash = ${hash} where id = ${r.id}`.execute(db);
          prevHash = hash;
          lastId = r.id;
        }
      }

      // The only update left is a purge's: values and salt blanked, the sealed digest and seal kept.
      // (audit/triggers.ts holds it, for the check at every start to put it back the same.)
      await sql.raw(createAuditTriggerSql('audit_log_only_redact')).execute(db);
    },
  },
  '0006_sync_refused': {
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
  },
};

export function providerOf(set: Record<string, Migration>): MigrationProvider {
  return { getMigrations: async () => set };
}
