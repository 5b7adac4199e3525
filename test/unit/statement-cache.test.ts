import Database from 'better-sqlite3';
import { type Generated, Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, expect, it, vi } from 'vitest';
import { withStatementCache } from '../../src/main/db/statement-cache';

/* kysely's statements prepared once per SQL text (statement-cache.ts), on a real SQLite connection. */

type Tables = { t: { id: Generated<number>; name: string } };
const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});
function memory() {
  const db = new Database(':memory:');
  open.push(db);
  db.exec('create table t (id integer primary key, name text)');
  db.exec("insert into t (name) values ('a'), ('b'), ('c')");
  return db;
}

it('prepares a query once however often kysely runs it, and answers with its current rows', async () => {
  const sqlite = memory();
  const prepare = vi.spyOn(sqlite, 'prepare');
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  for (const name of ['a', 'b', 'c']) expect(await db.selectFrom('t').select('id').where('name', '=', name).execute()).toHaveLength(1);
  await db.insertInto('t').values({ name: 'a' }).execute();
  await db.insertInto('t').values({ name: 'a' }).execute();
  expect(await db.selectFrom('t').select('id').where('name', '=', 'a').execute()).toHaveLength(3);
  // One select, one insert: two texts, two statements.
  expect(prepare).toHaveBeenCalledTimes(2);
  await db.destroy();
  expect(sqlite.open).toBe(false);
});

it('gives a statement of its own to a query run while the same one is still being read (streamed)', async () => {
  const sqlite = memory();
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const cached = withStatementCache(sqlite);
  const text = 'select id from t order by id';
  const reading = cached.prepare(text).iterate([]);
  expect(reading.next().value).toEqual({ id: 1 });
  // The kept statement is busy: running the same text again must not fail nor disturb the reader.
  expect(cached.prepare(text).all([])).toHaveLength(3);
  expect([...reading]).toEqual([{ id: 2 }, { id: 3 }]);
  expect((await sql<{ n: number }>`select count(*) as n from t`.execute(db)).rows[0]?.n).toBe(3);
});

it('keeps at most `size` statements, dropping the least recently used', () => {
  const sqlite = memory();
  const prepare = vi.spyOn(sqlite, 'prepare');
  const cached = withStatementCache(sqlite, 2);
  const q = (n: number) => cached.prepare(`select ${n} as n`).all([]);
  q(1);
  q(2);
  q(1); // 1 used again: 2 is now the oldest
  q(3); // past the size: 2 goes
  q(1);
  expect(prepare).toHaveBeenCalledTimes(3);
  q(2);
  expect(prepare).toHaveBeenCalledTimes(4);
});
