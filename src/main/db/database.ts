import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Migration, Migrator, SqliteDialect } from 'kysely';
import { AppError } from '../../shared/errors';
import type { Clock } from '../clock';
import { PRIVATE_FILE_MODE, makeFilePrivate, privateDir } from '../private-files';
import { migrations as appMigrations, providerOf } from './migrations';
import type { Database } from './schema';

export const DB_FILE_NAME = 'opticounter.sqlite3';

export interface OpenDatabaseOptions {
  dataDir: string;
  clock: Clock;
  /** Path of a better-sqlite3 addon built for another runtime (Electron); Node's own by default. */
  nativeBinding?: string;
  /** The app's migrations unless a test brings its own set. */
  migrations?: Record<string, Migration>;
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
 * A file written by a newer app is refused untouched; an existing file is copied before migrating.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<OpenedDatabase> {
  mkdirSync(opts.dataDir, privateDir);
  const file = join(opts.dataDir, DB_FILE_NAME);
  const existed = existsSync(file);
  // Created empty (a valid, empty database) with its mode, before SQLite would make it 0644; SQLite
  // gives the -wal and -shm files it creates the database file's mode.
  if (!existed) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  const migrations = opts.migrations ?? appMigrations;
  const knownMigrations = Object.keys(migrations).sort();
  const schemaVersion = knownMigrations.length;
  const sqlite = new BetterSqlite3(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  try {
    // A counter PC loses power: FULL makes each commit durable, WAL keeps reads fast while writing.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');

    const applied = appliedMigrations(sqlite);
    const unknown = applied.filter((name) => !knownMigrations.includes(name));
    const fileVersion = Number(sqlite.pragma('user_version', { simple: true }));
    if (unknown.length > 0 || fileVersion > schemaVersion) {
      throw new AppError(
        'db.newerSchema',
        `The database ${file} was written by a newer version of OptiCounter (schema ${Math.max(fileVersion, applied.length)}, this app knows ${schemaVersion}). Install the newer version; the file was not changed.`,
      );
    }

    let preMigrationBackup: string | null = null;
    const pending = knownMigrations.length - applied.length;
    if (existed && applied.length > 0 && pending > 0) {
      const dir = join(opts.dataDir, 'backups');
      mkdirSync(dir, privateDir);
      const stamp = opts.clock.now().toISOString().replace(/[:.]/g, '-');
      preMigrationBackup = join(dir, `pre-migration-v${applied.length}-${stamp}.sqlite3`);
      await sqlite.backup(preMigrationBackup);
      makeFilePrivate(preMigrationBackup);
    }

    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    if (pending > 0) {
      // Kysely runs SQLite migrations outside a transaction; run them all in one, so a failure or a
      // power cut leaves the old schema whole rather than half-migrated.
      sqlite.exec('BEGIN IMMEDIATE');
      try {
        const { error } = await new Migrator({ db, provider: providerOf(migrations) }).migrateToLatest();
        if (error) throw error;
        sqlite.pragma(`user_version = ${schemaVersion}`);
        sqlite.exec('COMMIT');
      } catch (err) {
        sqlite.exec('ROLLBACK');
        throw err;
      }
    }

    return { sqlite, db, file, schemaVersion, preMigrationBackup };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}

function appliedMigrations(sqlite: BetterSqlite3.Database): string[] {
  const table = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
  if (!table) return [];
  return (sqlite.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name);
}
