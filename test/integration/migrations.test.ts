import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { readLineage } from '../../src/main/backup/lineage';
import { DB_FILE_NAME, openDatabase } from '../../src/main/db/database';
import { migrations } from '../../src/main/db/migrations';
import { backToDoubleRecord, beforeSingleRecord, makeLegacyStore } from '../helpers/legacy-store';
import { layla, manualClock, memoryLogger, openTestCore, person, tempDir } from '../helpers/core';
import { openCore } from '../../src/main/core';

const clock = manualClock('2026-03-01T08:00:00.000Z');
const latest = migrations.length;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dir(): string {
  const t = tempDir('opticounter-migrations-');
  cleanups.push(t.remove);
  return t.dir;
}

/** Opens a file by hand (closed after the test). */
function raw(file: string, readonly = false): BetterSqlite3.Database {
  const db = new BetterSqlite3(file, { readonly });
  cleanups.push(() => db.open && db.close());
  return db;
}

const userVersion = (db: BetterSqlite3.Database) => db.pragma('user_version', { simple: true });
const tablesOf = (db: BetterSqlite3.Database) =>
  (db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[]).map((t) => t.name);
const kyselyTables = (db: BetterSqlite3.Database) => tablesOf(db).filter((t) => t.startsWith('kysely_'));

/** Every row of every app table, in storage order: what a migration must keep. */
function rowsOf(db: BetterSqlite3.Database): Record<string, unknown[]> {
  return Object.fromEntries(tablesOf(db).filter((t) => !t.startsWith('kysely_')).map((t) => [t, db.prepare(`select * from "${t}" order by rowid`).all()]));
}

/**
 * The rows of a migrated store, each cut to the columns it had before: a later migration may add a
 * column (0009's staff.recovery_hash), which every kept row must hold empty.
 */
function rowsAsBefore(db: BetterSqlite3.Database, before: Record<string, unknown[]>): Record<string, unknown[]> {
  const now = rowsOf(db);
  // A table a later migration adds (0012's recall tables) starts empty and is not part of "as before".
  for (const [table, rows] of Object.entries(now)) if (!(table in before)) expect([table, rows]).toEqual([table, []]);
  return Object.fromEntries(
    Object.entries(now)
      // A table a later migration added starts empty: nothing of the old store is in it.
      .filter(([table, rows]) => table in before || rows.length > 0)
      .map(([table, rows]) => {
      const columns = before[table]?.[0] ? Object.keys(before[table][0] as object) : null;
      if (!columns) return [table, rows];
      return [
        table,
        rows.map((row) => {
          const r = row as Record<string, unknown>;
          for (const [k, v] of Object.entries(r)) if (!columns.includes(k)) expect([table, k, v]).toEqual([table, k, null]);
          return Object.fromEntries(columns.map((c) => [c, r[c]]));
        }),
      ];
    }),
  );
}

