import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Clock } from '../clock';
import { PRIVATE_FILE_MODE, makeFilePrivate, privateDir } from '../private-files';
import { type Migration, checkTables, migrate, storedVersion } from './migrate';
import { migrations as appMigrations } from './migrations';
import type { Database } from './schema';

export const DB_FILE_NAME = 'opticounter.sqlite3';

export interface OpenDatabaseOptions {
  dataDir: string;
  clock: Clock;
  /** Path of a better-sqlite3 addon built for another runtime (Electron); Node's own by default. */
  nativeBinding?: string;
  /** The app's migrations unless a test brings its own list. */
  migrations?: readonly Migration[];
}

export interface OpenedDatabase {
  /** The raw handle, for the few hot paths that want prepared statements. */
  sqlite: BetterSqlite3.Database;
  db: Kysely<Database>;
  file: string;
  schemaVersion: number;
  /** Where the pre-migration copy went, when one was taken. */
  preMigrationBackup: string | null;
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
  // Created empty (a valid, empty database) with its mode, before SQLite would make it 0644; SQLite
  // gives the -wal and -shm files it creates the database file's mode.
  if (!existed) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  const migrations = opts.migrations ?? appMigrations;
  const schemaVersion = migrations.length;
  const sqliteOpts = opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {};
  const sqlite = new BetterSqlite3(file, sqliteOpts);
  // Where the migrations make the tables each version has (checkTables), to compare the file's with.
  const memory = new BetterSqlite3(':memory:', sqliteOpts);
  try {
    // Every refusal comes first, having only read the file: busy_timeout writes nothing to it, but
    // journal_mode = WAL writes its header, so it comes after migrating.
    sqlite.pragma('busy_timeout = 5000');
    const fileVersion = storedVersion(sqlite, migrations);
    await checkTables(sqlite, migrations, fileVersion, memory);

    // A counter PC loses power: FULL makes each commit durable, WAL keeps reads fast while writing.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');

    let preMigrationBackup: string | null = null;
    if (existed && fileVersion > 0 && fileVersion < schemaVersion) {
      const dir = join(opts.dataDir, 'backups');
      mkdirSync(dir, privateDir);
      const stamp = opts.clock.now().toISOString().replace(/[:.]/g, '-');
      preMigrationBackup = join(dir, `pre-migration-v${fileVersion}-${stamp}.sqlite3`);
      await sqlite.backup(preMigrationBackup);
      makeFilePrivate(preMigrationBackup);
    }

    await migrate(sqlite, migrations, fileVersion, memory);
    sqlite.pragma('journal_mode = WAL');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });

    return { sqlite, db, file, schemaVersion, preMigrationBackup };
  } catch (err) {
    sqlite.close();
    throw err;
  } finally {
    memory.close();
  }
}
