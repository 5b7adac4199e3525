import type BetterSqlite3 from 'better-sqlite3';
import type { AuditTriggerFinding } from '../../shared/audit/schema';

/*
 * The audit table's two guards: no delete, and no update but a purge's blanking. One definition,
 * used by the migrations that made them and by the check at every start (core.ts), which puts back a
 * guard that is missing or not as defined here. Someone with the file can still drop them; that a
 * guard was found missing is evidence of tampering even when every row's seal verifies, so the
 * repair is recorded as a sealed audit row (STORE_GUARD_ENTITY / GUARDS_RESTORED) that every later
 * check of the chain reports (audit/chain.ts), in this store and in its backups.
 *
 * Never change a definition in place: stores migrated earlier hold this exact text, and a different
 * one would be taken for a tampered trigger (a new guard would need a migration and both kept).
 */

const APPEND_ONLY = "begin select raise(abort, 'audit_log is append-only'); end";

/** The body after `create trigger <name>`, as migration 0003 (no delete) and 0005 (only redact) wrote them. */
export const AUDIT_TRIGGERS = {
  audit_log_no_delete: `before delete on audit_log
        ${APPEND_ONLY}`,
  audit_log_only_redact: `before update on audit_log
        when not (old.redacted = 0 and new.redacted = 1 and new.id = old.id and new.at = old.at
          and new.staff_id is old.staff_id and new.staff_name = old.staff_name and new.entity = old.entity
          and new.entity_id = old.entity_id and new.action = old.action and new.before is null and new.after is null
          and new.salt is null and new.values_digest is old.values_digest and new.hash is old.hash)
        ${APPEND_ONLY}`,
} as const;
export type AuditTriggerName = keyof typeof AUDIT_TRIGGERS;
const NAMES = Object.keys(AUDIT_TRIGGERS) as AuditTriggerName[];

/** The audit row a repair writes: its entity, id and action (its `after` lists the guards put back). */
export const STORE_GUARD_ENTITY = 'store';
export const STORE_GUARD_ENTITY_ID = 'audit_log';
export const GUARDS_RESTORED = 'auditTriggersRestored';

export function createAuditTriggerSql(name: AuditTriggerName, opts: { ifNotExists?: boolean } = {}): string {
  return `create trigger ${opts.ifNotExists ? 'if not exists ' : ''}${name} ${AUDIT_TRIGGERS[name]}`;
}

/** SQLite keeps a trigger's text as written, minus `if not exists`; compared with spacing folded. */
function normalised(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/^create trigger if not exists /i, 'create trigger ')
    .trim()
    .toLowerCase();
}

/** The guards a database lacks or holds in another form than defined here; [] when both are as made. */
export function auditTriggerProblems(sqlite: BetterSqlite3.Database): { trigger: AuditTriggerName; problem: AuditTriggerFinding['problem'] }[] {
  // By name, whatever table: a trigger of that name on another table would block putting ours back (and reads as altered).
  const rows = sqlite.prepare(`select name, sql from sqlite_master where type = 'trigger' and name in (${NAMES.map(() => '?').join(', ')})`).all(...NAMES) as {
    name: string;
    sql: string | null;
  }[];
  const found = new Map(rows.map((r) => [r.name, r.sql ?? '']));
  const problems: { trigger: AuditTriggerName; problem: AuditTriggerFinding['problem'] }[] = [];
  for (const name of NAMES) {
    const text = found.get(name);
    if (text === undefined) problems.push({ trigger: name, problem: 'missing' });
    else if (normalised(text) !== normalised(createAuditTriggerSql(name))) problems.push({ trigger: name, problem: 'altered' });
  }
  return problems;
}

/**
 * Puts the guards back where they are missing or altered, in one transaction with `record` (which
 * writes the audit row saying so). Returns what was found; [] when nothing was wrong.
 */
export function restoreAuditTriggers(
  sqlite: BetterSqlite3.Database,
  record: (found: ReturnType<typeof auditTriggerProblems>) => void,
): ReturnType<typeof auditTriggerProblems> {
  return sqlite.transaction(() => {
    const found = auditTriggerProblems(sqlite);
    for (const { trigger, problem } of found) {
      if (problem === 'altered') sqlite.exec(`drop trigger ${trigger}`);
      sqlite.exec(createAuditTriggerSql(trigger, { ifNotExists: true }));
    }
    if (found.length > 0) record(found);
    return found;
  })();
}
