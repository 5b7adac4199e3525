import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { DB_FILE_NAME, setWalMode } from '../db/database';
import { PRIVATE_DIR_MODE, makeFilePrivate } from '../private-files';
import { fsyncDirSync, fsyncFileSync, replaceFileDurably } from '../durable-file';
import { ATTACHMENTS_DIR, linkOrCopySync, sha256OfFileSync, storedFiles } from './folder';
import { type SqliteOptions, checkedBackup } from './integrity';
import { lineageOfRestored, writeLineage } from './lineage';

const OLD_ATTACHMENTS = '.attachments-old-';
const NEW_ATTACHMENTS = '.attachments-restore-';
const NEW_DB = `.${DB_FILE_NAME}.restore-`;
/** Written once everything is staged: from then on the restore is committed and a restart finishes it. */
const JOURNAL = '.restore-journal.json';

const Journal = z.object({
  format: z.literal(1),
  restoredFrom: z.string(),
  /** The token of the staged copies (`.opticounter.sqlite3.restore-<token>`, `.attachments-restore-<token>`). */
  token: z.string().regex(/^[0-9a-f-]{36}$/),
  /** False for a pre-migration copy: the database only. */
  withFiles: z.boolean(),
  /** backup/lineage.ts: what the store descends from once this backup is in place. */
  lineage: z.array(z.string()),
});
type Journal = z.infer<typeof Journal>;

/** Where a crash may be injected in tests (a child process kills itself there). */
export type RestoreStep = 'staged' | 'journaled' | 'db-swapped' | 'files-moved-aside' | 'files-swapped' | 'lineage-written';

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
 * folder. Then a journal is written (durably): the restore is committed. The swap that follows is a
 * few renames — the database (its stale `-wal`/`-shm` removed first, so SQLite cannot replay the old
 * log onto the restored file), the old attachments folder aside, the new one in, the lineage record —
 * and a crash anywhere in it is finished by recoverInterruptedRestore() at the next start, from the
 * journal. Before the journal, a crash leaves the old store whole (the staged copies are removed).
 * So the store opens afterwards old or new, never the restored database with the old files.
 * A pre-migration copy holds no files: only the database is replaced.
 */
export function restoreFiles(dataDir: string, name: string, opts: SqliteOptions & { onStep?: (step: RestoreStep) => void } = {}): RestoreReport {
  recoverInterruptedRestore(dataDir);
  const entry = checkedBackup(dataDir, name, opts);
  const step = opts.onStep ?? (() => undefined);
  const token = randomUUID();
  const newDb = join(dataDir, `${NEW_DB}${token}`);
  const newFiles = join(dataDir, `${NEW_ATTACHMENTS}${token}`);
  let committed = false;

  try {
    // 1. Stage the database copy and check the bytes that will go live are the backup's.
    copyFileSync(entry.dbFile, newDb);
    makeFilePrivate(newDb); // a copy takes the backup file's mode, which may predate private modes
    fsyncFileSync(newDb);
    const expected = entry.manifest?.db.sha256 ?? sha256OfFileSync(entry.dbFile);
    if (sha256OfFileSync(newDb) !== expected) {
      throw new AppError('backup.failed', `The database copy of ${name} changed while it was being copied; nothing was restored. Try again.`);
    }
    // A backup is kept in rollback-journal mode (one file); live, the store is in WAL. Turned here,
    // beside the live files: turned once live, a crash in that write left a hot -journal beside the
    // store, which the next start refuses (kill -9 during a restore, CI run 12). A crash here leaves
    // only staged files, removed at the next start.
    setWalMode(newDb, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
    fsyncFileSync(newDb);

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
    fsyncDirSync(dataDir);
    step('staged');

    // 3. Commit: from here a crash is finished at the next start, never undone halfway.
    const journal: Journal = { format: 1, restoredFrom: name, token, withFiles: entry.manifest !== null, lineage: lineageOfRestored(dataDir, name, entry.manifest?.ancestors) };
    replaceFileDurably(join(dataDir, JOURNAL), `${JSON.stringify(journal)}\n`);
    fsyncDirSync(dataDir);
    committed = true;
    step('journaled');

    // 4. The swap.
    finishSwap(dataDir, journal, step);
    return { restoredFrom: name, attachments };
  } finally {
    if (!committed) {
      rmSync(newDb, { force: true });
      rmSync(newFiles, { recursive: true, force: true });
    }
  }
}

/**
 * The renames of a committed restore, each one skipped when already done, so that a restart can run
 * them again from the journal whatever step the crash came at.
 */
function finishSwap(dataDir: string, journal: Journal, step: (s: RestoreStep) => void): void {
  const liveDb = join(dataDir, DB_FILE_NAME);
  const liveFiles = join(dataDir, ATTACHMENTS_DIR);
  const newDb = join(dataDir, `${NEW_DB}${journal.token}`);
  const newFiles = join(dataDir, `${NEW_ATTACHMENTS}${journal.token}`);
  const oldFiles = join(dataDir, `${OLD_ATTACHMENTS}${journal.token}`);

  if (existsSync(newDb)) {
    for (const sidecar of ['-wal', '-shm', '-journal']) rmSync(`${liveDb}${sidecar}`, { force: true });
    renameSync(newDb, liveDb);
    fsyncDirSync(dataDir);
  }
  step('db-swapped');
  if (journal.withFiles && existsSync(newFiles)) {
    if (existsSync(liveFiles)) renameSync(liveFiles, oldFiles);
    fsyncDirSync(dataDir);
    step('files-moved-aside');
    renameSync(newFiles, liveFiles);
    fsyncDirSync(dataDir);
  }
  step('files-swapped');
  writeLineage(dataDir, journal.lineage);
  step('lineage-written');
  rmSync(join(dataDir, JOURNAL), { force: true });
  fsyncDirSync(dataDir);
  rmSync(oldFiles, { recursive: true, force: true });
}

/**
 * Finishes or tidies what an interrupted restore left in the data folder (power cut, crash). With a
 * journal, the restore was committed: its swap is finished. Without one, it never got that far: the
 * staged copies are removed and the live files are as they were. Safe to call at every start, before
 * openDatabase; restoreFiles calls it first too. Returns the backup whose restore it finished, if any.
 */
export function recoverInterruptedRestore(dataDir: string): string | null {
  const journal = readJournal(dataDir);
  if (journal) finishSwap(dataDir, journal, () => undefined);
  const finished = journal?.restoredFrom ?? null;
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return finished;
  }
  const liveFiles = join(dataDir, ATTACHMENTS_DIR);
  const olds = names
    .filter((n) => n.startsWith(OLD_ATTACHMENTS))
    .map((n) => join(dataDir, n))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  // An older app's restore (no journal) cut between its two renames: its previous folder comes back.
  if (!existsSync(liveFiles) && olds.length > 0) {
    renameSync(olds.shift()!, liveFiles);
    fsyncDirSync(dataDir);
  }
  for (const old of olds) rmSync(old, { recursive: true, force: true });
  for (const n of names) {
    if (n.startsWith(NEW_ATTACHMENTS) || n.startsWith(NEW_DB) || n === `${JOURNAL}.tmp`) rmSync(join(dataDir, n), { recursive: true, force: true });
  }
  return finished;
}

function readJournal(dataDir: string): Journal | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, JOURNAL), 'utf8');
  } catch {
    return null;
  }
  const parsed = Journal.safeParse(safeJson(text));
  if (parsed.success) return parsed.data;
  // Written whole and fsynced before the swap began, so a torn one means the swap never began.
  rmSync(join(dataDir, JOURNAL), { force: true });
  return null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
