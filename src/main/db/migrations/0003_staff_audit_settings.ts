import { type Kysely, sql } from 'kysely';
import { createAuditTriggerSql } from '../../audit/triggers';
import type { Migration } from '../migrate';

export default {
  name: '0003_staff_audit_settings',
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
} satisfies Migration;
