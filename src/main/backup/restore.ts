import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import { DB_FILE_NAME } from '../db/database';
import { PRIVATE_DIR_MODE, makeFilePrivate } from '../private-files';
import { ATTACHMENTS_DIR, fsyncDirSync, fsyncFileSync, linkOrCopySync, sha256OfFileSync, storedFiles } from './folder';
import { type SqliteOptions, checkedBackup } from './integrity';

const OLD_ATTACHMENTS = '.attachments-old-';
const NEW_ATTACHMENTS = '.attachments-restore-';
const NEW_DB = `.${DB_FILE_NAME}.restore-`;

export interface RestoreReport {
  restoredFrom: string;
  /** Attachment files now in place; null when the backup holds the database only (pre-migration). */
  attachments: number | null;
}

/**
 * Puts a backup's database and attachment files in place of the current ones. Run it while the
 * database is CLOSED (no handle open on it in this process or another).
 *
 * Everything that can fail slowly is done first, beside the live files: the backup is verified
 * (checksum and integrity check, backup.notFound / backup.damaged), its database copied to a temp file
 * in the data folder, fsynced and checked again, its attachment files linked or copied into a temp
 * folder. Then two renames swap them in: the database first (its stale `-wal`/`-shm` removed before,
 * so SQLite cannot replay the old log onto the restored file), then the attachments folder, the old one
 * kept under a temp name until the new one is in place. Attachment files are content-addressed, so a
 * crash between the two renames leaves the restored database with the newer (larger) set of files.
 * A pre-migration copy holds no files: only the database is replaced.
 */
export function restoreFiles(dataDir: string, name: string, opts: SqliteOptions = {}): RestoreReport {
  recoverInterruptedRestore(dataDir);
  const entry = checkedBackup(dataDir, name, opts);
  const liveDb = join(dataDir, DB_FILE_NAME);
  const liveFiles = join(dataDir, ATTACHMENTS_DIR);
  const token = randomUUID();
  const newDb = join(dataDir, `${NEW_DB}${token}`);
  const newFiles = join(dataDir, `${NEW_ATTACHMENTS}${token}`);
  const oldFiles = join(dataDir, `${OLD_ATTACHMENTS}${token}`);

  try {
    // 1. Stage the database copy and check the bytes that will go live are the backup's.
    copyFileSync(entry.dbFile, newDb);
    makeFilePrivate(newDb); // a copy takes the backup file's mode, which may predate private modes
    fsyncFileSync(newDb);
    const expected = entry.manifest?.db.sha256 ?? sha256OfFileSync(entry.dbFile);
    if (sha256OfFileSync(newDb) !== expected) {
      throw new AppError('backup.failed', `The database copy of ${name} changed while it was being copied; nothing was restored. Try again.`);
    }

    // 2. Stage the attachment files.
    let attachments: number | null = null;
    if (entry.manifest) {
      mkdirSync(newFiles, { mode: PRIVATE_DIR_MODE });
      const files = storedFiles(join(entry.path, ATTACHMENTS_DIR));
      for (const shard of new Set(files.map((f) => f.shard))) mkdirSync(join(newFiles, shard), { mode: PRIVATE_DIR_MODE });
      for (const f of files) linkOrCopySync(f.path, join(newFiles, f.shard, f.sha256));
      for (const shard of new Set(files.map((f) => f.shard))) fsyncDirSync(join(newFiles, shard));
      fsyncDirSync(newFiles);
      attachments = files.length;
    }

    // 3. Swap the database in.
    for (const sidecar of ['-wal', '-shm', '-journal']) rmSync(`${liveDb}${sidecar}`, { force: true });
    renameSync(newDb, liveDb);
    fsyncDirSync(dataDir);

    // 4. Swap the attachments folder in; the old one goes only once the new one is in place.
    if (entry.manifest) {
      const hadFiles = existsSync(liveFiles);
      if (hadFiles) renameSync(liveFiles, oldFiles);
      try {
        renameSync(newFiles, liveFiles);
      } catch (err) {
        if (hadFiles) renameSync(oldFiles, liveFiles);
        throw err;
      }
      fsyncDirSync(dataDir);
      rmSync(oldFiles, { recursive: true, force: true });
    }
    return { restoredFrom: name, attachments };
  } finally {
    rmSync(newDb, { force: true });
    rmSync(newFiles, { recursive: true, force: true });
  }
}

/**
 * Tidies what an interrupted restore left in the data folder (power cut, crash): puts the previous
 * attachments folder back if the new one never took its place, and removes staged copies. Safe to
 * call at every start, before openDatabase; restoreFiles calls it first too.
 */
export function recoverInterruptedRestore(dataDir: string): void {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return;
  }
  const liveFiles = join(dataDir, ATTACHMENTS_DIR);
  const olds = names
    .filter((n) => n.startsWith(OLD_ATTACHMENTS))
    .map((n) => join(dataDir, n))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!existsSync(liveFiles) && olds.length > 0) {
    renameSync(olds.shift()!, liveFiles);
    fsyncDirSync(dataDir);
  }
  for (const old of olds) rmSync(old, { recursive: true, force: true });
  for (const n of names) {
    if (n.startsWith(NEW_ATTACHMENTS) || n.startsWith(NEW_DB)) rmSync(join(dataDir, n), { recursive: true, force: true });
  }
}