/** One or more rows in every table of a version-6 store. */
function fillEveryTable(db: BetterSqlite3.Database): void {
  db.exec(`
    insert into customers (id, local_data_id, first_name, last_name, email, email_key, phone_number, date_of_birth, sex, search_text, created_at, updated_at, marketing_consent_at)
      values ('c1', 'l1', 'Layla', 'Hassan', 'l@x.com', 'l@x.com', '+1555', '1992-05-12', 'female', 'layla hassan', '2026-01-01', '2026-01-02', '2026-01-01');
    insert into customers (id, local_data_id, first_name, last_name, email, email_key, phone_number, date_of_birth, sex, search_text, created_at, updated_at, deleted_at)
      values ('c2', 'l2', 'Ahmed', 'Benali', 'a@x.com', 'a@x.com', '+212', '1985-08-20', 'male', 'ahmed benali', '2026-01-01', '2026-01-03', '2026-01-03');
    insert into customer_addresses (id, customer_id, street, city) values ('ad1', 'c1', '123 Vision Ave', 'Casablanca');
    insert into customer_optic_data (id, customer_id, data) values ('o1', 'c1', '{"distanceVision":{}}');
    insert into prescriptions (id, customer_id, version, exam_date, rx, created_at, created_by) values ('p1', 'c1', 1, '2025-01-10', '{}', '2026-01-01', 's1');
    insert into prescriptions (id, customer_id, version, exam_date, rx, corrects_id, created_at, created_by) values ('p2', 'c1', 2, '2025-01-10', '{}', 'p1', '2026-01-02', 's1');
    insert into attachments (id, customer_id, field, file_name, mime_type, size, sha256, created_at, created_by) values ('f1', 'c1', 'idCard', 'id.png', 'image/png', 3, 'ab', '2026-01-01', 's1');
    insert into staff (id, username, username_key, display_name, role, password_hash, created_at, updated_at) values ('s1', 'Owner', 'owner', 'Store Owner', 'owner', '$argon2id$x', '2026-01-01', '2026-01-01');
    insert into audit_log (at, staff_id, staff_name, entity, entity_id, action, before, after, salt, values_digest, hash) values ('2026-01-01', 's1', 'Store Owner', 'customer', 'c1', 'create', null, '{}', 's', 'd', 'h');
    insert into settings (key, value, updated_at) values ('autoLockMinutes', '5', '2026-01-01');
    insert into sync_outbox (entity, entity_id, customer_id, op, changed_at) values ('customer', 'c1', 'c1', 'update', '2026-01-02');
    insert into sync_links (local_id, entity, cloud_id, shadow, synced_at) values ('c1', 'customer', 'cloud-1', '{}', '2026-01-01');
    insert into sync_conflicts (id, customer_id, field, kind, mine, theirs, kept, detected_at) values ('k1', 'c1', 'address.city', 'field', '"Rabat"', '"Fes"', 'mine', '2026-01-02');
    insert into sync_refused (cloud_id, remote_updated_at, name, reason, detected_at) values ('cloud-9', '2026-01-01', 'X Y', 'bad email', '2026-01-02');
  `);
}


/** A store as the app before 0007 left it (double record, version 6), every table filled. */
async function filledLegacyStore(d: string) {
  const file = await makeLegacyStore(d);
  const old = raw(file);
  fillEveryTable(old);
  const rows = rowsOf(old);
  old.close();
  return { file, rows };
}

/** The file is still at version 6 on its double record, every row as it was; answers its tables. */
function expectStillDoubleRecord(file: string, rows: ReturnType<typeof rowsOf>): string[] {
  const db = raw(file, true);
  expect(userVersion(db)).toBe(6);
  expect(kyselyTables(db)).toEqual(['kysely_migration', 'kysely_migration_lock']);
  expect(rowsOf(db)).toEqual(rows);
  const tables = tablesOf(db);
  db.close();
  return tables;
}

/** Opens the store in `d` and checks it ended on the latest version, single record, every row kept. */
async function opensMigratedKeeping(d: string, rows: ReturnType<typeof rowsOf>) {
  const store = await openDatabase({ dataDir: d, clock });
  cleanups.push(() => store.db.destroy());
  expect(userVersion(store.sqlite)).toBe(latest);
  expect(kyselyTables(store.sqlite)).toEqual([]);
  expect(rowsAsBefore(store.sqlite, rows)).toEqual(rows);
  return store;
}

describe('the migrations', () => {
  it('are one file each, numbered 0001, 0002… in the order they run, every file in the list', () => {
    expect(migrations.map((m) => m.name.slice(0, 5))).toEqual(migrations.map((_, i) => `${String(i + 1).padStart(4, '0')}_`));
    const files = readdirSync(join(import.meta.dirname, '../../src/main/db/migrations')).filter((f) => f !== 'index.ts');
    expect(files.sort()).toEqual(migrations.map((m) => `${m.name}.ts`));
  });

  it('leave a new store at the latest version in user_version alone: no kysely tables', async () => {
    const d = dir();
    const store = await openDatabase({ dataDir: d, clock });
    cleanups.push(() => store.db.destroy());
    expect(latest).toBe(16);
    expect(userVersion(store.sqlite)).toBe(latest);
    expect(store.schemaVersion).toBe(latest);
    expect(kyselyTables(store.sqlite)).toEqual([]);
    expect(tablesOf(store.sqlite)).toContain('sync_refused');
  });
});

