import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import type { Logger } from '../log';
import type { SecretBox } from '../secrets';
import { ANCHOR_BROKEN, AnchorWriter, auditTableExists, checkAnchor } from './anchor';
import { AuditLog, SYSTEM_ACTOR } from './log';
import { GUARDS_RESTORED, STORE_GUARD_ENTITY, STORE_GUARD_ENTITY_ID, restoreAuditTriggers } from './triggers';

export interface OpenedAuditTrail {
  audit: AuditLog;
  anchor: AnchorWriter;
  /** False: the table was dropped outside the app; every change is refused (audit.trailMissing). */
  trailPresent: boolean;
  /** Settles once the trail was checked (and the store may be written): what every write waits for. */
  ready: Promise<void>;
}

/**
 * The audit trail of a store just opened, checked before anything appends to it: the head anchored
 * outside the file must still be there (anchor.ts), and the table's guard triggers are put back if
 * someone dropped or weakened them. What either finds is recorded on the trail itself, where every
 * later check of the chain reports it; then the store is anchored as found. All that once the store
 * may be written (`writable`: its start's integrity check passed), before any other write.
 */
export function openAuditTrail(o: { db: Kysely<Database>; sqlite: BetterSqlite3.Database; dataDir: string; secrets: SecretBox; clock: Clock; log: Logger; writable: Promise<void> }): OpenedAuditTrail {
  const anchor = new AnchorWriter(o.sqlite, o.dataDir, o.secrets, (err) => o.log.error('audit trail: its anchor file could not be written', err));
  const audit = new AuditLog(o.db, o.sqlite, o.clock, () => anchor.appended());
  const trailPresent = auditTableExists(o.sqlite);
  if (!trailPresent) {
    o.log.warn('audit trail: its table is missing from the database (removed outside the app); nothing can be saved until a backup is restored');
    return { audit, anchor, trailPresent, ready: o.writable };
  }
  const ready = o.writable.then(() => settleTrail(o, audit, anchor));
  ready.catch(() => undefined); // the writes waiting on it fail with its error
  return { audit, anchor, trailPresent, ready };
}

function settleTrail(o: { sqlite: BetterSqlite3.Database; dataDir: string; secrets: SecretBox; clock: Clock; log: Logger }, audit: AuditLog, anchor: AnchorWriter): void {
  if (!o.sqlite.open) return; // closed while its check ran: the next opening settles it
  const anchorFound = checkAnchor(o.sqlite, o.dataDir, o.secrets);
  if (anchorFound.length > 0) {
    o.sqlite.transaction(() => audit.append(SYSTEM_ACTOR, [{ entity: STORE_GUARD_ENTITY, entityId: STORE_GUARD_ENTITY_ID, action: ANCHOR_BROKEN, after: { breaks: anchorFound } }]))();
    for (const b of anchorFound) o.log.warn(`audit trail: its anchored head shows it was cut outside the app (${b.problem}${b.missing ? `, ${b.missing} record(s) after row ${b.id}` : ''})`);
  }
  const guardsRestored = restoreAuditTriggers(o.sqlite, (found) =>
    audit.append(SYSTEM_ACTOR, [{ entity: STORE_GUARD_ENTITY, entityId: STORE_GUARD_ENTITY_ID, action: GUARDS_RESTORED, after: { triggers: found } }]),
  );
  for (const g of guardsRestored) o.log.warn(`audit trail: its guard trigger ${g.trigger} was ${g.problem} (changed outside the app); put back`);
  // A store from before the anchor gets its first one here; the next start checks from this head.
  anchor.anchorNow(o.clock.now().toISOString());
}
