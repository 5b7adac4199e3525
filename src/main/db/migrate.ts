import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { AppError } from '../../shared/errors';
import { shapeDifferences, shapeOf } from './schema-shape';

/** One schema change. Its version is its place in the app's list (migrations/index.ts), from 1. */
export interface Migration {
  /** The file's name, starting with the version: 0007_single_version_record. */
  readonly name: string;
  up(db: Kysely<unknown>): Promise<void>;
}

/**
 * The schema version of the file: PRAGMA user_version, the number of migrations applied. Refuses a
 * file written by a newer app (db.newerSchema), having changed nothing: an update cannot be undone.
 * Refuses as well, untouched, a record it cannot count from (db.versionInvalid) and a file with tables
 * but no record at all (db.versionMissing): guessing the version from the tables could run a migration
 * twice on data a backup still holds as it was.
 */
export function storedVersion(sqlite: BetterSqlite3.Database, migrations: readonly Migration[]): number {
  const userVersion = Number(sqlite.pragma('user_version', { simple: true }));
  // SQLite keeps a signed 32-bit number; no version of the app writes one below 0.
  if (!Number.isSafeInteger(userVersion) || userVersion < 0) throw versionInvalid(sqlite, `has user_version ${userVersion}`);
  const version = legacyVersion(sqlite, migrations, userVersion) ?? userVersion;
  if (version > migrations.length) throw newerSchema(sqlite, version, migrations.length);
  if (version === 0 && hasSchema(sqlite)) {
    throw new AppError(
      'db.versionMissing',
      `The database ${sqlite.name} has tables but no version record: it may have been rebuilt outside the app (the sqlite3 shell's .dump or .recover). Restore a backup; the file was not changed.`,
    );
  }
  return version;
}

/**
 * The audit trail's table, dropped outside the app, is evidence the app opens the store to report
 * (audit/open.ts: shown, every change refused), not a reason to refuse it here.
 */
const REPORTED_WHEN_MISSING = ['audit_log'];

/**
 * Refuses, untouched (it only reads the file), a file whose tables are not those of its `version`
 * (db.schemaMismatch): the version record says which migrations ran only if the tables agree; else
 * the next migration would fail on raw SQL errors, or the store open and every call fail. Compared:
 * table names and each table's column names, extra ones refused as well (no app makes them, and a
 * later migration could meet one by name); only the audit table may be missing. The tables of a version are those its migrations make on
 * `memory`, an empty in-memory database, so there is no list to keep by hand; `memory` is left at
 * `version`, for migrate to check the file against after migrating.
 */
export async function checkTables(sqlite: BetterSqlite3.Database, migrations: readonly Migration[], version: number, memory: BetterSqlite3.Database): Promise<void> {
  // A store from before 0007 has the old record's tables too (legacyVersion read them); 0007 drops them.
  for (const { sql } of oldRecordTables(sqlite)) memory.exec(sql);
  await migrate(memory, migrations.slice(0, version), 0);
  const differences = shapeDifferences(shapeOf(memory), shapeOf(sqlite), REPORTED_WHEN_MISSING);
  if (differences.length > 0) {
    throw new AppError(
      'db.schemaMismatch',
      `The database ${sqlite.name} records schema version ${version}, but its tables are not those of version ${version} (${differences.join('; ')}): it was changed outside the app. Restore a backup; the file was not changed.`,
    );
  }
  await checkPendingWithout(sqlite, migrations, version, memory);
}

/**
 * A table of REPORTED_WHEN_MISSING may be missing only where no pending migration needs it: the
 * pending migrations are tried on `memory` without it, in a transaction undone afterwards (`memory`
 * stays at `version`), and a failure there refuses the file (db.schemaMismatch) before it is touched.
 */
async function checkPendingWithout(sqlite: BetterSqlite3.Database, migrations: readonly Migration[], version: number, memory: BetterSqlite3.Database): Promise<void> {
  const fileTables = shapeOf(sqlite);
  const missing = REPORTED_WHEN_MISSING.filter((t) => shapeOf(memory).has(t) && !fileTables.has(t));
  if (missing.length === 0 || version >= migrations.length) return;
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: memory }) });
  let current = version;
  memory.exec('BEGIN');
  try {
    for (const table of missing) memory.exec(`drop table "${table}"`);
    for (; current < migrations.length; current++) await migrations[current]!.up(db);
  } catch {
    throw new AppError(
      'db.schemaMismatch',
      `The database ${sqlite.name} has no table ${missing.join(', ')}, which migration ${migrations[current]!.name} needs to bring it from version ${version} to ${migrations.length}: it was dropped outside the app. Restore a backup; the file was not changed.`,
    );
  } finally {
    if (memory.inTransaction) memory.exec('ROLLBACK');
  }
}

