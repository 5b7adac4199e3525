import { type Kysely, sql } from 'kysely';
import { GENESIS_HASH, REDACTED_BEFORE_CHAIN, newSalt, rowHash, valuesDigest } from '../../audit/chain';
import { createAuditTriggerSql } from '../../audit/triggers';
import type { Migration } from '../migrate';

export default {
  name: '0005_audit_chain',
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
} satisfies Migration;
