import { rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import type { AuditChainBreak } from '../../shared/audit/schema';
import { readSealedJson, writeSealedFile } from '../sealed-file';
import type { SecretBox } from '../secrets';

/*
 * The chain's head anchored outside the database. Deleting the newest rows and setting
 * sqlite_sequence back (or deleting its row) leaves a chain that verifies: sqlite_sequence lives in
 * the same file. So the id and seal of the latest row are also kept in a file beside the database,
 * sealed with the SecretBox (so it cannot be rewritten to match a truncated table), written after
 * each commit that appended rows (coalesced, flushed at close). It may lag after a power cut but never
 * runs ahead of the table, so "the anchored row exists with the anchored seal" never alarms falsely.
 * A setting marks the store as anchored: its file deleted is then reported too. Someone who deletes
 * the file AND the setting makes the store look like one from before the anchor (README says so).
 */

export const AUDIT_ANCHOR_FILE = 'audit-anchor.sealed';
/** The sealed audit row a start writes when the anchor shows rows gone (entity STORE_GUARD_ENTITY; `after`: {breaks}). */
export const ANCHOR_BROKEN = 'auditAnchorBroken';
/** The settings row saying this store has been anchored. */
export const ANCHORED_SETTING = 'audit.anchored';

export const AuditHead = z.object({ id: z.number().int().nonnegative(), hash: z.string() });
export type AuditHead = z.infer<typeof AuditHead>;

/** The head entry is the one written last (the empty trail: id 0). */
export function auditHeadOf(sqlite: BetterSqlite3.Database): AuditHead {
  const last = sqlite.prepare('select id, hash from audit_log order by id desc limit 1').get() as { id: number; hash: string | null } | undefined;
  return last ? { id: last.id, hash: last.hash ?? '' } : { id: 0, hash: '' };
}

/**
 * The audit row (entity `store`) by which the live trail vouches for a backup's head when the backup
 * is made. A backup's manifest is not sealed: someone who cuts the copy's tail can rewrite its
 * checksum and head to agree. The live trail, sealed and anchored, remembers the head it had.
 */
export const BACKUP_HEAD_VOUCHED = 'backupHeadVouched';

const Vouched = z.object({ backup: z.string(), head: AuditHead });

/** The head the live trail vouched for when backup `name` was made; undefined when it never did (or has no trail). */
export function vouchedHead(sqlite: BetterSqlite3.Database, name: string): AuditHead | undefined {
  if (!auditTableExists(sqlite)) return undefined;
  const rows = sqlite.prepare("select after from audit_log where entity = 'store' and action = ? order by id desc").all(BACKUP_HEAD_VOUCHED) as { after: string | null }[];
  for (const row of rows) {
    const parsed = Vouched.safeParse(row.after ? JSON.parse(row.after) : null);
    if (parsed.success && parsed.data.backup === name) return parsed.data.head;
  }
  return undefined;
}

export function auditTableExists(sqlite: BetterSqlite3.Database): boolean {
  return sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'audit_log'").get() !== undefined;
}

type AnchorRead = { kind: 'ok'; head: AuditHead } | { kind: 'absent' } | { kind: 'unreadable' } | { kind: 'unavailable' };

export function readAnchor(dataDir: string, box: SecretBox): AnchorRead {
  const read = readSealedJson(join(dataDir, AUDIT_ANCHOR_FILE), box, AuditHead, 'an audit head');
  return read.kind === 'ok' ? { kind: 'ok', head: read.value } : { kind: read.kind };
}

/** Seals and writes the head durably. False when the SecretBox cannot work on this PC. */
export function writeAnchor(dataDir: string, box: SecretBox, head: AuditHead): boolean {
  return writeSealedFile(join(dataDir, AUDIT_ANCHOR_FILE), box, JSON.stringify(head));
}

/**
 * What the anchor says of the table as found (pure over its inputs): [] when the anchored row is
 * there with its seal, or the store was never anchored. `rowAt` reads a row by id; `last` is the
 * last row left.
 */
export function anchorBreaks(
  read: AnchorRead,
  marked: boolean,
  rowAt: (id: number) => { hash: string | null; at: string } | undefined,
  last: { id: number; at: string } | undefined,
): AuditChainBreak[] {
  // anchorMissing's id and time are those of the audit row that notes it (the caller writes it).
  if (read.kind === 'unavailable') return [];
  if (read.kind === 'absent') return marked ? [{ problem: 'anchorMissing', id: 0, at: null }] : [];
  // A file that does not open with this PC's key was replaced (or the data dir moved): not evidence of the head.
  if (read.kind === 'unreadable') return [{ problem: 'anchorMissing', id: 0, at: null }];
  const { head } = read;
  if (head.id === 0) return [];
  const row = rowAt(head.id);
  if (!row) {
    const lastId = last && last.id < head.id ? last.id : 0;
    const lastAt = last && last.id < head.id ? last.at : null;
    return [{ problem: 'truncated', id: lastId, at: lastAt, missing: head.id - lastId }];
  }
  return row.hash === head.hash ? [] : [{ problem: 'changed', id: head.id, at: row.at }];
}

/**
 * Checks the live store against its anchor at start (before anything writes). Returns the breaks
 * found; the caller seals them into the trail, then re-anchors (anchorNow) so the next start checks
 * the store as it is from then on.
 */
export function checkAnchor(sqlite: BetterSqlite3.Database, dataDir: string, box: SecretBox): AuditChainBreak[] {
  const marked = sqlite.prepare('select 1 from settings where key = ?').get(ANCHORED_SETTING) !== undefined;
  const rowAt = sqlite.prepare('select hash, at from audit_log where id = ?');
  const last = sqlite.prepare('select id, at from audit_log order by id desc limit 1').get() as { id: number; at: string } | undefined;
  const seq = (sqlite.prepare("select seq from sqlite_sequence where name = 'audit_log'").pluck().get() as number | undefined) ?? 0;
  const found = anchorBreaks(readAnchor(dataDir, box), marked, (id) => rowAt.get(id) as { hash: string | null; at: string } | undefined, last);
  // A cut the chain itself shows (sqlite_sequence still past the last row) is reported by it: not twice.
  return found.filter((b) => !(b.problem === 'truncated' && seq >= b.id + (b.missing ?? 0)));
}

/**
 * After a restore swapped the files: the anchor follows the restored store, re-anchored from the
 * head its backup's manifest recorded; without one (a pre-migration copy, a backup from before the
 * anchor, one deleted since) from the restored file's own last row.
 */
export function anchorRestored(dataDir: string, box: SecretBox, head: AuditHead | undefined, dbFile: string, nativeBinding?: string): void {
  // Never throws: it runs inside a restore's swap, which must finish whatever happens to the anchor
  // (one left behind then shows as a break at the next start, a false alarm but no lost data).
  try {
    const anchored = head ?? headOfFile(dbFile, nativeBinding);
    if (anchored) writeAnchor(dataDir, box, anchored);
    else rmSync(join(dataDir, AUDIT_ANCHOR_FILE), { force: true });
  } catch {
    // see above
  }
}

/** The head of a database file just put in place by us (a restore): null without an audit table. */
function headOfFile(file: string, nativeBinding?: string): AuditHead | null {
  const sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    return auditTableExists(sqlite) ? auditHeadOf(sqlite) : null;
  } finally {
    sqlite.close();
  }
}

