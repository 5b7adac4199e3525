import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BackupService,
  databaseFileProblems,
  integrityProblems,
  latestGoodBackup,
  restoreFiles,
  verifyBackup,
} from '../../src/main/backup/service';
import { DB_FILE_NAME, type OpenedDatabase, openDatabase } from '../../src/main/db/database';
import type { Database } from '../../src/main/db/schema';
import { BackupInfo, BackupRestoreInput } from '../../src/shared/backup/schema';
import { layla, manualClock, openTestCore, person, tempDir } from '../helpers/core';
import { png, sha256 as sha } from '../helpers/files';

const clock = manualClock();
let dir: string;
let cleanups: (() => unknown)[] = [];

beforeEach(() => {
  clock.set('2026-01-15T10:00:00.000Z');
  const tmp = tempDir('opticounter-backup-');
  dir = tmp.dir;
  cleanups = [tmp.remove];
});
afterEach(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

// --- helpers -------------------------------------------------------------------------------------------

const shaOfFile = (f: string) => sha(readFileSync(f));

/** The content addresses under a data dir's (or a backup's) attachments folder. */
function storedShas(root: string): string[] {
  const base = join(root, 'attachments');
  if (!existsSync(base)) return [];
  return readdirSync(base, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
}

/** Opens a core on `dir` (as the owner), runs `fn`, closes it. */
async function withCore<T>(fn: (core: Awaited<ReturnType<typeof openTestCore>>['core']) => Promise<T>): Promise<T> {
  const { core, close } = await openTestCore({ clock, dataDir: dir });
  try {
    return await fn(core);
  } finally {
    await close();
  }
}

async function addCustomer(core: Awaited<ReturnType<typeof openTestCore>>['core'], input: unknown, file?: Buffer) {
  const id = (await core.call('customers.create', input)).customer.id;
  if (file) await core.call('attachments.add', { customerId: id, field: 'prescription', fileName: 'scan.png', bytes: file.toString('base64') });
  return id;
}

/** The store as core.ts holds it, and a BackupService on its handle. */
async function openStore(keep?: number): Promise<{ store: OpenedDatabase; backups: BackupService }> {
  const store = await openDatabase({ dataDir: dir, clock });
  mkdirSync(join(dir, 'backups'), { recursive: true });
  let closed = false;
  cleanups.push(() => (closed ? undefined : store.db.destroy()));
  const close = store.db.destroy.bind(store.db);
  store.db.destroy = async () => {
    if (closed) return;
    closed = true;
    if (!store.sqlite.open) return;
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    await close();
  };
  return { store, backups: new BackupService({ sqlite: store.sqlite, dataDir: dir, clock, ...(keep ? { keep } : {}) }) };
}

/** Fast bulk rows straight into the table (thousands, for a database of several MB). */
async function insertCustomers(db: Kysely<Database>, n: number, tag: string): Promise<void> {
  const now = clock.now().toISOString();
  const rows = Array.from({ length: n }, (_, i) => ({
    id: uuidv7(),
    local_data_id: uuidv7(),
    first_name: `${tag}${i}`,
    last_name: 'Bulk',
    email: `${tag}${i}@example.com`,
    email_key: `${tag}${i}@example.com`,
    phone_number: '+33 6 12 34 56 78',
    date_of_birth: '1980-01-01T00:00:00.000Z',
    sex: 'female' as const,
    search_text: `${tag}${i} bulk ${'x'.repeat(300)}`,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  }));
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('customers').values(rows.slice(i, i + 500)).execute();
}

async function insertOne(db: Kysely<Database>, n: number): Promise<void> {
  const now = clock.now().toISOString();
  const id = uuidv7();
  await db
    .insertInto('customers')
    .values({ id, local_data_id: id, first_name: 'W', last_name: `${n}`, email: `w${n}@x.com`, email_key: `w${n}@x.com`, phone_number: '1', date_of_birth: 'd', sex: 'male', search_text: 'w', created_at: now, updated_at: now, deleted_at: null })
    .execute();
}

function backupDir(name: string): string {
  return join(dir, 'backups', name);
}

function manifestOf(name: string): { db: { sha256: string; sizeBytes: number }; counts: Record<string, number>; kind: string; schemaVersion: number } {
  return JSON.parse(readFileSync(join(backupDir(name), 'backup.json'), 'utf8'));
}

function countIn(file: string, sql: string): number {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return Number(db.prepare(sql).pluck().get());
  } finally {
    db.close();
  }
}

/** Overwrites `pages` pages from `fromPage` (1-based) with garbage, as a failing disk would. */
function corrupt(file: string, fromPage: number, pages = 4): void {
  const pageSize = 4096;
  const fd = openSync(file, 'r+');
  try {
    const junk = Buffer.alloc(pageSize * pages, 0xa5);
    writeSync(fd, junk, 0, junk.length, (fromPage - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

// --- creating and listing ------------------------------------------------------------------------------

describe('BackupService.create / list', () => {
  it('writes the database copy, the attachment files and a manifest into one folder', async () => {
    const scan = png([10, 20, 30]);
    await withCore(async (core) => {
      const id = await addCustomer(core, layla, scan);
      await addCustomer(core, person('Nour', 'Tazi'));
      await core.call('customers.delete', { id });
    });
    const { store, backups } = await openStore();

    const info = await backups.create('manual');
    expect(BackupInfo.parse(info)).toEqual(info);
    expect(info).toMatchObject({ name: '2026-01-15T10-00-00-000Z-manual', kind: 'manual', createdAt: '2026-01-15T10:00:00.000Z', attachments: 1 });

    const folder = backupDir(info.name);
    expect(readdirSync(folder).sort()).toEqual(['attachments', 'backup.json', DB_FILE_NAME]);
    const copy = join(folder, DB_FILE_NAME);
    const manifest = manifestOf(info.name);
    expect(manifest).toMatchObject({
      kind: 'manual',
      schemaVersion: store.schemaVersion,
      db: { sha256: shaOfFile(copy), sizeBytes: statSync(copy).size },
      counts: { customers: 2, deletedCustomers: 1, attachments: 1, prescriptions: 1 },
    });
    expect(info.sizeBytes).toBe(statSync(copy).size + scan.length);
    // A single self-contained file: rollback-journal mode, nothing beside it.
    expect(readFileSync(copy).subarray(18, 20)).toEqual(Buffer.from([1, 1]));
    expect(countIn(copy, 'select count(*) from customers')).toBe(2);
    expect(integrityProblems(new BetterSqlite3(copy, { readonly: true }))).toEqual([]);
    expect(readFileSync(join(folder, 'attachments', sha(scan).slice(0, 2), sha(scan))).equals(scan)).toBe(true);
    // Nothing half-made left behind; beside it, the record of what the store descends from.
    expect(readdirSync(join(dir, 'backups')).sort()).toEqual([info.name, 'lineage.json']);
  });

  it('lists newest first, pre-migration copies included, and gives two backups of one instant distinct names', async () => {
    const { store, backups } = await openStore();
    // openDatabase's own copy before a migration: listed, never pruned here.
    await store.sqlite.backup(join(dir, 'backups', 'pre-migration-v2-2026-01-10T08-00-00-000Z.sqlite3'));

    const a = await backups.create('daily');
    clock.advance(60_000);
    const b = await backups.create('manual');
    const c = await backups.create('manual'); // same millisecond
    expect(c.name).toBe(`${b.name}-2`);
    clock.advance(60_000);
    const d = await backups.create('pre-restore');

    const list = await backups.list();
    expect(list.map((i) => i.name)).toEqual([d.name, c.name, b.name, a.name, 'pre-migration-v2-2026-01-10T08-00-00-000Z.sqlite3']);
    expect(list.map((i) => i.kind)).toEqual(['pre-restore', 'manual', 'manual', 'daily', 'pre-migration']);
    expect(list.at(-1)).toMatchObject({ createdAt: '2026-01-10T08:00:00.000Z', attachments: 0 });
  });

  it('never lists a folder that is not a complete backup', async () => {
    const { backups } = await openStore();
    const good = await backups.create('manual');
    mkdirSync(join(dir, 'backups', '.tmp-123'), { recursive: true }); // a backup cut short
    mkdirSync(join(dir, 'backups', '2026-01-14T10-00-00-000Z-manual')); // no manifest
    mkdirSync(join(dir, 'backups', 'holiday photos'));
    writeFileSync(join(dir, 'backups', 'notes.txt'), 'hello');
    expect((await backups.list()).map((i) => i.name)).toEqual([good.name]);
    // The next backup tidies what an interrupted one left.
    clock.advance(1000);
    await backups.create('manual');
    expect(existsSync(join(dir, 'backups', '.tmp-123'))).toBe(false);
  });

  it('copies a database that is being written to: a consistent snapshot, whole', async () => {
    const { store, backups } = await openStore();
    await insertCustomers(store.db, 20_000, 'before'); // several MB: the copy takes many steps
    const before = 20_000;

    // The counter keeps saving while it copies: short transactions, one after the other.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await insertOne(store.db, written);
        written++;
        await new Promise(setImmediate);
      }
    })();
    const info = await backups.create('daily');
    writing = false;
    await writer;
    const writtenDuring = written;

    expect(writtenDuring).toBeGreaterThan(0);
    const copy = join(backupDir(info.name), DB_FILE_NAME);
    expect(integrityProblems(new BetterSqlite3(copy, { readonly: true }))).toEqual([]);
    const copied = countIn(copy, 'select count(*) from customers');
    expect(copied).toBeGreaterThanOrEqual(before);
    expect(copied).toBeLessThanOrEqual(before + writtenDuring);
    expect(manifestOf(info.name).counts.customers).toBe(copied);
    expect(manifestOf(info.name).db.sha256).toBe(shaOfFile(copy));
  });

  it('still copies when write transactions stay open across the event loop without pause', async () => {
    const { store } = await openStore();
    const backups = new BackupService({ sqlite: store.sqlite, dataDir: dir, clock, stallMs: 100 });
    await insertCustomers(store.db, 5000, 'before');

    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        // Each transaction awaits a timer before it commits: the connection is never idle when
        // the step-by-step copy looks, so the one-step copy through its own connection takes over.
        await store.db.transaction().execute(async (trx) => {
          await insertOne(trx, written);
          await delay(1);
        });
        written++;
      }
    })();
    await delay(5);
    const info = await backups.create('manual');
    writing = false;
    await writer;

    expect(written).toBeGreaterThan(0);
    const copy = join(backupDir(info.name), DB_FILE_NAME);
    expect(integrityProblems(new BetterSqlite3(copy, { readonly: true }))).toEqual([]);
    const copied = countIn(copy, 'select count(*) from customers');
    expect(copied).toBeGreaterThanOrEqual(5000);
    expect(copied).toBeLessThanOrEqual(5000 + written);
    expect(manifestOf(info.name).counts.customers).toBe(copied);
  });

  it('keeps the newest 14, and never the pre-migration copies nor the one just made', async () => {
    const { store, backups } = await openStore();
    await store.sqlite.backup(join(dir, 'backups', 'pre-migration-v2-2026-01-01T08-00-00-000Z.sqlite3'));
    const made: string[] = [];
    for (let i = 0; i < 16; i++) {
      made.push((await backups.create(i % 2 ? 'daily' : 'manual')).name);
      clock.advance(3_600_000);
    }
    const names = (await backups.list()).map((i) => i.name);
    expect(names.filter((n) => !n.startsWith('pre-migration'))).toEqual(made.slice(2).reverse());
    expect(names).toContain('pre-migration-v2-2026-01-01T08-00-00-000Z.sqlite3');
    expect(existsSync(backupDir(made[0]!))).toBe(false);
    expect(readdirSync(join(dir, 'backups')).filter((n) => n.startsWith('.'))).toEqual([]);

    // A clock set back makes the new backup the oldest one: it stays all the same.
    clock.set('2025-06-01T12:00:00.000Z');
    const early = await backups.create('manual');
    expect((await backups.list()).map((i) => i.name)).toContain(early.name);
  });

  it('does not prune the backup about to be restored when it takes the safety backup', async () => {
    const { store, backups } = await openStore(3);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      made.push((await backups.create('daily')).name);
      clock.advance(60_000);
    }
    const safety = await backups.beforeRestore(made[0]!); // the oldest, next in line for pruning
    expect((await backups.list()).map((i) => i.name)).toEqual([safety.name, ...made.slice().reverse()]);
    await store.db.destroy();
    expect(restoreFiles(dir, made[0]!).restoredFrom).toBe(made[0]);
    await expect(backups.beforeRestore('../../etc')).rejects.toMatchObject({ code: 'backup.notFound' });
  });

  it('says when a daily backup is due: once per day', async () => {
    clock.set('2026-01-15T12:00:00.000Z');
    const { backups } = await openStore();
    expect(backups.dailyDue()).toBe(true);
    await backups.create('manual');
    expect(backups.dailyDue()).toBe(true);
    const running = backups.create('daily');
    expect(backups.dailyDue()).toBe(false); // already under way
    await running;
    expect(backups.dailyDue()).toBe(false);
    clock.advance(3 * 3_600_000);
    expect(backups.dailyDue()).toBe(false);
    clock.advance(24 * 3_600_000);
    expect(backups.dailyDue()).toBe(true);
  });
});