describe('a store made before 0007 (kysely_migration and user_version)', () => {
  it('opens on the single record, every row of every table kept, the old file copied first', async () => {
    const d = dir();
    const file = await makeLegacyStore(d);
    const before = raw(file);
    expect(userVersion(before)).toBe(6);
    expect(kyselyTables(before)).toEqual(['kysely_migration', 'kysely_migration_lock']);
    fillEveryTable(before);
    const rows = rowsOf(before);
    expect(Object.values(rows).every((r) => r.length > 0)).toBe(true);
    expect(Object.keys(rows)).toHaveLength(12);
    before.close();

    const store = await opensMigratedKeeping(d, rows);

    // The copy taken before migrating is the old store as it was, double record included.
    expect(store.preMigrationBackup).toBe(join(d, 'backups', 'pre-migration-v6-2026-03-01T08-00-00-000Z.sqlite3'));
    const copy = raw(store.preMigrationBackup as string, true);
    expect(userVersion(copy)).toBe(6);
    expect(kyselyTables(copy)).toEqual(['kysely_migration', 'kysely_migration_lock']);
    expect(rowsOf(copy)).toEqual(rows);
  });

  it('ends with exactly the schema of a new store (what tables.generated.ts is read from)', async () => {
    const schemaOf = (db: BetterSqlite3.Database) => db.prepare("select type, name, tbl_name, sql from sqlite_master where name != 'sqlite_sequence' order by name").all();
    const fresh = await openDatabase({ dataDir: dir(), clock });
    cleanups.push(() => fresh.db.destroy());
    const d = dir();
    await makeLegacyStore(d);
    const migrated = await openDatabase({ dataDir: d, clock });
    cleanups.push(() => migrated.db.destroy());
    expect(schemaOf(migrated.sqlite)).toEqual(schemaOf(fresh.sqlite));
  });

  it('opens in the app with its customers, prescriptions and intact audit trail; the copy joins the backups and the lineage', async () => {
    const d = dir();
    const first = await openTestCore({ clock, dataDir: d });
    const id = (await first.core.call('customers.create', layla)).customer.id;
    await first.core.call('customers.create', person('Inès', 'Roux'));
    await first.core.call('prescriptions.create', { customerId: id, rx: { kind: 'spectacles', examDate: '2026-02-01', distanceVision: { rightEye: { sph: '-1.50' }, leftEye: { sph: '-1.25' } } } });
    const customer = await first.core.call('customers.get', { id });
    await first.close();
    await backToDoubleRecord(join(d, DB_FILE_NAME));
    const old = raw(join(d, DB_FILE_NAME), true);
    expect(userVersion(old)).toBe(6);
    expect(old.prepare('select name from kysely_migration order by name').all()).toEqual(beforeSingleRecord.map((m) => ({ name: m.name })));
    old.close();

    clock.advance(60_000);
    const again = await openTestCore({ clock, dataDir: d });
    cleanups.push(again.close);
    expect((await again.core.call('app.info', undefined)).schemaVersion).toBe(latest);
    expect(await again.core.call('customers.get', { id })).toEqual(customer);
    expect((await again.core.call('customers.list', {})).data.map((c) => c.name).sort()).toEqual(['Inès Roux', 'Layla Hassan']);
    expect(await again.core.call('audit.chain', undefined)).toMatchObject({ intact: true });
    const copyName = 'pre-migration-v6-2026-03-01T08-01-00-000Z.sqlite3';
    expect((await again.core.call('backup.list', undefined)).map((b) => b.name)).toContain(copyName);
    expect(readLineage(d)).toContain(copyName);
    expect(kyselyTables(raw(join(d, DB_FILE_NAME), true))).toEqual([]);
  });

  // Both records were written in the migrations' transaction, so neither names a migration whose
  // changes are not in the file; either can fall behind: a copy rebuilt by the sqlite3 shell (.dump,
  // .recover) has user_version 0, and rows can be lost with a damaged page. The higher one is right.
  it.each([
    { label: 'user_version lost (0), six kysely rows', user: 0, rows: 6, at: 6 },
    { label: 'user_version 6, the last two kysely rows lost', user: 6, rows: 4, at: 6 },
    { label: 'both at 4', user: 4, rows: 4, at: 4 },
  ])('is read at the higher of its two records: $label', async ({ user, rows, at }) => {
    const d = dir();
    const file = await makeLegacyStore(d, beforeSingleRecord.slice(0, at));
    const old = raw(file);
    fillCustomers(old);
    const customers = old.prepare('select * from customers').all();
    old.prepare('delete from kysely_migration where name > ?').run(beforeSingleRecord[rows - 1]!.name);
    old.pragma(`user_version = ${user}`);
    old.close();

    const store = await openDatabase({ dataDir: d, clock });
    cleanups.push(() => store.db.destroy());
    expect(userVersion(store.sqlite)).toBe(latest);
    expect(kyselyTables(store.sqlite)).toEqual([]);
    // Columns a later migration added (0013's customers.summary_at) hold nothing on kept rows.
    expect(rowsAsBefore(store.sqlite, { customers }).customers).toEqual(customers);
    expect(store.preMigrationBackup).toContain(`pre-migration-v${at}-`);
    // What 0005 and 0006 made is there once (they ran once, whichever record was behind).
    expect(tablesOf(store.sqlite)).toContain('sync_refused');
  });

  it('is refused untouched when its record names a migration this app does not know (a newer app wrote it)', async () => {
    const d = dir();
    const file = await makeLegacyStore(d);
    const old = raw(file);
    old.prepare("insert into kysely_migration (name, timestamp) values ('0099_from_the_future', 'x')").run();
    old.close();

    await expect(openDatabase({ dataDir: d, clock })).rejects.toMatchObject({ code: 'db.newerSchema', message: expect.stringContaining('newer version of OptiCounter') });
    const after = raw(file, true);
    expect(userVersion(after)).toBe(6);
    expect(after.prepare('select count(*) as n from kysely_migration').get()).toEqual({ n: 7 });
    expect(existsSync(join(d, 'backups'))).toBe(false);
  });

  it('is refused untouched when its record skips one of the migrations (db.versionMismatch)', async () => {
    const d = dir();
    const file = await makeLegacyStore(d);
    const old = raw(file);
    old.prepare("delete from kysely_migration where name = '0003_staff_audit_settings'").run();
    old.close();

    await expect(openDatabase({ dataDir: d, clock })).rejects.toMatchObject({ code: 'db.versionMismatch' });
    const after = raw(file, true);
    expect(userVersion(after)).toBe(6);
    expect(kyselyTables(after)).toEqual(['kysely_migration', 'kysely_migration_lock']);
    expect(existsSync(join(d, 'backups'))).toBe(false);
  });

  it('keeps its double record when killed (kill -9) in the middle of 0007; the next start finishes', async () => {
    const d = dir();
    const { file, rows } = await filledLegacyStore(d);

    const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/helpers/migration-crash-child.ts', d, '0007_single_version_record'], { encoding: 'utf8' });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expectStillDoubleRecord(file, rows);

    await opensMigratedKeeping(d, rows);
  });
});

