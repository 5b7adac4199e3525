import type { AuditHead } from '../audit/anchor';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import type { AuditChainReport } from '../../shared/audit/schema';
import type { BackupInfo } from '../../shared/backup/schema';
import { verifyAuditChain } from '../audit/chain';
import { AppError, type ErrorCode } from '../../shared/errors';
import { DB_FILE_NAME, checkStoreFile } from '../db/database';
import { storedVersion } from '../db/migrate';
import { migrations } from '../db/migrations';
import { type BackupEntry, findBackup, listBackups, recordAuditTrail, sha256OfFileSync } from './folder';
import { readLineage } from './lineage';

export interface SqliteOptions {
  /** better-sqlite3 built for Electron's ABI, as given to openDatabase. */
  nativeBinding?: string;
}

/**
 * How deep a check reads: `full` is `PRAGMA integrity_check` (backups, before a restore); `quick`
 * is `quick_check`, which skips matching each index against its table: a third of the time, and it
 * is what every start waits for (integrity_check was ~0.4 s per 100,000 customers, 4–5 s at
 * 1,000,000, most of the opening). Every backup still gets the full check.
 */
export type CheckDepth = 'full' | 'quick';

/**
 * What is wrong with an open database: the integrity pragma and `PRAGMA foreign_key_check`, as
 * readable lines; [] when it is sound. A database too damaged to be read gives the error itself.
 */
export function integrityProblems(sqlite: BetterSqlite3.Database, depth: CheckDepth = 'full'): string[] {
  try {
    return problemsOf(sqlite.pragma(depth === 'full' ? 'integrity_check' : 'quick_check') as IntegrityRow[], sqlite.pragma('foreign_key_check') as OrphanRow[]);
  } catch (err) {
    return [describeSqliteError(err)];
  }
}

/** A row of integrity_check or quick_check: one column, named after the pragma. */
export const IntegrityRow = z.record(z.string(), z.string());
export type IntegrityRow = z.infer<typeof IntegrityRow>;
/** A row of foreign_key_check. */
export const OrphanRow = z.object({ table: z.string(), rowid: z.number().nullable(), parent: z.string() });
export type OrphanRow = z.infer<typeof OrphanRow>;

/** The two pragmas' rows as readable lines (check-process.ts runs them in a process of its own). */
export function problemsOf(checks: IntegrityRow[], orphans: OrphanRow[]): string[] {
  const problems = checks.map((r) => Object.values(r)[0] ?? '').filter((line) => line !== 'ok');
  for (const o of orphans) problems.push(`${o.table} row ${o.rowid ?? '?'} refers to a missing ${o.parent} row`);
  return problems;
}

/**
 * integrityProblems() of a database file, opened read-only (nothing in it is changed). Any `-wal`
 * and `-shm` files SQLite makes for the check are removed afterwards; existing ones are left alone
 * (a live database's `-wal` may hold committed changes).
 */
export function fileIntegrityProblems(file: string, opts: SqliteOptions = {}, depth: CheckDepth = 'full'): string[] {
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f));
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
    return integrityProblems(sqlite, depth);
  } catch (err) {
    return [describeSqliteError(err)];
  } finally {
    sqlite?.close();
    for (const f of sidecars) rmSync(f, { force: true });
  }
}

/**
 * The audit trail's hash chain of a database file (audit/chain.ts), opened read-only like
 * fileIntegrityProblems: where someone rewrote, deleted, forged or blanked rows. Reported, not a
 * reason to refuse a backup: it may be the only copy of the store's data. Null for a file from before
 * the chain (schema < 5), which has none.
 */
export function fileAuditChain(file: string, opts: SqliteOptions = {}, now: Date = new Date(), recordedHead?: AuditHead): AuditChainReport | null {
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f));
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
    return auditTrailOf(sqlite, now, recordedHead);
  } finally {
    sqlite?.close();
    for (const f of sidecars) rmSync(f, { force: true });
  }
}

/** The same on an open handle (a backup's fresh copy, before its manifest is written). */
export function auditTrailOf(sqlite: BetterSqlite3.Database, now: Date, recordedHead?: AuditHead): AuditChainReport | null {
  const chained = sqlite.prepare("select 1 from pragma_table_info('audit_log') where name = 'hash'").get();
  return chained ? verifyAuditChain(sqlite, now, recordedHead) : null;
}

/**
 * The check to run at start, before openDatabase (quick: see CheckDepth): the problems of
 * `<dataDir>/opticounter.sqlite3`, [] when it is sound or does not exist yet (a first start).
 */
export function databaseFileProblems(dataDir: string, opts: SqliteOptions = {}): string[] {
  const file = join(dataDir, DB_FILE_NAME);
  return existsSync(file) ? fileIntegrityProblems(file, opts, 'quick') : [];
}

/**
 * Checks a backup can be restored: its database copy matches the checksum in its manifest (a
 * pre-migration copy has none) and passes the integrity check. backup.notFound for an unknown name,
 * backup.damaged for a copy that fails. Its audit chain is checked too and recorded in its manifest
 * (so the list shows it from then on, a backup made before the list did included).
 */
export function verifyBackup(dataDir: string, name: string, opts: SqliteOptions = {}): BackupInfo {
  const entry = checkedBackup(dataDir, name, opts);
  // The head its manifest recorded when it was made: the copy's chain must still reach it.
  const auditTrail = fileAuditChain(entry.dbFile, opts, new Date(), entry.manifest?.auditHead);
  if (!auditTrail) return entry.info;
  recordAuditTrail(entry, auditTrail);
  return { ...entry.info, auditTrail };
}