// --- restoring -------------------------------------------------------------------------------------------

describe('restoreFiles', () => {
  it('round trip: back to the database and attachment files as they were at backup time', async () => {
    const scanA = png([1, 2, 3]);
    const scanB = png([4, 5, 6]);
    const idA = await withCore((core) => addCustomer(core, layla, scanA));
    let { store, backups } = await openStore();
    const backup = await backups.create('manual');
    await store.db.destroy();

    clock.advance(60_000);
    await withCore((core) => addCustomer(core, person('Bilal', 'Amrani'), scanB));
    expect(storedShas(dir)).toEqual([sha(scanA), sha(scanB)].sort());

    // The restore as core.ts runs it: verify + safety backup while open, close, swap, reopen.
    ({ store, backups } = await openStore());
    const safety = await backups.beforeRestore(backup.name);
    expect(safety.kind).toBe('pre-restore');
    await backups.idle();
    await store.db.destroy();
    const report = restoreFiles(dir, backup.name);
    expect(report).toEqual({ restoredFrom: backup.name, attachments: 1 });

    await withCore(async (core) => {
      const list = await core.call('customers.list', {});
      expect(list.data.map((c) => c.id)).toEqual([idA]);
      const [doc] = await core.call('attachments.list', { customerId: idA });
      const read = await core.call('attachments.read', { id: doc!.id });
      expect(Buffer.from(read.bytes, 'base64').equals(scanA)).toBe(true);
    });
    expect(storedShas(dir)).toEqual([sha(scanA)]);
    // No staged copies or old folders left in the data folder.
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);

    // And the safety backup undoes it.
    restoreFiles(dir, safety.name);
    await withCore(async (core) => {
      expect((await core.call('customers.list', {})).pagination.total).toBe(2);
    });
    expect(storedShas(dir)).toEqual([sha(scanA), sha(scanB)].sort());
  });

  it('removes a stale -wal so SQLite cannot replay the old log onto the restored file', async () => {
    await withCore((core) => addCustomer(core, layla));
    const first = await openStore();
    const backup = await first.backups.create('manual');
    await first.store.db.destroy();

    // Changes left in the write-ahead log, as after a crash (no checkpoint on close).
    const { store } = await openStore();
    store.sqlite.pragma('wal_autocheckpoint = 0');
    await insertCustomers(store.db, 200, 'late');
    const wal = `${join(dir, DB_FILE_NAME)}-wal`;
    expect(statSync(wal).size).toBeGreaterThan(0);
    copyFileSync(wal, `${wal}.saved`);
    store.sqlite.close(); // better-sqlite3 checkpoints and deletes the -wal here…
    copyFileSync(`${wal}.saved`, wal); // …so put it back, as a crash would have left it

    restoreFiles(dir, backup.name);
    expect(existsSync(wal)).toBe(false);
    const reopened = await openDatabase({ dataDir: dir, clock });
    cleanups.push(() => reopened.db.destroy());
    expect(integrityProblems(reopened.sqlite)).toEqual([]);
    expect(Number(reopened.sqlite.prepare('select count(*) from customers').pluck().get())).toBe(1);
  });

  it('refuses a backup whose database copy no longer matches its checksum, changing nothing', async () => {
    await withCore((core) => addCustomer(core, layla, png([7, 7, 7])));
    const { store, backups } = await openStore();
    const backup = await backups.create('manual');
    await store.db.destroy();
    const live = join(dir, DB_FILE_NAME);
    const liveSha = shaOfFile(live);
    const liveFiles = storedShas(dir);

    // One byte changed in the copy (in a row's text, so the copy itself still reads as sound).
    const copy = join(backupDir(backup.name), DB_FILE_NAME);
    const bytes = readFileSync(copy);
    const at = bytes.indexOf('Layla');
    bytes[at] = 'K'.charCodeAt(0);
    writeFileSync(copy, bytes);
    expect(databaseFileProblems(backupDir(backup.name))).toEqual([]);

    expect(() => verifyBackup(dir, backup.name)).toThrow(expect.objectContaining({ code: 'backup.damaged', status: 409 }));
    expect(() => restoreFiles(dir, backup.name)).toThrow(expect.objectContaining({ code: 'backup.damaged', message: expect.stringContaining('checksum') }));
    expect(shaOfFile(live)).toBe(liveSha);
    expect(storedShas(dir)).toEqual(liveFiles);
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it.each([
    ['../opticounter.sqlite3'],
    ['..'],
    ['/etc/passwd'],
    ['..\\..\\Windows'],
    ['2026-01-15T10-00-00-000Z-manual/../../x'],
    ['backups/2026-01-15T10-00-00-000Z-manual'],
    ['2026-01-15T10-00-00-000Z-manual\u0000'],
    ['2026-01-16T10-00-00-000Z-manual'], // well formed, but no such backup
    ['2026-01-14T10-00-00-000Z-manual'], // a folder without a manifest
    ['pre-migration-v1-2026-01-14T10-00-00-000Z.sqlite3'],
  ])('answers backup.notFound for %j', async (name) => {
    const { store, backups } = await openStore();
    await backups.create('manual');
    await store.db.destroy();
    mkdirSync(join(dir, 'backups', '2026-01-14T10-00-00-000Z-manual'));
    const liveSha = shaOfFile(join(dir, DB_FILE_NAME));
    expect(() => restoreFiles(dir, name)).toThrow(expect.objectContaining({ code: 'backup.notFound', status: 404 }));
    expect(() => verifyBackup(dir, name)).toThrow(expect.objectContaining({ code: 'backup.notFound' }));
    expect(shaOfFile(join(dir, DB_FILE_NAME))).toBe(liveSha);
  });

  it('restores a pre-migration copy: the database only, attachment files left as they are', async () => {
    await withCore((core) => addCustomer(core, layla, png([9, 9, 9])));
    const { store } = await openStore();
    const name = 'pre-migration-v3-2026-01-15T09-00-00-000Z.sqlite3';
    await store.sqlite.backup(join(dir, 'backups', name));
    await insertCustomers(store.db, 3, 'after');
    await store.db.destroy();
    const files = storedShas(dir);

    expect(restoreFiles(dir, name)).toEqual({ restoredFrom: name, attachments: null });
    expect(countIn(join(dir, DB_FILE_NAME), 'select count(*) from customers')).toBe(1);
    expect(storedShas(dir)).toEqual(files);
  });

  it('checks the input of backup.restore for shape only (names are the service’s to judge)', () => {
    expect(BackupRestoreInput.parse({ name: ' x ' })).toEqual({ name: 'x' });
    expect(BackupRestoreInput.safeParse({}).success).toBe(false);
    expect(BackupRestoreInput.safeParse({ name: 'x', extra: 1 }).success).toBe(false);
  });
});

// --- integrity -----------------------------------------------------------------------------------------

describe('integrity check and the latest good backup', () => {
  it('reports a damaged database, and offers the newest backup that is sound', async () => {
    const { store, backups } = await openStore();
    await insertCustomers(store.db, 2000, 'c');
    expect(integrityProblems(store.sqlite)).toEqual([]);
    const older = await backups.create('daily');
    clock.advance(60_000);
    const good = await backups.create('manual');
    clock.advance(60_000);
    const damaged = await backups.create('manual');
    clock.advance(60_000);
    const tampered = await backups.create('manual');
    await store.db.destroy();

    // Newest: its bytes no longer match the manifest. Next: damaged, with a manifest to match.
    const tamperedCopy = join(backupDir(tampered.name), DB_FILE_NAME);
    writeFileSync(tamperedCopy, Buffer.concat([readFileSync(tamperedCopy), Buffer.from('x')]));
    const damagedCopy = join(backupDir(damaged.name), DB_FILE_NAME);
    corrupt(damagedCopy, 40);
    const manifest = JSON.parse(readFileSync(join(backupDir(damaged.name), 'backup.json'), 'utf8'));
    manifest.db.sha256 = shaOfFile(damagedCopy);
    writeFileSync(join(backupDir(damaged.name), 'backup.json'), JSON.stringify(manifest));

    // The live file fails the same way.
    const live = join(dir, DB_FILE_NAME);
    corrupt(live, 40);
    const handle = new BetterSqlite3(live);
    cleanups.push(() => handle.close());
    expect(integrityProblems(handle).length).toBeGreaterThan(0);
    handle.close();
    expect(databaseFileProblems(dir).length).toBeGreaterThan(0);
    expect(existsSync(`${live}-wal`)).toBe(false); // the read-only check left nothing behind

    expect(() => verifyBackup(dir, damaged.name)).toThrow(expect.objectContaining({ code: 'backup.damaged', message: expect.stringContaining('integrity') }));
    expect(latestGoodBackup(dir)).toEqual({ ...good, customers: 2000, inLiveLineage: true });

    restoreFiles(dir, good.name);
    expect(databaseFileProblems(dir)).toEqual([]);
    expect(countIn(live, 'select count(*) from customers')).toBe(2000);
    expect(older.name < good.name).toBe(true);
  });

  it('reports rows that point at missing rows, and a file that is not a database at all', async () => {
    const { store } = await openStore();
    store.sqlite.pragma('foreign_keys = OFF');
    store.sqlite.prepare("insert into customer_addresses (id, customer_id, street) values ('a1', 'nobody', 'Nowhere')").run();
    expect(integrityProblems(store.sqlite)).toEqual(['customer_addresses row 1 refers to a missing customers row']);
    await store.db.destroy();

    writeFileSync(join(dir, DB_FILE_NAME), Buffer.alloc(8192, 0x41));
    expect(databaseFileProblems(dir)).toEqual([expect.stringMatching(/NOTADB|not a database/)]);
    expect(latestGoodBackup(dir)).toBeNull();
    const fresh = tempDir();
    cleanups.push(fresh.remove);
    expect(databaseFileProblems(fresh.dir)).toEqual([]); // first start: nothing to check
  });
});

// --- kill -9 during the swap (issue 10, item 1) -------------------------------------------------------------

describe('a restore killed during its file swap', () => {
  // The steps restoreFiles reports, and two renames intercepted in the fs module itself: the database
  // going live, and the new documents folder going live (the old one already moved aside).
  const steps = ['staged', 'journaled', 'rename:.opticounter.sqlite3.restore-', 'db-swapped', 'files-moved-aside', 'rename:.attachments-restore-', 'files-swapped', 'lineage-written'] as const;

  it('leaves a store that opens old or new, never the restored database with the old files', { timeout: 180_000 }, async () => {
    // The live store is an older state (A, scan a); the backup to restore is newer (A and B, scans a and b):
    // a half swap would show B's document missing.
    const scanA = png([1, 1, 1]);
    const scanB = png([2, 2, 2]);
    await withCore((core) => addCustomer(core, layla, scanA));
    const older = await withCore((core) => core.call('backup.create', {}));
    clock.advance(60_000);
    await withCore((core) => addCustomer(core, person('Bilal', 'Amrani'), scanB));
    const newer = await withCore((core) => core.call('backup.create', {}));
    clock.advance(60_000);
    restoreFiles(dir, older.name);

    for (const step of steps) {
      const copy = tempDir('opticounter-crash-');
      cleanups.push(copy.remove);
      cpSync(dir, copy.dir, { recursive: true });
      const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/helpers/restore-crash-child.ts', copy.dir, newer.name, step], { encoding: 'utf8' });
      expect(child.signal, `${step}: ${child.stderr}`).toBe('SIGKILL');

      // The next start: the interrupted restore is tidied or finished, then the store opens.
      const { core, close } = await openTestCore({ clock, dataDir: copy.dir });
      try {
        expect(databaseFileProblems(copy.dir), step).toEqual([]);
        const names = (await core.call('customers.list', {})).data.map((c) => c.name).sort();
        expect([['Layla Hassan'], ['Bilal Amrani', 'Layla Hassan']], step).toContainEqual(names);
        // Whichever it is, every document it lists is there, byte for byte.
        for (const c of (await core.call('customers.list', {})).data) {
          for (const doc of await core.call('attachments.list', { customerId: c.id })) {
            const read = await core.call('attachments.read', { id: doc.id });
            expect(sha(Buffer.from(read.bytes, 'base64')), `${step}: ${c.name}`).toBe(doc.sha256);
          }
        }
        // Committed once journaled: from then on the restore is finished, never undone.
        expect(names.length, step).toBe(step === 'staged' ? 1 : 2);
        expect(readdirSync(copy.dir).filter((n) => n.startsWith('.')), step).toEqual([]);
        expect(latestGoodBackup(copy.dir)?.name, step).toBe(step === 'staged' ? older.name : newer.name);
      } finally {
        await close();
      }
    }
  });
});
