/*
 * Stores as the app left them before migration 0007: kysely's Migrator kept its own record of the
 * migrations applied (kysely_migration, kysely_migration_lock) and db/database.ts set user_version
 * alongside, all in one transaction. This is that code path (database.ts up to 0006), kept to make
 * such stores in tests.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { DB_FILE_NAME } from '../../src/main/db/database';
import type { Migration } from '../../src/main/db/migrate';
import { migrations } from '../../src/main/db/migrations';

/** The migrations that landed before the double record ended (0001 to 0006). */
export const beforeSingleRecord = migrations.filter((m) => m.name < '0007');

/** Runs `list` on the file as the old openDatabase did: kysely's Migrator, then user_version, in one transaction. */
export async function migrateTheOldWay(file: string, list: readonly Migration[] = beforeSingleRecord): Promise<void> {
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    sqlite.exec('BEGIN IMMEDIATE');
    const provider = { getMigrations: async () => Object.fromEntries(list.map((m) => [m.name, m])) };
    const { error } = await new Migrator({ db, provider }).migrateToLatest();
    if (error) throw error;
    sqlite.pragma(`user_version = ${list.length}`);
    sqlite.exec('COMMIT');
  } finally {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    await db.destroy();
  }
}

/** A new store made by the app before 0007, at version `list.length` (6 unless told). */
export async function makeLegacyStore(dataDir: string, list: readonly Migration[] = beforeSingleRecord): Promise<string> {
  const file = join(dataDir, DB_FILE_NAME);
  await migrateTheOldWay(file, list);
  return file;
}

/**
 * Gives a store the app made at version 7 or later (less the columns later migrations added) the double record it would have had at 6, made by kysely's
 * own Migrator: 0007 only dropped that record, so the result is what the app before 0007 would have
 * left with the same data.
 */
export async function backToDoubleRecord(file: string): Promise<void> {
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('user_version = 0');
  // What migrations after 0007 added to the tables goes too, as the app before them never had it.
  sqlite.exec('drop index customers_by_creation; drop index sync_outbox_waiting');
  sqlite.exec('drop index customers_incomplete; drop index customers_details_arriving; drop index sync_outbox_parked');
  sqlite.exec('alter table staff drop column recovery_hash');
  sqlite.exec('drop table if exists import_items; drop table if exists import_batches; drop table if exists import_mappings');
  sqlite.exec('drop table customer_merges; drop table customer_pair_dismissals; alter table sync_outbox drop column waits_for');
  sqlite.exec('drop table recall_outcomes; drop table recall_overrides; drop index prescriptions_by_corrected');
  sqlite.exec('alter table customers drop column summary_at; drop table customer_groups; drop table cloud_groups');
  sqlite.close();
  // Recorded, not run again: their changes are in the file already.
  await migrateTheOldWay(file, beforeSingleRecord.map((m) => ({ name: m.name, up: async () => {} })));
}
