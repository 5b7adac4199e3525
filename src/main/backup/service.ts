import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { type AuditHead, auditHeadOf } from '../audit/anchor';
import type { AuditChainReport } from '../../shared/audit/schema';
import type { BackupInfo, CreatedBackupKind } from '../../shared/backup/schema';
import { AppError } from '../../shared/errors';
import type { Clock } from '../clock';
import { DB_FILE_NAME } from '../db/database';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, makeFilePrivate, privateDir } from '../private-files';
import {
  ATTACHMENTS_DIR,
  MANIFEST_FILE,
  type Manifest,
  backupsDir,
  infoOf,
  errCode,
  findBackup,
  folderNameOf,
  fsyncFile,
  linkOrCopy,
  listBackups,
  sha256OfFile,
  storedFiles,
} from './folder';
import { type SqliteOptions, auditTrailOf, verifyBackup } from './integrity';
import { appendToLineage, readLineage } from './lineage';
import { fsyncDirSync } from '../durable-file';
import { type CopiedBackup, copyBackupTo } from './copy-out';

export { integrityProblems, fileIntegrityProblems, databaseFileProblems, latestGoodBackup, verifyBackup, describeGoodBackup, type GoodBackup } from './integrity';
export { restoreFiles, recoverInterruptedRestore, type RestoreReport } from './restore';

export const DEFAULT_KEEP = 14;
/** Pages copied per step of the online backup (4 KiB each): short steps keep the app responsive. */
const PAGES_PER_STEP = 256;
const ALL_PAGES = 0x7fffffff;
const COUNTED_TABLES = ['customers', 'prescriptions', 'attachments', 'staff', 'audit_log'] as const;

export interface BackupServiceOptions extends SqliteOptions {
  /** The app's open database handle: the copy is taken through it, online. */
  sqlite: BetterSqlite3.Database;
  dataDir: string;
  clock: Clock;
  /** How many backups (manual, daily, pre-restore together) to keep; 14 by default. */
  keep?: number;
  /** How long the step-by-step copy may make no progress before the one-step copy takes over. */
  stallMs?: number;
}

/**
 * Backups of the store: the database copied online (better-sqlite3's `backup()`, safe while the
 * app reads and writes) plus the attachment files, into `<dataDir>/backups/<UTC stamp>-<kind>/`.
 * One backup at a time; the newest `keep` are kept. Restoring is restoreFiles(), with the store closed.
 */
export class BackupService {
  private readonly keep: number;
  private readonly stallMs: number;
  private queue: Promise<unknown> = Promise.resolve();
  private dailyPending = 0;

  constructor(private readonly opts: BackupServiceOptions) {
    this.keep = Math.max(1, opts.keep ?? DEFAULT_KEEP);
    this.stallMs = opts.stallMs ?? 2000;
  }

