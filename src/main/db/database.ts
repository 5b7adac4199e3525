import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Clock } from '../clock';
import { nextTurnAhead } from '../turns';
import { fsyncDirSync, fsyncFileSync } from '../durable-file';
import { PRIVATE_FILE_MODE, makeFilePrivate, privateDir } from '../private-files';
import { type Migration, checkTables, migrate, storedVersion } from './migrate';
import { migrations as appMigrations } from './migrations';
import type { Database } from './schema';
import { withStatementCache } from './statement-cache';

export const DB_FILE_NAME = 'opticounter.sqlite3';

export interface OpenDatabaseOptions {
  dataDir: string;
  clock: Clock;
  /** Path of a better-sqlite3 addon built for another runtime (Electron); Node's own by default. */
  nativeBinding?: string;
  /** The app's migrations unless a test brings its own list. */
  migrations?: readonly Migration[];
  /**
   * The start's integrity check of an existing store, started once the connection is open (so its
   * reader never makes nor removes the -wal and -shm files the connection owns) and run beside the
   * rest of the opening; it rejects to refuse the store. Until it has passed the connection is
   * read-only (`query_only`) and `writable` pending; a store to migrate or to turn to WAL waits for
   * it first, as those write.
   */
  check?: (sqlite: BetterSqlite3.Database) => Promise<void>;
}

export interface OpenedDatabase {
  /** The raw handle, for the few hot paths that want prepared statements. */
  sqlite: BetterSqlite3.Database;
  db: Kysely<Database>;
  file: string;
  schemaVersion: number;
  /** Where the pre-migration copy went, when one was taken. */
  preMigrationBackup: string | null;
  /** Settles with the start's integrity check (options.check): every write waits for it, and fails with it. */
  writable: Promise<void>;
}

/**
 * Opens (creating if needed) the store's database and brings its schema up to date.
 * A file written by a newer app, or whose tables are not those of its version, is refused untouched;
 * an existing file is copied before migrating.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<OpenedDatabase> {
  mkdirSync(opts.dataDir, privateDir);
  const file = join(opts.dataDir, DB_FILE_NAME);
  const existed = existsSync(file);
  const sqliteOpts = opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {};
  if (!existed) createStoreFile(file, sqliteOpts);
  const migrations = opts.migrations ?? appMigrations;
  const schemaVersion = migrations.length;
  // Where the migrations make the tables each version has (checkTables), to compare the file's with.
  const memory = new BetterSqlite3(':memory:', sqliteOpts);
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    // Every refusal comes first, on a read-only connection: closing a read-write one would
    // checkpoint a WAL store's -wal into the file and delete it, changing the file it refused.
    const fileVersion = await checkDatabaseFile(file, migrations, sqliteOpts, memory);
    // Opening runs in turns: its steps in one held the event loop ~85 ms in a fresh process (issue 14).
    await nextTurnAhead();
    sqlite = new BetterSqlite3(file, sqliteOpts);
    sqlite.pragma('busy_timeout = 5000');

    // A counter PC loses power: FULL makes each commit durable, WAL keeps reads fast while writing.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    const { writable } = await checkBeside(sqlite, opts.check, fileVersion < schemaVersion);

    let preMigrationBackup: string | null = null;
    if (existed && fileVersion > 0 && fileVersion < schemaVersion) {
      const dir = join(opts.dataDir, 'backups');
      mkdirSync(dir, privateDir);
      const stamp = opts.clock.now().toISOString().replace(/[:.]/g, '-');
      preMigrationBackup = join(dir, `pre-migration-v${fileVersion}-${stamp}.sqlite3`);
      await sqlite.backup(preMigrationBackup);
      makeFilePrivate(preMigrationBackup);
    }

    // WAL before the migrations write, and after the copy above: a crash in rollback-journal mode
    // leaves a hot -journal, which the next start's read-only checks cannot roll back, and one found
    // beside the store is not trusted to be its own (review 14), so the store is refused. A first
    // start's migrations ran that way.
    sqlite.pragma('journal_mode = WAL');
    await migrate(sqlite, migrations, fileVersion, memory);
    // Closed before the turn, not in the turn of what follows (a profile of the start saw it take 13 ms).
    memory.close();
    await nextTurnAhead();
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });

    return { sqlite, db, file, schemaVersion, preMigrationBackup, writable };
  } catch (err) {
    // Refused, abandoned or found damaged before it was written to: a -wal a crash left is not folded in (review 23).
    const opened = sqlite;
    if (opened) await closeLeavingFile(file, () => opened.close(), opts.nativeBinding);
    throw err;
  } finally {
    if (memory.open) memory.close();
  }
}

/**
 * Starts `check` on the open connection and answers what settles with it. Only reads go on until it
 * has passed: the connection is made read-only, which refuses a write nothing waited for rather than
 * let it change a store about to be found damaged. A store that must change to open (its migrations,
 * its turn to WAL) waits for the check here; a failed one then fails the opening.
 */
