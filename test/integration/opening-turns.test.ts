import Database from 'better-sqlite3';
import { afterEach, expect, it, vi } from 'vitest';
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

it('opens a store in turns: the file’s check, the audit trail and the index’s first page each on its own', async () => {
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
  // The file's check reads on a read-only connection and an in-memory one (checkDatabaseFile); the
  // audit trail and the index read the opened store.
  type Statement = { source: string; database: { readonly: boolean; memory: boolean } };
  const stepOf = ({ source, database }: Statement) =>
    database.readonly || database.memory ? 'check' : source.includes('audit_log') ? 'trail' : /"search_text".*order by "id"/s.test(source) ? 'index' : null;
  for (const name of ['all', 'get', 'run'] as const) {
    const original = originals[name];
    statement[name] = function (this: Statement, ...a: unknown[]) {
      const step = stepOf(this);
      if (step && events.at(-1) !== step) events.push(step);
      return original.apply(this, a);
    };
  }
  try {
    events.length = 0;
    const { core, raw } = await openTestCore({ dataDir: temp.dir });
    cleanups.push(() => raw.close());
    await core.customers.warmUp();
  } finally {
    Object.assign(statement, originals);
  }
  const firstOf = (step: string) => events.indexOf(step);
  const lastBefore = (step: string, at: number) => events.lastIndexOf(step, at);
  const turnBetween = (from: number, to: number) => from >= 0 && to > from && events.slice(from, to).includes('turn');
  const index = firstOf('index');
  const trail = firstOf('trail');
  expect(index).toBeGreaterThan(0);
  expect(trail).toBeGreaterThan(0);
  // The file's check (openDatabase), then a turn before the audit trail (assemble)…
  expect(turnBetween(lastBefore('check', trail), trail), events.join(' ')).toBe(true);
  // …and the index's first page on a turn after both.
  expect(turnBetween(lastBefore('trail', index), index), events.join(' ')).toBe(true);
});
