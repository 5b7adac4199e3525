import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE_NAME, openDatabase } from '../../src/main/db/database';
import { migrations } from '../../src/main/db/migrations';
import { manualClock, tempDir } from '../helpers/core';

const clock = manualClock('2026-03-01T08:00:00.000Z');
const appVersion = Object.keys(migrations).length;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dir() {
  const t = tempDir();
  cleanups.push(t.remove);
  return t.dir;
}

describe('openDatabase', () => {
  it('creates <dataDir>/opticounter.sqlite3 with WAL, FULL sync, foreign keys and a busy timeout', async () => {
    const d = dir();
    const store = await openDatabase({ dataDir: d, clock });
    cleanups.push(() => store.db.destroy());
    expect(store.file).toBe(join(d, DB_FILE_NAME));
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.sqlite.pragma('user_version', { simple: true })).toBe(appVersion);
    expect(store.schemaVersion).toBe(appVersion);
    expect(store.preMigrationBackup).toBeNull();
  });

  it('reopens an up-to-date file without a backup', async () => {
    const d = dir();
    await (await openDatabase({ dataDir: d, clock })).db.destroy();
    const again = await openDatabase({ dataDir: d, clock });
    cleanups.push(() => again.db.destroy());
    expect(again.preMigrationBackup).toBeNull();
    expect(existsSync(join(d, 'backups'))).toBe(false);
  });

  it('takes a db.backup() copy before migrating an existing file, holding the old data', async () => {
    const d = dir();
    const v1 = await openDatabase({ dataDir: d, clock });
    await sql`insert into customers (id, local_data_id, first_name, last_name, email, email_key, phone_number, date_of_birth, sex, search_text, created_at, updated_at)
      values ('c1', 'l1', 'Layla', 'Hassan', 'l@x.com', 'l@x.com', '+1555', '1992-05-12T00:00:00.000Z', 'female', '', 'now', 'now')`.execute(v1.db);
    await v1.db.destroy();

    const withV2 = [
      ...migrations,
      {
        name: '9999_test_notes',
        up: async (db: Kysely<unknown>) => {
          await db.schema.alterTable('customers').addColumn('notes', 'text').execute();
        },
      },
    ];
    const v2 = await openDatabase({ dataDir: d, clock, migrations: withV2 });
    cleanups.push(() => v2.db.destroy());
    expect(v2.schemaVersion).toBe(appVersion + 1);
    expect(v2.preMigrationBackup).toBe(join(d, 'backups', `pre-migration-v${appVersion}-2026-03-01T08-00-00-000Z.sqlite3`));
    expect(readdirSync(join(d, 'backups'))).toHaveLength(1);

    const copy = new BetterSqlite3(v2.preMigrationBackup as string, { readonly: true });
    cleanups.push(() => copy.close());
    expect(copy.prepare('select first_name from customers').get()).toEqual({ first_name: 'Layla' });
    expect(copy.pragma('user_version', { simple: true })).toBe(appVersion);
    const cols = (copy.prepare('pragma table_info(customers)').all() as { name: string }[]).map((c) => c.name);
    expect(cols).not.toContain('notes');
  });

  it('refuses a database written by a newer schema and leaves it untouched', async () => {
    const d = dir();
    await (await openDatabase({ dataDir: d, clock })).db.destroy();
    const raw = new BetterSqlite3(join(d, DB_FILE_NAME));
    raw.pragma('user_version = 99');
    raw.close();

    await expect(openDatabase({ dataDir: d, clock })).rejects.toMatchObject({
      code: 'db.newerSchema',
      message: expect.stringContaining('newer version of OptiCounter'),
    });
    const after = new BetterSqlite3(join(d, DB_FILE_NAME), { readonly: true });
    cleanups.push(() => after.close());
    expect(after.pragma('user_version', { simple: true })).toBe(99);
    expect(existsSync(join(d, 'backups'))).toBe(false);
  });

  it('enforces one live customer per email at the database level too', async () => {
    const d = dir();
    const store = await openDatabase({ dataDir: d, clock });
    cleanups.push(() => store.db.destroy());
    const insert = store.sqlite.prepare(`insert into customers (id, local_data_id, first_name, last_name, email, email_key, phone_number, date_of_birth, sex, search_text, created_at, updated_at, deleted_at)
      values (?, 'l', 'A', 'B', 'a@x.com', 'a@x.com', '1', 'd', 'male', '', 'n', 'n', ?)`);
    insert.run('c1', 'deleted-earlier');
    insert.run('c2', null);
    expect(() => insert.run('c3', null)).toThrow(/UNIQUE/);
  });
});

describe('a failing migration', () => {
  it('leaves the database exactly as it was, and the next start migrates cleanly', async () => {
    const d = dir();
    const broken = [
      ...migrations,
      {
        name: '9999_broken',
        up: async (db: Kysely<unknown>) => {
          await db.schema.createTable('half_done').addColumn('x', 'text').execute();
          throw new Error('power cut');
        },
      },
    ];
    await expect(openDatabase({ dataDir: d, clock, migrations: broken })).rejects.toThrow('power cut');
    const raw = new BetterSqlite3(join(d, DB_FILE_NAME));
    const tables = (raw.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((t) => t.name);
    raw.close();
    expect(tables).not.toContain('half_done');
    expect(tables).not.toContain('customers');

    const ok = await openDatabase({ dataDir: d, clock });
    cleanups.push(() => ok.db.destroy());
    expect(ok.schemaVersion).toBe(appVersion);
  });
});