  /**
   * Makes a backup and prunes the oldest beyond `keep` (never the one just made, nor those in
   * `spare`). Calls are queued: two never run at once.
   */
  create(kind: CreatedBackupKind, opts: { spare?: string[] } = {}): Promise<BackupInfo> {
    // Until it is on disk, the timer must not see a daily backup as still due.
    if (kind === 'daily') this.dailyPending++;
    const run = this.queue
      .then(() => this.make(kind, new Set(opts.spare)))
      .finally(() => {
        if (kind === 'daily') this.dailyPending--;
      });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Where the backups are kept. */
  get folder(): string {
    return backupsDir(this.opts.dataDir);
  }

  /**
   * Copies the backup `name` into `folder` (copy-out.ts), in the queue: a backup being made, pruning
   * or a restore never runs under the copy.
   */
  copyTo(name: string, folder: string): Promise<CopiedBackup> {
    const run = this.queue.then(() => copyBackupTo(findBackup(this.opts.dataDir, name).path, folder));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Every backup, newest first, pre-migration copies included. */
  async list(): Promise<BackupInfo[]> {
    return listBackups(this.opts.dataDir).map((e) => e.info);
  }

  /** True when no daily backup was made yet today (the counter's local day, by the clock). */
  dailyDue(): boolean {
    if (this.dailyPending > 0) return false;
    const today = localDay(this.opts.clock.now());
    return !listBackups(this.opts.dataDir).some((e) => e.info.kind === 'daily' && localDay(new Date(e.info.createdAt)) === today);
  }

  /**
   * The first half of a restore, while the store is still open: checks the backup can be restored
   * (backup.notFound / backup.damaged, before anything is closed) and backs up the current state,
   * sparing `name` from pruning. Returns that safety backup. Only once nothing writes any more:
   * core.ts's restore holds calls off and stops the background writers first (and verifies before
   * holding anyone off, so it makes the safety backup with create() directly).
   */
  async beforeRestore(name: string): Promise<BackupInfo> {
    verifyBackup(this.opts.dataDir, name, this.opts);
    return this.create('pre-restore', { spare: [name] });
  }

  /** Resolves once no backup is being made (await it before closing the database). */
  async idle(): Promise<void> {
    await this.queue;
  }

  private async make(kind: CreatedBackupKind, spare: Set<string>): Promise<BackupInfo> {
    const dir = backupsDir(this.opts.dataDir);
    await mkdir(dir, privateDir);
    removeLeftovers(dir);
    const createdAt = this.opts.clock.now().toISOString();
    const name = freeName(dir, createdAt, kind);
    // Backups are made one at a time and a restore waits for them: the record cannot change meanwhile.
    const ancestors = readLineage(this.opts.dataDir) ?? [];
    const temp = join(dir, `.tmp-${randomUUID()}`);
    await mkdir(temp, { mode: PRIVATE_DIR_MODE });
    try {
      const dbCopy = join(temp, DB_FILE_NAME);
      await this.copyDatabase(dbCopy);
      makeFilePrivate(dbCopy); // SQLite created it 0644
      const { schemaVersion, counts, auditTrail, auditHead } = this.settleCopy(dbCopy);
      await fsyncFile(dbCopy);
      const db: Manifest['db'] = { file: DB_FILE_NAME, sha256: await sha256OfFile(dbCopy), sizeBytes: (await stat(dbCopy)).size };
      const attachments = await copyAttachments(join(this.opts.dataDir, ATTACHMENTS_DIR), join(temp, ATTACHMENTS_DIR));

      const manifest: Manifest = { format: 1, kind, createdAt, schemaVersion, db, attachments, counts, ancestors, ...(auditTrail ? { auditTrail } : {}), ...(auditHead ? { auditHead } : {}) };
      const manifestFile = join(temp, MANIFEST_FILE);
      await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx', mode: PRIVATE_FILE_MODE });
      await fsyncFile(manifestFile);
      fsyncDirSync(temp);
      await rename(temp, join(dir, name));
      fsyncDirSync(dir);
      // The store carries on from the state just copied: it descends from this backup.
      appendToLineage(this.opts.dataDir, name);
      spare.add(name);
      this.prune(spare);
      return infoOf(name, manifest);
    } catch (err) {
      await rm(temp, { recursive: true, force: true }).catch(() => undefined);
      throw failed(err);
    }
  }

  /**
   * The online copy, through the app's own handle in short steps: writes made through it meanwhile
   * are carried into the copy, and the app stays responsive. A step cannot run while that handle is
   * inside a write transaction (SQLite answers BUSY and the step is retried); should that go on
   * (transactions held open across the event loop without pause), the copy is taken instead in one
   * step through a separate read-only connection, which WAL lets read the last committed state
   * whatever the writer does.
   */
  private async copyDatabase(dest: string): Promise<void> {
    const { sqlite } = this.opts;
    for (let attempt = 1; attempt <= 2; attempt++) {
      for (let waited = 0; sqlite.inTransaction && waited < this.stallMs; waited += 5) await delay(5);
      if (await copyThrough(sqlite, dest, PAGES_PER_STEP, this.stallMs)) return;
      rmSync(dest, { force: true });
    }
    const reader = new BetterSqlite3(sqlite.name, { readonly: true, fileMustExist: true, ...this.binding() });
    try {
      if (await copyThrough(reader, dest, ALL_PAGES, Infinity)) return;
    } finally {
      reader.close();
    }
    throw new AppError('backup.failed', 'The database stayed busy; the backup could not be made. Try again.');
  }

  private binding(): { nativeBinding?: string } {
    return this.opts.nativeBinding ? { nativeBinding: this.opts.nativeBinding } : {};
  }

  /**
   * Turns the copy into a single self-contained file (rollback-journal mode: no `-wal`/`-shm`, so it
   * can be checked read-only later without creating files beside it) and reads what the manifest
   * records. Counted on the copy, so the counts match the copied snapshot exactly; its audit chain is
   * checked there too (a second or so per 100,000 rows), for the list to show without reopening it.
   */
  private settleCopy(file: string): { schemaVersion: number; counts: Record<string, number>; auditTrail: AuditChainReport | null; auditHead: AuditHead | null } {
    const copy = new BetterSqlite3(file, { fileMustExist: true, ...this.binding() });
    try {
      copy.pragma('journal_mode = DELETE');
      const schemaVersion = Number(copy.pragma('user_version', { simple: true }));
      const tables = new Set((copy.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((r) => r.name));
      const counts: Record<string, number> = {};
      for (const t of COUNTED_TABLES) {
        if (tables.has(t)) counts[t === 'audit_log' ? 'auditEntries' : t] = Number(copy.prepare(`select count(*) from "${t}"`).pluck().get());
      }
      if (tables.has('customers')) {
        counts.deletedCustomers = Number(copy.prepare('select count(*) from customers where deleted_at is not null').pluck().get());
      }
      return { schemaVersion, counts, auditTrail: auditTrailOf(copy, this.opts.clock.now()), auditHead: tables.has('audit_log') ? auditHeadOf(copy) : null };
    } finally {
      copy.close();
    }
  }

  /** Deletes the oldest backups made here beyond `keep`; pre-migration copies are openDatabase's. */
  private prune(spare: Set<string>): void {
    const made = listBackups(this.opts.dataDir).filter((e) => e.manifest !== null);
    for (const old of made.slice(this.keep)) {
      if (spare.has(old.info.name)) continue;
      // Renamed away first, so a backup that is only half deleted never lists.
      const doomed = join(backupsDir(this.opts.dataDir), `.deleting-${randomUUID()}`);
      try {
        renameSync(old.path, doomed);
        rmSync(doomed, { recursive: true, force: true });
      } catch {
        // Left for the next backup to tidy (a file held open on Windows, say).
      }
    }
  }
}

const STALLED = new Error('backup stalled');

/**
 * One run of better-sqlite3's backup; false when it made no copy: stalled for `stallMs`, or the
 * very first step found the connection inside a write transaction (better-sqlite3 then reports
 * success with nothing written, as SQLite answers BUSY before it knows the page count).
 */
async function copyThrough(source: BetterSqlite3.Database, dest: string, pagesPerStep: number, stallMs: number): Promise<boolean> {
  let remaining = Infinity;
  let movedAt = Date.now();
  try {
    const done = await source.backup(dest, {
      progress: ({ remainingPages }) => {
        if (remainingPages < remaining) {
          remaining = remainingPages;
          movedAt = Date.now();
        } else if (Date.now() - movedAt > stallMs) {
          throw STALLED; // better-sqlite3 closes the backup and rejects with it
        }
        return pagesPerStep;
      },
    });
    return done.totalPages > 0 && existsSync(dest);
  } catch (err) {
    if (err === STALLED) return false;
    throw err;
  }
}

async function copyAttachments(from: string, to: string): Promise<{ files: number; sizeBytes: number }> {
  await mkdir(to, { mode: PRIVATE_DIR_MODE });
  const files = storedFiles(from);
  let sizeBytes = 0;
  for (const shard of new Set(files.map((f) => f.shard))) await mkdir(join(to, shard), { mode: PRIVATE_DIR_MODE });
  for (const f of files) {
    try {
      await linkOrCopy(f.path, join(to, f.shard, f.sha256));
      sizeBytes += (await stat(f.path)).size;
    } catch (err) {
      // A file purged while the backup was being made is no loss; anything else is.
      if (errCode(err) !== 'ENOENT') throw err;
    }
  }
  for (const shard of new Set(files.map((f) => f.shard))) fsyncDirSync(join(to, shard));
  fsyncDirSync(to);
  return { files: storedFiles(to).length, sizeBytes };
}

/** A name not taken yet: two backups in the same millisecond get `-2`, `-3`… */
function freeName(dir: string, createdAt: string, kind: CreatedBackupKind): string {
  for (let n = 1; ; n++) {
    const name = folderNameOf(createdAt, kind, n);
    if (!existsSync(join(dir, name))) return name;
  }
}

/** Temp folders of backups that never finished, and deletions that did not. */
function removeLeftovers(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.tmp-') || name.startsWith('.deleting-')) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

function localDay(d: Date): string {
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

function failed(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = errCode(err);
  // The code, not the message: messages carry paths and SQL, which have no place on the screen.
  const why = code === 'ENOSPC' ? 'the disk is full' : code ? `error ${code}` : 'an unexpected error';
  const appErr = new AppError('backup.failed', `The backup could not be made: ${why}. The data was not changed.`);
  return Object.assign(appErr, { cause: err });
}
