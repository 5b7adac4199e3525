import Database from 'better-sqlite3';
import { afterEach, expect, it, vi } from 'vitest';
import { ReaderThread } from '../../src/main/db/reader-thread';
import { CustomerCreateInput } from '../../src/shared/customers/schema';
import { generateCustomers } from '../bench/people';
import { openTestCore, tempDir } from '../helpers/core';

/*
 * Issue 14 item 3: opening a store gives the event loop back between its steps. In a fresh process
 * they ran in one turn (the file's schema check, the audit trail, then the search index's first page
 * of 2,000 customers): ~85 ms held at 100,000 customers, the window frozen meanwhile.
 */

// What ran, in order: each turn the event loop went round (recorded as it resumes), and the reads that mark the opening's steps.
const events = vi.hoisted(() => [] as string[]);
vi.mock('../../src/main/turns', async (original) => {
  const turns = await original<typeof import('../../src/main/turns')>();
  const resumed = () => void events.push('turn');
  return { ...turns, nextTurn: () => turns.nextTurn().then(resumed), nextTurnAhead: () => turns.nextTurnAhead().then(resumed) };
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('opens a store in turns: the file’s check, the read-write open, WAL mode, the services and the index’s first page', async () => {
  const temp = tempDir();
  cleanups.push(temp.remove);
  const first = await openTestCore({ dataDir: temp.dir });
  await first.core.customers.createMany(
    generateCustomers(50, 3).map((c) => CustomerCreateInput.parse(c)),
    { staffId: null, username: 'owner' },
  );
  await first.raw.close();

  const probe = new Database(':memory:');
  const statement = Object.getPrototypeOf(probe.prepare('select 1')) as Record<'all' | 'get' | 'run', (...a: unknown[]) => unknown>;
  probe.close();
  const originals = { all: statement.all, get: statement.get, run: statement.run };
  // What each statement marks: the file's check reads on a read-only connection and an in-memory one
  // (checkDatabaseFile); the store is then opened read-write (its pragmas), the audit trail opened
  // with plain SQL, and the services read through kysely (quoted names), the index's pages among them.
  type Statement = { source: string; database: { readonly: boolean; memory: boolean } };
  const stepOf = ({ source, database }: Statement) => {
    if (database.readonly || database.memory) return 'check';
    if (/^PRAGMA (busy_timeout|foreign_keys|journal_mode)/.test(source)) return source.slice(7, source.indexOf(' ', 7));
    if (/"search_text".*order by "id"/s.test(source)) return 'index';
    return source.includes('"') ? 'kysely' : 'plain';
  };
  const mark = (step: string) => {
    if (events.at(-1) !== step) events.push(step);
  };
  for (const name of ['all', 'get', 'run'] as const) {
    const original = originals[name];
    statement[name] = function (this: Statement, ...a: unknown[]) {
      mark(stepOf(this));
      return original.apply(this, a);
    };
  }
  // The index's pages are read in a reader thread (db/reader-thread.ts): asked for on the event
  // loop, marked as the page they are ('reader' marks a reader's read that is not a page).
  const readerAll = ReaderThread.prototype.all;
  ReaderThread.prototype.all = function (this: ReaderThread, query) {
    mark(/"search_text".*order by "id"/s.test(query.sql) ? 'index' : 'reader');
    return readerAll.call(this, query) as never;
  };
  try {
    events.length = 0;
    const { core, raw } = await openTestCore({ dataDir: temp.dir });
    cleanups.push(() => raw.close());
    await core.customers.warmUp();
  } finally {
    Object.assign(statement, originals);
    ReaderThread.prototype.all = readerAll;
  }
  const firstOf = (step: string, from = 0) => events.indexOf(step, from);
  const lastBefore = (step: string, at: number) => events.lastIndexOf(step, at);
  const turnBetween = (from: number, to: number) => from >= 0 && to > from && events.slice(from, to).includes('turn');
  const log = events.join(' ');
  // The file's check, a turn, then the store opened read-write…
  const opened = firstOf('busy_timeout');
  expect(turnBetween(lastBefore('check', opened), opened), log).toBe(true);
  // …put in WAL mode before migrating (review 14: never written in rollback-journal mode), migrated,
  // a turn, then the audit trail opened (plain SQL)…
  const wal = firstOf('journal_mode');
  expect(lastBefore('foreign_keys', wal), log).toBeGreaterThan(opened);
  expect(turnBetween(wal, firstOf('plain', wal)), log).toBe(true);
  // …a turn, then the services (kysely)…
  const services = Math.min(...['kysely', 'index'].map((step) => firstOf(step, wal)).filter((i) => i >= 0));
  expect(turnBetween(wal, services), log).toBe(true);
  // …and the index's first page on a turn after them.
  const index = firstOf('index');
  expect(turnBetween(lastBefore('plain', index), index), log).toBe(true);
});