/**
 * Refuses, having changed nothing, a backup whose database this app would refuse to open once in
 * place: the version and table checks openDatabase makes (db.newerSchema, db.schemaMismatch, ...),
 * on the backup's copy opened read-only, with their code. Run before a restore holds anything off.
 */
export async function checkBackupSchema(dataDir: string, name: string, opts: SqliteOptions = {}): Promise<void> {
  const entry = findBackup(dataDir, name);
  try {
    await checkStoreFile(entry.dbFile, opts);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    throw new AppError(err.code as ErrorCode, `The backup ${name} cannot be restored: OptiCounter would refuse to open it. ${err.message} Nothing was changed; choose another backup.`);
  }
}

export function checkedBackup(dataDir: string, name: string, opts: SqliteOptions = {}): BackupEntry {
  const entry = findBackup(dataDir, name);
  const problem = backupProblem(entry, opts);
  if (problem) throw new AppError('backup.damaged', `The backup ${name} cannot be restored: ${problem}. Choose another backup.`);
  return entry;
}

/** What db.corrupt offers: a backup, its customer count, and whether the store went through it. */
export interface GoodBackup extends BackupInfo {
  customers: number | null;
  /** False: no sound backup of the store's own history was found, and this one is not of it. */
  inLiveLineage: boolean;
}

/**
 * The backup to offer when the database fails its integrity check: the newest sound backup of the
 * live store's history (backup/lineage.ts), i.e. never the safety copy of a state a restore rolled
 * away from, nor anything made after the restored backup in that abandoned branch. Should none of
 * them be sound (or the history not be recorded: an older install), the newest sound backup that is
 * not a safety copy, flagged `inLiveLineage: false` so whoever offers it says so. Null: none at all.
 */
export function latestGoodBackup(dataDir: string, opts: SqliteOptions = {}): GoodBackup | null {
  const ancestors = readLineage(dataDir) ?? [];
  const lineage = new Set(ancestors);
  const all = listBackups(dataDir);
  const byName = new Map(all.map((e) => [e.info.name, e]));
  const good = (entry: BackupEntry, inLiveLineage: boolean): GoodBackup | null =>
    backupProblem(entry, opts) || versionProblem(entry.dbFile, opts) ? null : { ...entry.info, customers: entry.info.customers ?? countCustomers(entry.dbFile, opts), inLiveLineage };
  // Newest by the order they were made in (the lineage's), not by their dates: a PC whose clock
  // once ran ahead must not offer that older state over what came after it.
  for (const name of [...ancestors].reverse()) {
    const entry = byName.get(name);
    const found = entry ? good(entry, true) : null;
    if (found) return found;
  }
  for (const entry of all.filter((e) => !lineage.has(e.info.name) && e.info.kind !== 'pre-restore')) {
    const found = good(entry, false);
    if (found) return found;
  }
  return null;
}

/** The offer in one sentence, for the shells' prompts (the desktop dialog, the browser host's console). */
export function describeGoodBackup(b: GoodBackup): string {
  const customers = b.customers === null ? '' : `, ${b.customers} customer${b.customers === 1 ? '' : 's'}`;
  const caveat = b.inLiveLineage ? '' : ' It is not one of the backups this data descends from: check it is the state you want back.';
  return `the backup of ${b.createdAt.replace('T', ' ').slice(0, 16)} UTC (${b.name}${customers}).${caveat}`;
}

/** Customers (deleted ones left out) in a database copy that passed its check; null if it cannot say. */
function countCustomers(file: string, opts: SqliteOptions): number | null {
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f));
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
    return Number(sqlite.prepare('select count(*) from customers where deleted_at is null').pluck().get());
  } catch {
    return null;
  } finally {
    sqlite?.close();
    for (const f of sidecars) rmSync(f, { force: true });
  }
}

/**
 * Whether the copy's version record is one this app would refuse (storedVersion: newer, invalid,
 * missing). Its tables are checked at the restore itself (checkBackupSchema), which is async; this
 * is the part a start-up offer (latestGoodBackup, sync) can afford.
 */
function versionProblem(file: string, opts: SqliteOptions): boolean {
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f));
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
    storedVersion(sqlite, migrations);
    return false;
  } catch {
    return true;
  } finally {
    sqlite?.close();
    for (const f of sidecars) rmSync(f, { force: true });
  }
}

function backupProblem(entry: BackupEntry, opts: SqliteOptions): string | null {
  if (!existsSync(entry.dbFile)) return 'its database copy is missing';
  if (entry.manifest) {
    let sha: string;
    try {
      sha = sha256OfFileSync(entry.dbFile);
    } catch {
      return 'its database copy cannot be read';
    }
    if (sha !== entry.manifest.db.sha256) return 'its database copy does not match its checksum (it was changed or damaged)';
  }
  const problems = fileIntegrityProblems(entry.dbFile, opts);
  return problems.length > 0 ? `its database copy fails the integrity check (${problems[0]})` : null;
}

export function describeSqliteError(err: unknown): string {
  if (err instanceof Error) return 'code' in err && typeof err.code === 'string' ? `${err.code}: ${err.message}` : err.message;
  return String(err);
}
