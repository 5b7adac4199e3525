import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { AuditChainReport } from '../../shared/audit/schema';
import type { BackupInfo } from '../../shared/backup/schema';
import { verifyAuditChain } from '../audit/chain';
import { AppError } from '../../shared/errors';
import { DB_FILE_NAME } from '../db/database';
import { type BackupEntry, findBackup, listBackups, sha256OfFileSync } from './folder';

export interface SqliteOptions {
  /** better-sqlite3 built for Electron's ABI, as given to openDatabase. */
  nativeBinding?: string;
}

/**
 * What is wrong with an open database: `PRAGMA integrity_check` and `PRAGMA foreign_key_check`,
 * as readable lines; [] when it is sound. A database too damaged to be read gives the error itself.
 */
export function integrityProblems(sqlite: BetterSqlite3.Database): string[] {
  try {
    const problems = (sqlite.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .filter((line) => line !== 'ok');
    const orphans = sqlite.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string }[];
    for (const o of orphans) problems.push(`${o.table} row ${o.rowid ?? '?'} refers to a missing ${o.parent} row`);
    return problems;
  } catch (err) {
    return [describeSqliteError(err)];
  }
}

/**
 * integrityProblems() of a database file, opened read-only (nothing in it is changed). Any `-wal`
 * and `-shm` files SQLite makes for the check are removed afterwards; existing ones are left alone
 * (a live database's `-wal` may hold committed changes).
 */
export function fileIntegrityProblems(file: string, opts: SqliteOptions = {}): string[] {
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f));
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
    return integrityProblems(sqlite);
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
export function fileAuditChain(file: string, opts: SqliteOptions = {}, now: Date = new Date()): AuditChainReport | null {
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f));
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true, ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}) });
    const chained = sqlite.prepare("select 1 from pragma_table_info('audit_log') where name = 'hash'").get();
    return chained ? verifyAuditChain(sqlite, now) : null;
  } finally {
    sqlite?.close();
    for (const f of sidecars) rmSync(f, { force: true });
  }
}

/**
 * The check to run at start, before openDatabase: the problems of `<dataDir>/opticounter.sqlite3`,
 * [] when it is sound or does not exist yet (a first start).
 */
export function databaseFileProblems(dataDir: string, opts: SqliteOptions = {}): string[] {
  const file = join(dataDir, DB_FILE_NAME);
  return existsSync(file) ? fileIntegrityProblems(file, opts) : [];
}

/**
 * Checks a backup can be restored: its database copy matches the checksum in its manifest (a
 * pre-migration copy has none) and passes the integrity check. backup.notFound for an unknown name,
 * backup.damaged for a copy that fails.
 */
export function verifyBackup(dataDir: string, name: string, opts: SqliteOptions = {}): BackupInfo {
  const entry = checkedBackup(dataDir, name, opts);
  const auditTrail = fileAuditChain(entry.dbFile, opts);
  return auditTrail ? { ...entry.info, auditTrail } : entry.info;
}

export function checkedBackup(dataDir: string, name: string, opts: SqliteOptions = {}): BackupEntry {
  const entry = findBackup(dataDir, name);
  const problem = backupProblem(entry, opts);
  if (problem) throw new AppError('backup.damaged', `The backup ${name} cannot be restored: ${problem}. Choose another backup.`);
  return entry;
}

/** The newest backup that verifyBackup() accepts, or null when there is none. */
export function latestGoodBackup(dataDir: string, opts: SqliteOptions = {}): BackupInfo | null {
  for (const entry of listBackups(dataDir)) {
    if (!backupProblem(entry, opts)) return entry.info;
  }
  return null;
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

function describeSqliteError(err: unknown): string {
  if (err instanceof Error) return 'code' in err && typeof err.code === 'string' ? `${err.code}: ${err.message}` : err.message;
  return String(err);
}