describe('a migration that fails', () => {
  const failing = {
    name: '0008_fails_half_way',
    up: async (db: Kysely<unknown>) => {
      await db.schema.createTable('half_done').addColumn('x', 'text').execute();
      await sql`update customers set first_name = 'changed'`.execute(db);
      throw new Error('power cut');
    },
  };

  it('leaves the store at its previous version, as it was', async () => {
    const d = dir();
    const { file, rows } = await filledLegacyStore(d);

    await expect(openDatabase({ dataDir: d, clock, migrations: [...migrations, failing] })).rejects.toThrow('power cut');
    expect(expectStillDoubleRecord(file, rows)).not.toContain('half_done');

    const store = await openDatabase({ dataDir: d, clock });
    cleanups.push(() => store.db.destroy());
    expect(userVersion(store.sqlite)).toBe(latest);
    expect(rowsAsBefore(store.sqlite, rows)).toEqual(rows);
  });

  it('leaves a store at the latest version there', async () => {
    const d = dir();
    await (await openDatabase({ dataDir: d, clock })).db.destroy();
    await expect(openDatabase({ dataDir: d, clock, migrations: [...migrations, failing] })).rejects.toThrow('power cut');
    const after = raw(join(d, DB_FILE_NAME), true);
    expect(userVersion(after)).toBe(latest);
    expect(tablesOf(after)).not.toContain('half_done');
  });
});