/**
 * Brings the file from version `from` to the latest: every pending migration and the user_version it
 * leads to, in one transaction, so a failure or a power cut leaves the file at `from`, untouched, as in
 * the copy taken before migrating. Given `expected`, a database at `from` with that version's tables
 * (checkTables), the same migrations run on it after the file's and the two must have the same tables
 * before the commit: a migration that makes other tables on some store is undone (db.schemaMismatch).
 * Run on the file first, so a migration that fails does so there, and is undone there.
 */
export async function migrate(sqlite: BetterSqlite3.Database, migrations: readonly Migration[], from: number, expected?: BetterSqlite3.Database): Promise<void> {
  if (from >= migrations.length) return;
  // Migrations see no table types: they run on the schemas before db/schema.ts's. Never destroyed, as
  // that would close the handle, which the caller owns.
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  // IMMEDIATE: take the write lock first, so no other connection slips a write in between.
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    for (let version = from + 1; version <= migrations.length; version++) {
      await migrations[version - 1]!.up(db);
      sqlite.pragma(`user_version = ${version}`);
    }
    if (expected) await migrate(expected, migrations, from);
    const differences = expected ? shapeDifferences(shapeOf(expected), shapeOf(sqlite), REPORTED_WHEN_MISSING) : [];
    if (differences.length > 0) {
      throw new AppError(
        'db.schemaMismatch',
        `The database ${sqlite.name}, after migrating to version ${migrations.length}, has tables that are not those of version ${migrations.length} (${differences.join('; ')}): a migration does not make the same tables on every store. The migration was undone; the file was not changed.`,
      );
    }
    sqlite.exec('COMMIT');
  } catch (err) {
    // Some errors (a full disk) end the transaction by themselves.
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw err;
  }
}

/**
 * Stores made before migration 0007 kept their version twice: kysely's `kysely_migration` table (a row
 * per migration) and user_version, written in the same transaction as the migrations. A copy rebuilt by
 * the sqlite3 shell (`.dump`, `.recover`) loses user_version but keeps the rows, and neither record
 * can name a migration whose changes are not in the file: such a store is at the higher of the two.
 * Rows must name this app's migrations from the first on; a name it does not know means a newer app
 * wrote the file, or the record is damaged. Null when the table is not there (a store from 0007 on, or
 * a new one).
 */
function legacyVersion(sqlite: BetterSqlite3.Database, migrations: readonly Migration[], userVersion: number): number | null {
  const table = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
  if (!table) return null;
  const columns = sqlite.prepare("select name from pragma_table_info('kysely_migration')").pluck().all();
  if (!columns.includes('name')) throw versionInvalid(sqlite, 'has a kysely_migration table with no name column');
  const applied = (sqlite.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name);
  const known = migrations.map((m) => m.name);
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    // Still db.newerSchema, the likely cause; no schema number: a row count is not one.
    throw new AppError(
      'db.newerSchema',
      `The database ${sqlite.name} holds a migration record unknown to this app (${unknown.join(', ')}): either a newer version of OptiCounter wrote it, or the record is damaged. Install the newer version, or restore a backup if this one is the newest; the file was not changed.`,
    );
  }
  if (applied.some((name, i) => name !== known[i])) {
    throw new AppError(
      'db.versionMismatch',
      `The database ${sqlite.name} records migrations ${applied.join(', ')}, which no version of OptiCounter applies in that order; the file was not changed.`,
    );
  }
  return Math.max(userVersion, applied.length);
}

/** The CREATE statements of kysely's old version record (legacyVersion), when the file has it. */
function oldRecordTables(sqlite: BetterSqlite3.Database): { sql: string }[] {
  return sqlite.prepare("select sql from sqlite_master where type = 'table' and name in ('kysely_migration', 'kysely_migration_lock') order by name").all() as { sql: string }[];
}

function newerSchema(sqlite: BetterSqlite3.Database, version: number, known: number): AppError {
  return new AppError(
    'db.newerSchema',
    `The database ${sqlite.name} was written by a newer version of OptiCounter (schema ${version}, this app knows ${known}). Install the newer version; the file was not changed.`,
  );
}

/** `what` the file has, e.g. `has user_version -1`. */
function versionInvalid(sqlite: BetterSqlite3.Database, what: string): AppError {
  return new AppError(
    'db.versionInvalid',
    `The database ${sqlite.name} ${what}, which no version of OptiCounter writes: its version record is not valid. Restore a backup; the file was not changed.`,
  );
}

/** Any table, index, view or trigger of its own: a file at version 0 should have none. */
function hasSchema(sqlite: BetterSqlite3.Database): boolean {
  return sqlite.prepare("select 1 from sqlite_master where substr(name, 1, 7) != 'sqlite_' limit 1").get() !== undefined;
}
