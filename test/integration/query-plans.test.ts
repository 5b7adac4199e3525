import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/db/database';
import type { Database } from '../../src/main/db/schema';
import { countWaitingDetails } from '../../src/main/sync/details';
import { Outbox } from '../../src/main/sync/outbox';
import { countWaitingForDetails, waitingForDetails } from '../../src/main/sync/waiting';
import { tempDir } from '../helpers/core';

/*
 * Statements that must not read a whole table (their query plans, read from SQLite). The customer
 * list as it opens, answered before the search index is built, walks the creation-order index. The
 * outbox's statements run once per change (sync/outbox.ts) find their rows by an index, never by
 * reading the whole queue: `release` scanned it, so undoing an import of 20,000 customers (each delete
 * releasing what waited for it) took 9.6 s and of 100,000 took 278 s, and a first push of an imported
 * store would have done the same per customer sent. The sync status and the Sync screen's lists, asked
 * for after every change, count and list their few rows off partial indexes: they read every customer
 * and every queued change, 1.5 s holding the event loop at 1,000,000 customers.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const PER_CHANGE = [
  'select id, op, tried_at from sync_outbox where entity = ? and entity_id = ?',
  'update sync_outbox set waits_for = null where waits_for = ?',
  "delete from sync_outbox where entity = 'attachment' and customer_id = ?",
  'delete from sync_outbox where entity = ? and entity_id = ?',
  'delete from sync_outbox where id = ? and revision = ?',
];

it('reads the customer list as it opens off the creation-order index, before the search index is built', async () => {
  const { dir, remove } = tempDir();
  const store = await openDatabase({ dataDir: dir, clock: { now: () => new Date() } });
  cleanups.push(remove, () => store.db.destroy());
  const plan = (store.sqlite.prepare('explain query plan select id from customers where deleted_at is null order by created_at desc, id desc limit 30 offset 0').all() as { detail: string }[]).map((r) => r.detail).join('; ');
  expect(plan).toMatch(/SCAN customers USING (COVERING )?INDEX customers_by_creation/);
  expect(plan).not.toMatch(/TEMP B-TREE/);
});

it('finds the rows of each per-change statement by an index', async () => {
  const { dir, remove } = tempDir();
  const store = await openDatabase({ dataDir: dir, clock: { now: () => new Date() } });
  cleanups.push(remove, () => store.db.destroy());
  for (const statement of PER_CHANGE) {
    const plan = (store.sqlite.prepare(`explain query plan ${statement}`).all(...statement.split('?').slice(1).map(() => 'x')) as { detail: string }[]).map((r) => r.detail);
    expect(plan.join('; '), statement).toMatch(/SEARCH sync_outbox USING (INTEGER PRIMARY KEY|(COVERING )?INDEX)/);
    expect(plan.join('; '), statement).not.toMatch(/SCAN sync_outbox/);
  }
});

it('counts and lists what the sync status and the Sync screen show off indexes, never reading every customer or queued change', async () => {
  const { dir, remove } = tempDir();
  const store = await openDatabase({ dataDir: dir, clock: { now: () => new Date() } });
  cleanups.push(remove, () => store.db.destroy());
  // The statements exactly as the code sends them, heard on their way to the same connection.
  const sent: { sql: string; parameters: readonly unknown[] }[] = [];
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: store.sqlite }),
    log: (event) => {
      if (event.level === 'query') sent.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  const outbox = new Outbox(db, store.sqlite, { now: () => new Date() });
  await outbox.counts();
  await outbox.parked();
  await outbox.parked('some-customer');
  await countWaitingForDetails(db);
  await waitingForDetails(db);
  await countWaitingDetails({ db });
  expect(sent.length).toBeGreaterThanOrEqual(6);
  for (const { sql, parameters } of sent) {
    const plan = (store.sqlite.prepare(`explain query plan ${sql}`).all(...parameters) as { detail: string }[]).map((r) => r.detail).join('; ');
    expect(plan, sql).not.toMatch(/SCAN (customers|sync_outbox|c|o)\b(?! USING)/);
  }
});