describe('a store newer than the app', () => {
  it('is refused untouched, by user_version alone', async () => {
    const d = dir();
    await (await openDatabase({ dataDir: d, clock })).db.destroy();
    const file = raw(join(d, DB_FILE_NAME));
    file.pragma(`user_version = ${latest + 1}`);
    file.close();

    await expect(openDatabase({ dataDir: d, clock })).rejects.toMatchObject({
      code: 'db.newerSchema',
      message: expect.stringContaining(`schema ${latest + 1}, this app knows ${latest}`),
    });
    expect(userVersion(raw(join(d, DB_FILE_NAME), true))).toBe(latest + 1);
    expect(existsSync(join(d, 'backups'))).toBe(false);
  });
});

/**
 * What a refusal must leave alone: the file's bytes (read before any connection), its journal mode,
 * the version record, every table and row; and no backups folder.
 */
function snapshotOf(file: string): { sha256: string; journal: unknown; version: unknown; schema: unknown[]; rows: Record<string, unknown[]> } {
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  const db = raw(file, true);
  const snap = {
    sha256,
    journal: db.pragma('journal_mode', { simple: true }),
    version: userVersion(db),
    schema: db.prepare('select type, name, sql from sqlite_master order by name').all(),
    rows: rowsOf(db),
  };
  db.close();
  return snap;
}

async function expectRefusedUntouched(d: string, file: string, refusal: { code: string; message: RegExp }): Promise<Error> {
  const before = snapshotOf(file);
  const err = await openDatabase({ dataDir: d, clock }).then(
    async (opened) => {
      await opened.db.destroy();
      return null;
    },
    (e: unknown) => e as Error,
  );
  expect(err).toMatchObject({ name: 'AppError', code: refusal.code, message: expect.stringMatching(refusal.message) });
  expect(snapshotOf(file)).toEqual(before);
  expect(existsSync(join(d, 'backups'))).toBe(false);
  return err as Error;
}

describe('a store whose version record is odd', () => {
  // user_version is a signed 32-bit number no app writes below 0: not a version to count from.
  it.each([-1, -2147483648])('is refused untouched when user_version is %i (db.versionInvalid)', async (bad) => {
    const d = dir();
    await (await openDatabase({ dataDir: d, clock })).db.destroy();
    const file = join(d, DB_FILE_NAME);
    const db = raw(file);
    fillCustomers(db);
    db.pragma(`user_version = ${bad}`);
    db.close();
    await expectRefusedUntouched(d, file, { code: 'db.versionInvalid', message: /version record .*not valid.*restore a backup/i });
  });

  it('is refused untouched when user_version is below 0 even with the old kysely record beside it', async () => {
    const d = dir();
    const file = await makeLegacyStore(d);
    const db = raw(file);
    db.pragma('user_version = -1');
    db.close();
    await expectRefusedUntouched(d, file, { code: 'db.versionInvalid', message: /version record .*not valid.*restore a backup/i });
  });

  // The sqlite3 shell's .dump or .recover rebuilds every table but not user_version; from 0007 on there
  // is no other record, and guessing the version from the tables could run a migration twice.
  it('is refused untouched when it has tables but no version record (rebuilt outside the app, db.versionMissing)', async () => {
    const d = dir();
    await (await openDatabase({ dataDir: d, clock })).db.destroy();
    const file = join(d, DB_FILE_NAME);
    const db = raw(file);
    fillCustomers(db);
    db.pragma('user_version = 0');
    db.close();
    await expectRefusedUntouched(d, file, { code: 'db.versionMissing', message: /tables but no version record.*rebuilt outside.*restore a backup/i });
  });

  it('is refused untouched when it has tables, user_version 0 and an empty kysely record (db.versionMissing)', async () => {
    const d = dir();
    const file = await makeLegacyStore(d);
    const db = raw(file);
    db.exec('delete from kysely_migration');
    db.pragma('user_version = 0');
    db.close();
    await expectRefusedUntouched(d, file, { code: 'db.versionMissing', message: /tables but no version record.*restore a backup/i });
  });

  it('is refused untouched when its kysely_migration table has another shape (no name column, db.versionInvalid)', async () => {
    const d = dir();
    const file = await makeLegacyStore(d);
    const db = raw(file);
    db.exec('drop table kysely_migration; create table kysely_migration (id integer primary key, applied_at text)');
    db.exec("insert into kysely_migration (applied_at) values ('x')");
    db.close();
    await expectRefusedUntouched(d, file, { code: 'db.versionInvalid', message: /kysely_migration.*not valid.*restore a backup/i });
  });

  // Still db.newerSchema (a newer app is the likely writer), but the message names the record rather
  // than a schema number the app made up from a row count.
  it.each([
    { label: 'a newer app’s', name: '0099_from_the_future' },
    { label: 'a damaged one', name: '0003_staff_audit_setings' },
  ])('names a migration record it does not know ($label) instead of a schema number', async ({ name }) => {
    const d = dir();
    const file = await makeLegacyStore(d);
    const db = raw(file);
    db.prepare("insert into kysely_migration (name, timestamp) values (?, 'x')").run(name);
    db.close();
    const err = await expectRefusedUntouched(d, file, { code: 'db.newerSchema', message: new RegExp(`migration record .*unknown.*${name}.*newer version of OptiCounter.*damaged.*restore a backup`, 'i') });
    expect(err.message).not.toMatch(/schema \d+, this app knows/);
  });
});

