import { createHash, randomBytes } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { AuditChainBreak, type AuditChainReport, type AuditTriggerFinding } from '../../shared/audit/schema';
import { ANCHOR_BROKEN, type AuditHead, anchorBreaks, auditTableExists } from './anchor';
import { GUARDS_RESTORED, STORE_GUARD_ENTITY, auditTriggerProblems } from './triggers';
import { nextTurn } from '../turns';

/*
 * The audit trail's hash chain. The table's triggers stop the app from rewriting history, not
 * someone with the file and an SQLite shell (DROP TRIGGER, UPDATE). So each row is sealed: its
 * `hash` is SHA-256 over a canonical serialisation of its content and the previous row's hash, and
 * the chain is verified at start and in every backup's check.
 *
 * The purge must blank personal values in audit rows without breaking the chain. So the values
 * (`before`, `after`) are not hashed into the seal directly but through a commitment:
 * `values_digest = SHA-256(salt, before, after)` with a random per-row salt, and the seal covers the
 * digest. A purge blanks before, after AND the salt, and keeps the digest: the chain still verifies,
 * and without the salt the digest cannot be used to confirm a guess of the erased values (a phone
 * number or a birth date is easy to guess; salted and with the salt gone, the digest is noise).
 * A purge also names, in its own sealed row, the rows it blanked: a row blanked by hand (values
 * erased without a purge) is reported as `erased`. Rows that were already blanked when the chain
 * was introduced carry a marker digest, itself sealed.
 *
 * Ids are contiguous (AUTOINCREMENT never reuses one, and a rolled-back insert rolls its number
 * back too), so a deleted row leaves a gap; deleting the last rows leaves sqlite_sequence ahead of
 * the last id, and setting that back too is caught by the head anchored outside the file (anchor.ts). What this cannot stop, and the README says so: someone who rewrites a row and then
 * recomputes every later seal with this public algorithm. The chain makes silent edits detectable,
 * it is not a signature.
 *
 * Never change how a seal is computed: rows sealed by an older version must still verify (a new
 * scheme would need a new version tag and both kept).
 */

const VERSION = 'opticounter-audit-v1';
/** The "previous hash" of the first row. */
export const GENESIS_HASH = '0'.repeat(64);
/** values_digest of rows already blanked by a purge before the chain existed (migration 0005). */
export const REDACTED_BEFORE_CHAIN = 'redacted-before-chain';

/** The row as stored, in the order the seal covers it. */
export interface SealedFields {
  id: number;
  at: string;
  staffId: string | null;
  staffName: string;
  entity: string;
  entityId: string;
  action: string;
  valuesDigest: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// Salts come from one pool of random bytes: a call per row costs more than the row's two hashes.
const SALT_BYTES = 16;
let saltPool = Buffer.alloc(0);
let saltAt = 0;

export function newSalt(): string {
  if (saltAt + SALT_BYTES > saltPool.length) {
    saltPool = randomBytes(SALT_BYTES * 4096);
    saltAt = 0;
  }
  const salt = saltPool.toString('hex', saltAt, saltAt + SALT_BYTES);
  saltAt += SALT_BYTES;
  return salt;
}

/** The commitment to a row's values: the stored JSON texts as they are, never re-serialised. */
export function valuesDigest(salt: string, before: string | null, after: string | null): string {
  return sha256(JSON.stringify([salt, before, after]));
}

/** A row's seal. JSON of an array of strings, numbers and nulls is canonical: one text per content. */
export function rowHash(prevHash: string, r: SealedFields): string {
  return sha256(JSON.stringify([VERSION, prevHash, r.id, r.at, r.staffId, r.staffName, r.entity, r.entityId, r.action, r.valuesDigest]));
}

/** The end of the chain, where the next row attaches: its id and seal. */
export interface ChainHead {
  nextId: number;
  prevHash: string;
}

/** Read inside the write transaction that appends. The next id follows sqlite_sequence, so a deleted tail stays a visible gap. */
export function chainHead(sqlite: BetterSqlite3.Database): ChainHead {
  const last = sqlite.prepare('select id, hash from audit_log order by id desc limit 1').get() as { id: number; hash: string | null } | undefined;
  const seq = sqlite.prepare("select seq from sqlite_sequence where name = 'audit_log'").get() as { seq: number } | undefined;
  return { nextId: Math.max(last?.id ?? 0, seq?.seq ?? 0) + 1, prevHash: last ? (last.hash ?? '') : GENESIS_HASH };
}

/** A row as verify() reads it (better-sqlite3 raw mode, in this column order). */
type RawRow = [
  id: number,
  at: string,
  staffId: string | null,
  staffName: string,
  entity: string,
  entityId: string,
  action: string,
  before: string | null,
  after: string | null,
  redacted: number,
  salt: string | null,
  valuesDigest: string | null,
  hash: string | null,
];

export const CHAIN_COLUMNS = 'id, at, staff_id, staff_name, entity, entity_id, action, before, after, redacted, salt, values_digest, hash';
const MAX_BREAKS = 50;

/**
 * Checks the chain over rows in id order, fed in pages (so a big trail is checked without holding
 * the connection or the event loop for long): push() each page, then finish() with sqlite_sequence's
 * number for the table (the highest id ever given). Pure over its input.
 */
export class ChainVerifier {
  private readonly breaks: AuditChainBreak[] = [];
  private breakCount = 0;
  private prevHash = GENESIS_HASH;
  private prevId = 0;
  private count = 0;
  private lastAt: string | null = null;
  private readonly blanked: { id: number; at: string }[] = [];
  private readonly blankedByPurge = new Set<number>();
  private readonly triggers: AuditTriggerFinding[] = [];