/**
 * Keeps the anchor file following the table: notified after rows are appended, it writes the head
 * once no transaction is open on the connection (so only committed rows), coalescing a burst of
 * saves into one write. flush() at close.
 */
export class AnchorWriter {
  private timer: NodeJS.Timeout | null = null;
  private written: AuditHead | null = null;
  private stopped = false;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly dataDir: string,
    private readonly box: SecretBox,
    private readonly onError: (err: unknown) => void,
    private readonly delayMs = 200,
  ) {}

  /** After a start's check: anchors the store as it is now and marks it. A write that fails leaves the store unanchored this time, never unopened. */
  anchorNow(now: string): void {
    const head = auditHeadOf(this.sqlite);
    try {
      if (!writeAnchor(this.dataDir, this.box, head)) return;
    } catch (err) {
      this.onError(err);
      return;
    }
    this.written = head;
    this.sqlite
      .prepare('insert into settings (key, value, updated_at) values (?, ?, ?) on conflict (key) do nothing')
      .run(ANCHORED_SETTING, '1', now);
  }

  appended(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.sqlite.inTransaction) return this.appended();
      try {
        this.flush();
      } catch (err) {
        this.onError(err);
      }
    }, this.delayMs);
    this.timer.unref();
  }

  /** Writes the committed head now if it moved. Never inside a transaction (rows that may roll back). */
  flush(): void {
    // Only a store anchored at its start (not one whose trail is gone, nor where the SecretBox cannot work).
    if (!this.written || this.sqlite.inTransaction || !this.sqlite.open) return;
    const head = auditHeadOf(this.sqlite);
    if (this.written.id === head.id && this.written.hash === head.hash) return;
    if (writeAnchor(this.dataDir, this.box, head)) this.written = head;
  }

  /** At close: the pending write done now, none after. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopped = true;
    try {
      this.flush();
    } catch (err) {
      // Closing goes on: the anchor lags, which never raises a false alarm.
      this.onError(err);
    }
  }
}