function fillCustomers(db: BetterSqlite3.Database): void {
  const insert = db.prepare(`insert into customers (id, local_data_id, first_name, last_name, email, email_key, phone_number, date_of_birth, sex, search_text, created_at, updated_at)
    values (?, ?, 'First', ?, ?, ?, '1', '2000-01-01', 'male', '', 'n', 'n')`);
  for (let i = 0; i < 5; i++) insert.run(`c${i}`, `l${i}`, `Last${i}`, `${i}@x.com`, `${i}@x.com`);
}

/**
 * A new store at the latest version, closed. Its handle is closed by hand: destroying a Kysely that
 * never ran a query leaves the handle open, and a journal mode change needs the file to itself.
 */
async function newStore(d: string): Promise<string> {
  (await openDatabase({ dataDir: d, clock })).sqlite.close();
  return join(d, DB_FILE_NAME);
}

/** A file as the sqlite3 shell leaves it: the rollback journal, not WAL (what the app sets). */
function inRollbackJournal(file: string): void {
  const db = raw(file);
  expect(db.pragma('journal_mode = DELETE', { simple: true })).toBe('delete');
  db.close();
}

describe('a refused store in the rollback journal (made by the sqlite3 shell)', () => {
  // Setting WAL writes the file's header: a refusal must come before any pragma that writes.
  it.each([
    ['newer schema', 99, { code: 'db.newerSchema', message: /newer version of OptiCounter.*not changed/ }],
    ['no version record', 0, { code: 'db.versionMissing', message: /tables but no version record/ }],
  ] as const)('stays in it, byte for byte: %s', async (_what, version, refusal) => {
    const d = dir();
    const file = await newStore(d);
    const db = raw(file);
    fillCustomers(db);
    db.pragma(`user_version = ${version}`);
    db.close();
    inRollbackJournal(file);
    await expectRefusedUntouched(d, file, refusal);
  });

  it('stays in it, byte for byte: invalid version record', async () => {
    const d = dir();
    const file = await makeLegacyStore(d);
    const db = raw(file);
    db.pragma('user_version = -1');
    db.close();
    inRollbackJournal(file);
    await expectRefusedUntouched(d, file, { code: 'db.versionInvalid', message: /not valid/ });
  });
});