  /** The last id checked: the next page starts after it. */
  get lastId(): number {
    return this.prevId;
  }

  push(rows: Iterable<RawRow>): void {
    for (const [id, at, staffId, staffName, entity, entityId, action, before, after, redacted, salt, digest, hash] of rows) {
      this.count++;
      if (id !== this.prevId + 1) this.report({ problem: 'deleted', id, at, missing: id - this.prevId - 1 });
      let problem: AuditChainBreak['problem'] | null = null;
      if (hash === null || digest === null) {
        problem = 'added';
      } else if (redacted === 1) {
        // Blanked by a purge: values and salt gone, the commitment kept.
        if (before !== null || after !== null || salt !== null) problem = 'changed';
        else if (digest !== REDACTED_BEFORE_CHAIN) this.blanked.push({ id, at });
      } else if (salt === null || valuesDigest(salt, before, after) !== digest) {
        problem = 'changed';
      }
      // After a gap the previous seal is gone with the deleted row: only the gap is reported there.
      if (!problem && id === this.prevId + 1 && hash !== rowHash(this.prevHash, { id, at, staffId, staffName, entity, entityId, action, valuesDigest: digest! })) {
        problem = 'changed';
      }
      if (problem) this.report({ problem, id, at });
      if (action === 'purge' && after !== null && !problem) {
        for (const listed of purgedRowsOf(after)) this.blankedByPurge.add(listed);
      }
      // A start that put the table's guards back said so in a sealed row: reported as long as it is there.
      if (entity === STORE_GUARD_ENTITY && action === GUARDS_RESTORED && after !== null && !problem) {
        for (const found of restoredTriggersOf(after)) this.triggers.push({ ...found, id, at });
      }
      // Likewise a start that found the anchored head gone or different (anchor.ts).
      if (entity === STORE_GUARD_ENTITY && action === ANCHOR_BROKEN && after !== null && !problem) {
        for (const found of anchorBreaksOf(after)) this.report(found.problem === 'anchorMissing' ? { problem: 'anchorMissing', id, at } : found);
      }
      // The next row is judged against this one's stored seal: one edit shows as one break, not a cascade.
      this.prevHash = hash ?? '';
      this.prevId = id;
      this.lastAt = at;
    }
  }

  /** `missingNow`: guards the checked file lacks as it is (a backup's copy; the live store has them put back first). */
  finish(lastSequence: number, checkedAt: string, missingNow: AuditTriggerFinding[] = []): AuditChainReport {
    for (const b of this.blanked) if (!this.blankedByPurge.has(b.id)) this.report({ problem: 'erased', id: b.id, at: b.at });
    if (lastSequence > this.prevId) this.report({ problem: 'truncated', id: this.prevId, at: this.lastAt, missing: lastSequence - this.prevId });
    const breaks = [...this.breaks].sort((a, b) => a.id - b.id);
    const triggers = [...this.triggers, ...missingNow];
    return { intact: this.breakCount === 0 && triggers.length === 0, rows: this.count, breaks, breakCount: this.breakCount, triggers, checkedAt };
  }

  /** Breaks found beside the rows (a backup's recorded head no longer reached). */
  add(breaks: AuditChainBreak[]): void {
    for (const b of breaks) this.report(b);
  }