async function checkBeside(sqlite: BetterSqlite3.Database, check: OpenDatabaseOptions['check'], migrating: boolean): Promise<{ writable: Promise<void> }> {
  if (!check) return { writable: Promise.resolve() };
  // Its process started on a turn of its own: spawning it took 15–25 ms of the opening's turn.
  await nextTurnAhead();
  const checked = check(sqlite);
  if (migrating || sqlite.pragma('journal_mode', { simple: true }) !== 'wal') {
    await checked;
    return { writable: Promise.resolve() };
  }
  sqlite.pragma('query_only = ON');
  const writable = checked.then(() => {
    if (sqlite.open) sqlite.pragma('query_only = OFF');
  });
  // Whoever writes hears of a failure (and the caller of check() has its own promise): not unhandled here.
  writable.catch(() => undefined);
  return { writable };
}

/**
 * Closes a store without SQLite's checkpoint on close (which folds the -wal into the file and
 * deletes it, whatever query_only says): a store its start's check found damaged, or had not passed
 * yet, is left as found (review 20). A read-only connection opened first keeps the store's from being
 * the last to close, and a read-only connection never checkpoints.
 */
export function closeAsFound(store: OpenedDatabase, nativeBinding?: string): Promise<void> {
  return closeLeavingFile(store.file, () => store.db.destroy(), nativeBinding);
}

/** closeAsFound's way for any connection to `file`: `close` runs while a read-only connection holds the file. */
async function closeLeavingFile(file: string, close: () => unknown, nativeBinding?: string): Promise<void> {
  let holder: BetterSqlite3.Database | undefined;
  try {
    holder = new BetterSqlite3(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    holder.pragma('schema_version'); // its shared lock taken, as a reader's
  } catch {
    // A file too damaged to open read-only: the store's own close then is all there is.
  }
  try {
    await close();
  } finally {
    holder?.close();
  }
}

/**
 * The refusals of openDatabase (storedVersion, checkTables) on `file`, changing nothing: opened
 * read-only, -wal and -shm files the check made removed, existing ones left alone. A -wal (left by a
 * crash or a power cut) is read where it is: a read-only connection never folds it into the file nor
 * deletes it, and only the -shm, SQLite's index of the -wal which any reader rebuilds, may change, as
 * it does when the integrity check reads the store before. It was read on a copy of the whole store:
 * 3 s holding the event loop at 1,000,000 customers, and no start where the temp folder was full.
 * Returns the file's version, `memory` (an empty in-memory database) left at it.
 */
export async function checkDatabaseFile(file: string, migrations: readonly Migration[], sqliteOpts: { nativeBinding?: string }, memory: BetterSqlite3.Database): Promise<number> {
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f));
  const reader = new BetterSqlite3(file, { ...sqliteOpts, readonly: true, fileMustExist: true });
  try {
    const version = storedVersion(reader, migrations);
    await checkTables(reader, migrations, version, memory);
    return version;
  } finally {
    reader.close();
    for (const f of sidecars) rmSync(f, { force: true });
  }
}

/**
 * A new store's file: made empty beside its place with its mode (before SQLite would make it 0644;
 * SQLite gives the -wal and -shm files the database file's mode), put in WAL mode, then renamed in.
 * Made in place, a crash while it turned to WAL (a rollback-journal write) left a hot -journal beside
 * it, and no start would ever open it (review 15). A crash here leaves only the `.new` files, cleared
 * at the next start, which makes the store again.
 */
function createStoreFile(file: string, sqliteOpts: { nativeBinding?: string }): void {
  const fresh = `${file}.new`;
  for (const f of [fresh, `${fresh}-journal`, `${fresh}-wal`, `${fresh}-shm`]) rmSync(f, { force: true });
  closeSync(openSync(fresh, 'w', PRIVATE_FILE_MODE));
  setWalMode(fresh, sqliteOpts);
  fsyncFileSync(fresh);
  renameSync(fresh, file);
  fsyncDirSync(dirname(file));
}

/**
 * A database file (not open elsewhere) put in WAL mode, as the store runs, and closed: its -wal
 * folded back and removed. A backup's copy is turned so before it goes live (backup/restore.ts).
 */
export function setWalMode(file: string, sqliteOpts: { nativeBinding?: string } = {}): void {
  const db = new BetterSqlite3(file, { ...sqliteOpts, fileMustExist: true });
  try {
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
  for (const sidecar of ['-wal', '-shm']) rmSync(`${file}${sidecar}`, { force: true });
}

/** checkDatabaseFile with the app's migrations, for a copy about to be put in place (a backup): throws its coded refusal. */
export async function checkStoreFile(file: string, opts: { nativeBinding?: string } = {}): Promise<void> {
  const sqliteOpts = opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {};
  const memory = new BetterSqlite3(':memory:', sqliteOpts);
  try {
    await checkDatabaseFile(file, appMigrations, sqliteOpts, memory);
  } finally {
    memory.close();
  }
}
