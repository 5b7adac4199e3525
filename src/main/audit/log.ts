import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../shared/errors';
import type { AuditEntity, AuditEntry } from '../../shared/staff/schema';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import type { AuditQuery } from './access';
import { auditTableExists } from './anchor';
import { chainHead, newSalt, rowHash, valuesDigest } from './chain';

/** A change refused because the audit table was dropped outside the app: it could not be recorded. */
export function trailMissingError(): AppError {
  return new AppError('audit.trailMissing', 'The audit trail is missing from the database (removed outside OptiCounter): nothing can be saved. Restore a backup.');
}

/** Who did something: a signed-in staff member, or the app itself (e.g. 'sync'). */
export interface Actor {
  staffId: string | null;
  username: string;
}

/** The app itself acting (start-up repairs, the daily backup, re-applying the purge ledger). */
export const SYSTEM_ACTOR: Actor = { staffId: null, username: 'system' };

export interface AuditEvent {
  entity: AuditEntity;
  entityId: string;
  action: string;
  before?: unknown;
  after?: unknown;
}

/**
 * The audit trail. It is written through the unit of work (unit-of-work.ts), inside the transaction of the change it describes, so
 * the change and its record commit or roll back together. There is no way to edit or delete a row;
 * the table refuses it (migration 0003), except a purge blanking personal values. The triggers stop
 * the app; the hash chain (chain.ts) makes an edit by anyone else show.
 */
export class AuditLog {
  private insert: BetterSqlite3.Statement | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly sqlite: BetterSqlite3.Database,
    private readonly clock: Clock,
    /** Told after rows are appended (the anchor writer, anchor.ts, writes the head once they commit). */
    private readonly appended: () => void = () => {},
  ) {}

  /**
   * Writes on the transaction's own connection (better-sqlite3 has one) with a prepared statement:
   * imports audit 100,000 rows, where compiling inserts would cost more than writing them. Each row
   * is sealed onto the chain (chain.ts): its id is given here so the seal can cover it.
   */
  recordMany(_trx: Transaction<Database>, actor: Actor, events: AuditEvent[]): void {
    this.append(actor, events);
  }

  /** The same, for a change made through better-sqlite3 itself (its transaction open): the guards' repair. */
  append(actor: Actor, events: AuditEvent[]): void {
    if (!this.sqlite.inTransaction) throw new Error('The audit trail is written inside the transaction of the change');
    try {
      this.insert ??= this.sqlite.prepare(
        'insert into audit_log (id, at, staff_id, staff_name, entity, entity_id, action, before, after, salt, values_digest, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
    } catch (err) {
      // Dropped outside the app (the start's check reports it): a change that cannot be recorded is refused, plainly.
      if (!auditTableExists(this.sqlite)) throw trailMissingError();
      throw err;
    }
    const at = this.clock.now().toISOString();
    let { nextId: id, prevHash } = chainHead(this.sqlite);
    for (const e of events) {
      const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
      const before = json(e.before);
      const after = json(e.after);
      const salt = newSalt();
      const digest = valuesDigest(salt, before, after);
      const hash = rowHash(prevHash, { id, at, staffId: actor.staffId, staffName: actor.username, entity: e.entity, entityId: e.entityId, action: e.action, valuesDigest: digest });
      this.insert.run(id, at, actor.staffId, actor.username, e.entity, e.entityId, e.action, before, after, salt, digest, hash);
      prevHash = hash;
      id++;
    }
    this.appended();
  }

  /** Reads the trail for a query that passed the access rule (audit/access.ts). */
  async list(q: AuditQuery): Promise<AuditEntry[]> {
    let query = this.db
      .selectFrom('audit_log')
      .selectAll('audit_log')
      // Accounts are disabled, never deleted: a past change keeps its author's name.
      .select((eb) => eb.selectFrom('staff').select('staff.display_name').whereRef('staff.id', '=', 'audit_log.staff_id').as('display_name'))
      .orderBy('id', 'desc')
      .limit(q.limit);
    if (q.entities) query = query.where('entity', 'in', q.entities);
    if (q.customerId !== undefined) {
      const id = q.customerId;
      query = query.where((eb) =>
        eb.or([
          eb.and([eb('entity', '=', 'customer'), eb('entity_id', '=', id)]),
          // A customer merged into this one (and not brought back): its own history shows here, through the merge record.
          eb.and([eb('entity', '=', 'customer'), eb('entity_id', 'in', eb.selectFrom('customer_merges').select('customer_merges.merge_id').where('customer_merges.keep_id', '=', id).where('customer_merges.unmerged_at', 'is', null))]),
          eb.and([eb('entity', '=', 'prescription'), eb('entity_id', 'in', eb.selectFrom('prescriptions').select('prescriptions.id').where('prescriptions.customer_id', '=', id))]),
          eb.and([eb('entity', '=', 'attachment'), eb('entity_id', 'in', eb.selectFrom('attachments').select('attachments.id').where('attachments.customer_id', '=', id))]),
        ]),
      );
    }
    if (q.entity !== undefined) query = query.where('entity', '=', q.entity);
    if (q.entityId !== undefined) query = query.where('entity_id', '=', q.entityId);
    if (q.staffId !== undefined) query = query.where('staff_id', '=', q.staffId);
    if (q.from !== undefined) query = query.where('at', '>=', q.from);
    if (q.to !== undefined) query = query.where('at', '<=', q.to);
    const rows = await query.execute();
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      staffId: r.staff_id,
      staffName: r.staff_name,
      staffDisplayName: r.display_name ?? r.staff_name,
      entity: r.entity,
      entityId: r.entity_id,
      action: r.action,
      before: r.before === null ? null : JSON.parse(r.before),
      after: r.after === null ? null : JSON.parse(r.after),
    }));
  }

  /**
   * Blanks the recorded values about one entity (a purge); who/when/what stays, and so does each
   * row's sealed commitment to its values (chain.ts), so the chain still verifies. Returns the ids
   * blanked: the purge names them in its own audit row, which is how a blanking by hand is told apart.
   */
  async redact(trx: Transaction<Database>, entity: AuditEvent['entity'], entityId: string): Promise<number[]> {
    const rows = await trx.selectFrom('audit_log').select('id').where('entity', '=', entity).where('entity_id', '=', entityId).where('redacted', '=', 0).execute();
    if (rows.length === 0) return [];
    await trx.updateTable('audit_log').set({ before: null, after: null, salt: null, redacted: 1 }).where('entity', '=', entity).where('entity_id', '=', entityId).where('redacted', '=', 0).execute();
    return rows.map((r) => r.id);
  }
}