// The version record is trusted to say which migrations ran only when the tables agree: a file whose
// tables are not those of its version would meet a migration with raw SQL errors, or be migrated into
// a store every call then fails on. Compared: table names and each table's column names (cheap: no
// row is read). Extra tables or columns are refused too: no version of the app makes them, and a later
// migration could meet them by name.
describe('a store whose tables are not those of its version', () => {
  /** A file the app never made: one table of its own, user_version `version`, in the rollback journal. */
  function foreignStore(version: number): { d: string; file: string } {
    const d = dir();
    const file = join(d, DB_FILE_NAME);
    const db = raw(file);
    db.exec('create table notes(id integer primary key, body text)');
    db.exec("insert into notes (body) values ('kept')");
    db.pragma(`user_version = ${version}`);
    db.close();
    return { d, file };
  }

  it.each([1, 3, 5, 6, 7])('is refused untouched when user_version says %i over tables of no version (db.schemaMismatch)', async (version) => {
    const { d, file } = foreignStore(version);
    await expectRefusedUntouched(d, file, {
      code: 'db.schemaMismatch',
      message: new RegExp(`tables are not those of version ${version}.*no table customers.*table notes.*restore a backup.*not changed`, 'i'),
    });
  });

  it('is refused by openCore with that code, untouched, not answering every call "internal"', async () => {
    const { d, file } = foreignStore(6);
    const before = snapshotOf(file);
    await expect(openCore({ dataDir: d, appVersion: '0.0.0-test', clock, log: memoryLogger() })).rejects.toMatchObject({ code: 'db.schemaMismatch' });
    expect(snapshotOf(file)).toEqual(before);
  });

  it('is refused untouched when a column is missing (at the latest version)', async () => {
    const d = dir();
    const file = await newStore(d);
    const db = raw(file);
    fillCustomers(db);
    db.exec('alter table customer_addresses drop column zip_code');
    db.close();
    await expectRefusedUntouched(d, file, { code: 'db.schemaMismatch', message: new RegExp(`not those of version ${latest}.*customer_addresses.*zip_code`, 'i') });
  });

  it('is refused untouched when a column is missing below the latest (before migrating, no copy taken)', async () => {
    const d = dir();
    const file = await makeLegacyStore(d, beforeSingleRecord.slice(0, 4));
    const db = raw(file);
    fillCustomers(db);
    db.exec('alter table sync_outbox drop column changed_at');
    db.close();
    await expectRefusedUntouched(d, file, { code: 'db.schemaMismatch', message: /not those of version 4.*sync_outbox.*changed_at/i });
  });

  it('is refused untouched when it has a table no version makes', async () => {
    const d = dir();
    const file = await newStore(d);
    const db = raw(file);
    db.exec('create table notes(id integer primary key, body text)');
    db.close();
    await expectRefusedUntouched(d, file, { code: 'db.schemaMismatch', message: /not those of version \d+.*table notes/i });
  });

  it('is refused untouched when a table has a column no version makes', async () => {
    const d = dir();
    const file = await makeLegacyStore(d);
    const db = raw(file);
    db.exec('alter table customers add column notes text');
    db.close();
    await expectRefusedUntouched(d, file, { code: 'db.schemaMismatch', message: /not those of version 6.*customers.*notes/i });
  });

  // Dropped outside the app, the audit trail is evidence: the store opens and says so (audit-chain.test.ts).
  it.each([
    { label: 'at the latest version', legacy: false },
    { label: 'at version 6, migrated', legacy: true },
  ])('opens without its audit table ($label)', async ({ legacy }) => {
    const d = dir();
    const file = legacy ? await makeLegacyStore(d) : await newStore(d);
    const db = raw(file);
    db.exec('drop trigger audit_log_no_delete; drop trigger audit_log_only_redact; drop table audit_log;');
    db.close();
    const store = await openDatabase({ dataDir: d, clock });
    cleanups.push(() => store.sqlite.close());
    expect(userVersion(store.sqlite)).toBe(latest);
    expect(tablesOf(store.sqlite)).not.toContain('audit_log');
  });

  // 0007 drops the old record in the same transaction that writes 7: at 7 it cannot still be there.
  it('is refused untouched when the old kysely record is still there at version 7', async () => {
    const d = dir();
    const file = await newStore(d);
    await backToDoubleRecord(file);
    const db = raw(file);
    db.pragma(`user_version = ${latest}`);
    db.close();
    await expectRefusedUntouched(d, file, { code: 'db.schemaMismatch', message: new RegExp(`not those of version ${latest}.*kysely_migration`, 'i') });
  });

  // After migrating, the file's tables are checked against those of the latest version too, before
  // the commit: a migration that does not make the same tables on every store is undone and refused.
  it('is refused untouched when a migration leaves tables other than the latest version’s (undone before commit)', async () => {
    const d = dir();
    const file = await newStore(d);
    const db = raw(file);
    fillCustomers(db);
    db.close();
    const dataDependent = {
      name: '0008_depends_on_the_rows',
      up: async (k: Kysely<unknown>) => {
        const { rows } = await sql<{ n: number }>`select count(*) as n from customers`.execute(k);
        if (rows[0]!.n > 0) await k.schema.createTable('only_with_customers').addColumn('x', 'text').execute();
      },
    };
    const before = snapshotOf(file);
    await expect(openDatabase({ dataDir: d, clock, migrations: [...migrations, dataDependent] })).rejects.toMatchObject({
      code: 'db.schemaMismatch',
      message: expect.stringMatching(new RegExp(`migrating to version ${latest + 1}.*not those of version ${latest + 1}.*only_with_customers`, 'i')),
    });
    const after = snapshotOf(file);
    expect({ ...after, sha256: null }).toEqual({ ...before, sha256: null });
  });
});

