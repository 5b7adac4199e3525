import { AuditHead } from '../audit/anchor';
import { createHash } from 'node:crypto';
import { type Dirent, closeSync, copyFileSync, constants as fsConstants, linkSync, lstatSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { copyFile, link, open } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AuditChainReport } from '../../shared/audit/schema';
import { type BackupInfo, type CreatedBackupKind, backupKinds } from '../../shared/backup/schema';
import { AppError } from '../../shared/errors';
import { DB_FILE_NAME } from '../db/database';
import { fsyncFileSync, replaceFileDurably } from '../durable-file';

/*
 * The backups folder, as files on disk:
 *
 *   <dataDir>/backups/<UTC stamp>-<kind>/          one backup (kind: manual, daily, pre-restore)
 *       opticounter.sqlite3                         the database, copied online, rollback-journal mode
 *       attachments/<sha[0..2]>/<sha>               the attachment files (hard links when possible)
 *       backup.json                                 the manifest, written last
 *   <dataDir>/backups/pre-migration-v<N>-<stamp>.sqlite3   openDatabase's copy before migrating
 *   <dataDir>/backups/.tmp-… / .deleting-…          work in progress; never listed
 *
 * A backup folder only ever appears complete: it is built under a dot-name and renamed into place.
 */

export const BACKUPS_DIR = 'backups';
export const MANIFEST_FILE = 'backup.json';
export const ATTACHMENTS_DIR = 'attachments';

const STAMP = String.raw`(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z`;
const CREATED_KINDS = backupKinds.filter((k): k is CreatedBackupKind => k !== 'pre-migration');
const FOLDER_NAME = new RegExp(String.raw`^${STAMP}-(${CREATED_KINDS.join('|')})(?:-(\d{1,4}))?$`);
const PRE_MIGRATION_NAME = new RegExp(String.raw`^pre-migration-v\d{1,6}-${STAMP}\.sqlite3$`);
const SHARD = /^[0-9a-f]{2}$/;
const SHA256 = /^[0-9a-f]{64}$/;

const Count = z.number().int().nonnegative();
export const Manifest = z.object({
  format: z.literal(1),
  kind: z.enum(CREATED_KINDS as [CreatedBackupKind, ...CreatedBackupKind[]]),
  createdAt: z.string(),
  /** The database's `user_version` (the number of migrations applied). */
  schemaVersion: z.number().int(),
  db: z.object({ file: z.literal(DB_FILE_NAME), sha256: z.string().regex(SHA256), sizeBytes: Count }),
  attachments: z.object({ files: Count, sizeBytes: Count }),
  /** Row counts in the copy, for the owner to recognise a backup by (not checked on restore). */
  counts: z.record(z.string(), Count),
  /** backup/lineage.ts: the backups the store descended from when this one was made (absent before 2026-12). */
  ancestors: z.array(z.string()).optional(),
  /**
   * The audit trail's hash chain in the copy (backup/integrity.ts), checked when the backup was made
   * or last verified, so the list says it without opening every copy. Absent: never checked (made
   * before 2026-12 and not verified since) or a copy from before the chain.
   */
  auditTrail: AuditChainReport.optional(),
  /** The copy's last audit row (id, seal) when it was made: a later check says whether its chain still reaches it (absent before 2026-12). */
  auditHead: AuditHead.optional(),
});
export type Manifest = z.infer<typeof Manifest>;

/** A backup as found on disk. */
export interface BackupEntry {
  info: BackupInfo;
  /** The backup's folder, or the file itself for a pre-migration copy. */
  path: string;
  dbFile: string;
  /** Null for a pre-migration copy, which has none (and no attachment files). */
  manifest: Manifest | null;
}

export function backupsDir(dataDir: string): string {
  return join(dataDir, BACKUPS_DIR);
}

/** `2026-01-15T10:00:00.000Z` -> `2026-01-15T10-00-00-000Z` (the form database.ts also uses). */
export function stampOf(iso: string): string {
  return iso.replace(/[:.]/g, '-');
}

export function folderNameOf(createdAt: string, kind: CreatedBackupKind, n: number): string {
  return `${stampOf(createdAt)}-${kind}${n > 1 ? `-${n}` : ''}`;
}

/** True for a name this module could have written; anything else (a path, `..`) is never looked up. */
export function isBackupName(name: string): boolean {
  return FOLDER_NAME.test(name) || PRE_MIGRATION_NAME.test(name);
}

export function backupNotFound(): AppError {
  return new AppError('backup.notFound', 'Backup not found');
}

/** Every complete backup, newest first. A folder without a valid manifest is not a backup. */
export function listBackups(dataDir: string): BackupEntry[] {
  const dir = backupsDir(dataDir);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const found: BackupEntry[] = [];
  for (const e of entries) {
    const entry = e.isDirectory() ? folderBackup(dir, e.name) : e.isFile() ? preMigrationBackup(dir, e.name) : null;
    if (entry) found.push(entry);
  }
  return found.sort(newestFirst);
}

/** The backup called `name`, or backup.notFound (also for any name with path characters in it). */
export function findBackup(dataDir: string, name: string): BackupEntry {
  if (!isBackupName(name)) throw backupNotFound();
  const dir = backupsDir(dataDir);
  const entry = FOLDER_NAME.test(name) ? folderBackup(dir, name) : preMigrationBackup(dir, name);
  if (!entry) throw backupNotFound();
  return entry;
}

