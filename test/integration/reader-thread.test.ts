import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ReaderThread } from '../../src/main/db/reader-thread';
import { tempDir } from '../helpers/core';

type Db = { t: { id: number; name: string } };

/** A WAL store with a few rows, open as the app keeps it, with a query builder on it. */
function store() {
  const { dir, remove } = tempDir();
  const file = join(dir, 'store.sqlite3');
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.exec('create table t (id integer primary key, name text)');
  const insert = sqlite.prepare('insert into t (name) values (?)');
  for (const name of ['Layla', 'Ahmed', 'Nadia']) insert.run(name);
  const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: sqlite }) });
  onTestFinished(async () => {
    if (sqlite.open) await db.destroy();
    remove();
  });
  return { file, sqlite, db };
}

describe('reads off the event loop (the search index load)', () => {
  it('answers as the store’s own connection does, and sees what it committed since', async () => {
    const { file, sqlite, db } = store();
    const reader = ReaderThread.open(file);
    expect(reader).not.toBeNull();
    onTestFinished(() => reader!.close());
    const query = db.selectFrom('t').select(['id', 'name']).where('id', '>', 1).orderBy('id');
    expect(await reader!.all(query.compile())).toEqual(await query.execute());
    sqlite.prepare('insert into t (name) values (?)').run('Omar');
    expect((await reader!.all(query.compile())).map((r) => r.name)).toEqual(['Ahmed', 'Nadia', 'Omar']);
  });

  it('says what went wrong with a read, and goes on reading', async () => {
    const { file, db } = store();
    const reader = ReaderThread.open(file)!;
    onTestFinished(() => reader.close());
    await expect(reader.all(CompiledQuery.raw('select name from nowhere'))).rejects.toThrow(/no such table: nowhere/);
    expect(await reader.all(db.selectFrom('t').select('name').where('id', '=', 1).compile())).toEqual([{ name: 'Layla' }]);
  });

  it('a file it cannot open: its reads fail (the caller reads on its own connection), nothing is made', async () => {
    const { dir, remove } = tempDir();
    onTestFinished(remove);
    const missing = join(dir, 'missing.sqlite3');
    const reader = ReaderThread.open(missing)!;
    await expect(reader.all(CompiledQuery.raw('select 1'))).rejects.toThrow();
    await reader.close();
    expect(existsSync(missing)).toBe(false);
  });

  it('closed: answers what was asked, refuses what comes after, and leaves no reader in the WAL', async () => {
    const { file, sqlite, db } = store();
    const reader = ReaderThread.open(file)!;
    const asked = reader.all(db.selectFrom('t').select('name').orderBy('id').compile());
    const closed = reader.close();
    await expect(reader.all(db.selectFrom('t').select('name').compile())).rejects.toThrow(/stopped/);
    expect((await asked).map((r) => r.name)).toEqual(['Layla', 'Ahmed', 'Nadia']);
    await closed;
    // The store's own close then folds its -wal into the file, as the app's close does.
    expect(sqlite.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
    expect(statSync(`${file}-wal`).size).toBe(0);
  });
});