/** A data folder as a crash leaves it: a new store with `change` committed to its -wal only (the folder copied while the writer was open). */
async function crashedWith(change: string): Promise<string> {
  const d = dir();
  const file = await newStore(d);
  const writer = raw(file);
  writer.pragma('wal_autocheckpoint = 0');
  writer.exec(change);
  const crashed = dir();
  for (const f of readdirSync(d)) if (f.startsWith(DB_FILE_NAME)) copyFileSync(join(d, f), join(crashed, f));
  writer.close();
  return crashed;
}

describe('a refused store in WAL mode, its -wal holding committed changes (third review)', () => {
  // Closing a read-write connection checkpoints the -wal into the file and deletes -wal and -shm. The
  // -shm, SQLite's index of the -wal that any reader rebuilds, holds no data: it is left in place.
  it('keeps the file and its -wal byte for byte, and its -shm', async () => {
    const copy = await crashedWith('alter table customers add column notes text'); // in the -wal only, and not of any version
    const copied = join(copy, DB_FILE_NAME);
    const hashes = () => ['', '-wal', '-shm'].map((s) => (existsSync(copied + s) ? createHash('sha256').update(readFileSync(copied + s)).digest('hex') : 'absent'));
    const before = hashes();
    expect(before[1]).not.toBe('absent');
    await expect(openDatabase({ dataDir: copy, clock })).rejects.toMatchObject({ code: 'db.schemaMismatch', message: expect.stringMatching(/customers.*notes/) });
    await expect(openDatabase({ dataDir: copy, clock })).rejects.toMatchObject({ message: expect.stringContaining(copied) }); // its own name, not a copy's
    const after = hashes();
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(after[2]).not.toBe('absent');
  });
});

describe('a store left with a -wal by a crash or a power cut (issue 14)', () => {
  // Its version and tables were checked on a copy of the whole file: 3 s holding the event loop at
  // 1,000,000 customers, the store's size again on the disk, and no start at all where the temp
  // folder could not take it.
  it('opens with its -wal read in place, without copying the store', async () => {
    const crashed = await crashedWith("insert into settings (key, value, updated_at) values ('wal.only', 'kept', '2026-12-02T00:00:00.000Z')");
    expect(existsSync(join(crashed, `${DB_FILE_NAME}-wal`))).toBe(true);
    const tmp = process.env.TMPDIR;
    process.env.TMPDIR = join(crashed, 'no-such-folder');
    try {
      const opened = await openDatabase({ dataDir: crashed, clock });
      expect(opened.sqlite.prepare("select value from settings where key = 'wal.only'").pluck().get()).toBe('kept');
      opened.sqlite.close();
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
  });
});

describe('a store from before 0005 without its audit table (third review)', () => {
  // 0005 chains the audit rows: without the table it cannot run, so the store is refused, not failed on raw SQL.
  it('is refused untouched with db.schemaMismatch naming the migration that needs the table', async () => {
    const d = dir();
    const file = await makeLegacyStore(d, migrations.slice(0, 4));
    const db = raw(file);
    db.exec('drop table audit_log;');
    db.close();
    await expectRefusedUntouched(d, file, { code: 'db.schemaMismatch', message: /no table audit_log.*0005_audit_chain/ });
  });
});