export function newestFirst(a: BackupEntry, b: BackupEntry): number {
  const byTime = b.info.createdAt.localeCompare(a.info.createdAt);
  return byTime !== 0 ? byTime : b.info.name.localeCompare(a.info.name, 'en', { numeric: true });
}

function folderBackup(dir: string, name: string): BackupEntry | null {
  if (!FOLDER_NAME.test(name)) return null;
  const path = join(dir, name);
  try {
    if (!lstatSync(path).isDirectory()) return null;
    const parsed = Manifest.safeParse(JSON.parse(readFileSync(join(path, MANIFEST_FILE), 'utf8')));
    if (!parsed.success) return null;
    const m = parsed.data;
    return {
      info: infoOf(name, m),
      path,
      dbFile: join(path, DB_FILE_NAME),
      manifest: m,
    };
  } catch {
    // Missing or unreadable manifest: a half-made or hand-made folder, not a backup.
    return null;
  }
}

export function infoOf(name: string, m: Manifest): BackupInfo {
  const info: BackupInfo = { name, kind: m.kind, createdAt: m.createdAt, sizeBytes: m.db.sizeBytes + m.attachments.sizeBytes, attachments: m.attachments.files, customers: customersOf(m) };
  return m.auditTrail ? { ...info, auditTrail: m.auditTrail } : info;
}

/**
 * Records a check's chain result in a backup's manifest when it says something new (the time of the
 * check aside). Only the manifest is rewritten, atomically (a temporary file renamed over it); the
 * database copy its checksum seals is never touched. A pre-migration copy has no manifest: nothing.
 */
export function recordAuditTrail(entry: BackupEntry, report: AuditChainReport): void {
  if (!entry.manifest) return;
  const { checkedAt: _was, ...recorded } = entry.manifest.auditTrail ?? { checkedAt: '' };
  const { checkedAt: _now, ...found } = report;
  if (entry.manifest.auditTrail && JSON.stringify(recorded) === JSON.stringify(found)) return;
  const manifest: Manifest = { ...entry.manifest, auditTrail: report };
  try {
    replaceFileDurably(join(entry.path, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    entry.manifest = manifest;
    entry.info = infoOf(entry.info.name, manifest);
  } catch {
    // Only a note for the list (a read-only backup folder, a full disk): the check itself stands.
  }
}

/** The customers a backup holds that the counter would list (deleted ones left out). */
export function customersOf(m: Manifest): number | null {
  const all = m.counts.customers;
  return all === undefined ? null : all - (m.counts.deletedCustomers ?? 0);
}

function preMigrationBackup(dir: string, name: string): BackupEntry | null {
  const m = PRE_MIGRATION_NAME.exec(name);
  if (!m) return null;
  const path = join(dir, name);
  try {
    const st = lstatSync(path);
    if (!st.isFile()) return null;
    const createdAt = `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`;
    return { info: { name, kind: 'pre-migration', createdAt, sizeBytes: st.size, attachments: 0, customers: null }, path, dbFile: path, manifest: null };
  } catch {
    return null;
  }
}

// ---- the attachment store's files ------------------------------------------------------------------

export interface StoredFile {
  shard: string;
  sha256: string;
  path: string;
}

/** The content-addressed files under `root` (`<sha[0..2]>/<sha>`); temporary files are left out. */
export function storedFiles(root: string): StoredFile[] {
  const out: StoredFile[] = [];
  for (const shard of readDirNames(root)) {
    if (!SHARD.test(shard)) continue;
    for (const name of readDirNames(join(root, shard))) {
      if (!SHA256.test(name) || !name.startsWith(shard)) continue;
      const path = join(root, shard, name);
      if (statSync(path, { throwIfNoEntry: false })?.isFile()) out.push({ shard, sha256: name, path });
    }
  }
  return out;
}

function readDirNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if (isNotFound(err) || isNotDir(err)) return [];
    throw err;
  }
}

/*
 * Attachment files are never changed in place (the store writes a new file and renames it over), so a
 * hard link is as good as a copy and costs no space. Where links are refused (FAT/exFAT, some network
 * shares), the bytes are copied and fsynced.
 */
export async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    if (!linkRefused(err)) throw err;
    await copyFile(from, to, fsConstants.COPYFILE_FICLONE);
    await fsyncFile(to);
  }
}

export function linkOrCopySync(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (err) {
    if (!linkRefused(err)) throw err;
    copyFileSync(from, to, fsConstants.COPYFILE_FICLONE);
    fsyncFileSync(to);
  }
}

function linkRefused(err: unknown): boolean {
  return ['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EACCES'].includes(errCode(err) ?? '');
}

// ---- durability and checksums -----------------------------------------------------------------------

export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false })) hash.update(chunk as Buffer);
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

export function sha256OfFileSync(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

export function errCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

export function isNotFound(err: unknown): boolean {
  return errCode(err) === 'ENOENT';
}

function isNotDir(err: unknown): boolean {
  return errCode(err) === 'ENOTDIR';
}