  private report(b: AuditChainBreak): void {
    this.breakCount++;
    if (this.breaks.length < MAX_BREAKS) this.breaks.push(b);
  }
}

/** The purge row's `after` names the audit rows it blanked: `{"redactedAuditRows": [ids]}`. */
function purgedRowsOf(after: string): number[] {
  try {
    const parsed = JSON.parse(after) as { redactedAuditRows?: unknown };
    return Array.isArray(parsed.redactedAuditRows) ? parsed.redactedAuditRows.filter((n): n is number => Number.isInteger(n)) : [];
  } catch {
    return [];
  }
}

/** The anchor-broken row's `after`: `{"breaks": [AuditChainBreak]}`. */
function anchorBreaksOf(after: string): AuditChainBreak[] {
  try {
    const parsed = AuditChainBreak.array().safeParse((JSON.parse(after) as { breaks?: unknown }).breaks);
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** The guards-restored row's `after`: `{"triggers": [{"trigger": name, "problem": "missing" | "altered"}]}`. */
function restoredTriggersOf(after: string): Pick<AuditTriggerFinding, 'trigger' | 'problem'>[] {
  try {
    const parsed = JSON.parse(after) as { triggers?: unknown };
    if (!Array.isArray(parsed.triggers)) return [];
    return parsed.triggers.flatMap((t: unknown) => {
      const { trigger, problem } = (t ?? {}) as { trigger?: unknown; problem?: unknown };
      return typeof trigger === 'string' && (problem === 'missing' || problem === 'altered') ? [{ trigger, problem }] : [];
    });
  } catch {
    return [];
  }
}

// 500 rows (~3–8 ms of hashing) a page: 2,000 held the event loop 10–33 ms of CPU each at start.
const PAGE_ROWS = 500;

export function rowReader(sqlite: BetterSqlite3.Database) {
  const rowAt = sqlite.prepare('select hash, at from audit_log where id = ?');
  return (id: number) => rowAt.get(id) as { hash: string | null; at: string } | undefined;
}

export function lastRow(sqlite: BetterSqlite3.Database) {
  return sqlite.prepare('select id, at from audit_log order by id desc limit 1').get() as { id: number; at: string } | undefined;
}

/** The report on a store whose audit table was dropped: nothing to check, the trail is gone. */
export function trailMissingReport(now: Date): AuditChainReport {
  return { intact: false, rows: 0, breaks: [{ problem: 'trailMissing', id: 0, at: null }], breakCount: 1, triggers: [], checkedAt: now.toISOString() };
}

function pageOf(sqlite: BetterSqlite3.Database) {
  return sqlite.prepare(`select ${CHAIN_COLUMNS} from audit_log where id > ? order by id limit ${PAGE_ROWS}`).raw(true);
}

function lastSequence(sqlite: BetterSqlite3.Database): number {
  const seq = sqlite.prepare("select seq from sqlite_sequence where name = 'audit_log'").get() as { seq: number } | undefined;
  return seq?.seq ?? 0;
}

/**
 * Verifies the whole chain of a database nothing else writes to (a backup's copy, a test), in one go,
 * and reports its guard triggers as they are in it (never put back here: such a copy is not changed).
 */
export function verifyAuditChain(sqlite: BetterSqlite3.Database, now: Date, recordedHead?: AuditHead): AuditChainReport {
  const read = () => {
    const verifier = new ChainVerifier();
    // A backup's manifest records the head when it was made: the copy's chain must still reach it.
    if (recordedHead) verifier.add(anchorBreaks({ kind: 'ok', head: recordedHead }, true, rowReader(sqlite), lastRow(sqlite)));
    const page = pageOf(sqlite);
    for (;;) {
      const rows = page.all(verifier.lastId) as RawRow[];
      verifier.push(rows);
      if (rows.length < PAGE_ROWS) break;
    }
    const missingNow = auditTriggerProblems(sqlite).map((p) => ({ ...p, id: null, at: null }));
    return verifier.finish(lastSequence(sqlite), now.toISOString(), missingNow);
  };
  // One read transaction: rows and sequence from the same moment.
  return sqlite.inTransaction ? read() : sqlite.transaction(read)();
}

/**
 * The same for the live store at start: page by page, yielding between pages, so opening the app
 * and the first searches never wait for it (100,000 rows take a second or so on a slow PC). Rows the
 * app appends meanwhile are sealed by it and checked with the rest; the sequence is read with the
 * last page, in the same transaction.
 */
export async function verifyAuditChainInBackground(sqlite: BetterSqlite3.Database, now: () => Date, stop?: AbortSignal): Promise<AuditChainReport> {
  if (!auditTableExists(sqlite)) return trailMissingReport(now());
  const verifier = new ChainVerifier();
  const page = pageOf(sqlite);
  for (;;) {
    // Never inside a transaction the app has open on this connection (kysely's awaits between its
    // statements): it could still roll back, and rows read from it would then never have been.
    do await nextTurn();
    while (sqlite.inTransaction);
    // The app closing: ended between pages (a close waited 9–10 s for the whole chain at 1,000,000; review 22).
    stop?.throwIfAborted();
    const done = sqlite.transaction(() => {
      const rows = page.all(verifier.lastId) as RawRow[];
      verifier.push(rows);
      return rows.length < PAGE_ROWS ? verifier.finish(lastSequence(sqlite), now().toISOString()) : null;
    })();
    if (done) return done;
  }
}
