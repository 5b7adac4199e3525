import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IndexColumns, type IndexEntry, type SortBy, rankText } from '../../src/main/customers/index-columns';
import { NO_KEY, timeKey, timeText } from '../../src/main/customers/time-key';

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Timestamps in the app's own form, near misses of it, and other forms a cloud or a test may give. */
const stamp = fc.oneof(
  fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.001Z', '2026-01-01T00:00:00Z', '2026-01-01', '2026-01-01T10', '2026-01-01T00:00:00.000+01:00', '', '2026-13-01T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01t00:00:00.000Z', '٢٠٢٦-01-01T00:00:00.000Z'),
  fc.string({ maxLength: 26 }),
);

describe('timeKey', () => {
  it('orders keys exactly as their strings, and gives each string back', () => {
    fc.assert(
      fc.property(stamp, stamp, (a, b) => {
        const [x, y] = [timeKey(a), timeKey(b)];
        if (x !== NO_KEY) expect(timeText(x)).toBe(a);
        if (x !== NO_KEY && y !== NO_KEY) expect(sign(x - y)).toBe(byString(a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('keys only the app’s own form, with every field in its range', () => {
    expect(timeKey('2026-12-03T08:24:16.123Z')).not.toBe(NO_KEY);
    for (const odd of ['2026-01-01T00:00:00Z', '2026-01-01', '2026-13-01T00:00:00.000Z', '2026-01-32T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T00:60:00.000Z', '+02026-01-01T00:00:00.000Z']) {
      expect(timeKey(odd), odd).toBe(NO_KEY);
    }
  });
});

describe('IndexColumns', () => {
  // The orders as they were written over entries with their strings, before the columns.
  const nameOf = (e: IndexEntry) => e.text.slice(0, e.nameEnd);
  const naive: Record<SortBy, (a: IndexEntry, b: IndexEntry) => number> = {
    createdAt: (a, b) => byString(a.createdAt, b.createdAt) || byString(a.id, b.id),
    updatedAt: (a, b) => byString(a.seenAt, b.seenAt) || byString(a.id, b.id),
    name: (a, b) => byString(nameOf(a), nameOf(b)) || byString(a.createdAt, b.createdAt) || byString(a.id, b.id),
    status: (a, b) => Number(!a.active) - Number(!b.active) || byString(a.createdAt, b.createdAt) || byString(a.id, b.id),
  };
  const entry = fc
    .record({ id: fc.string({ minLength: 1, maxLength: 3 }), first: fc.constantFrom('ana', 'anas', 'zoé', 'b'), last: fc.constantFrom('ben', 'benali', 'a b', ''), active: fc.boolean(), createdAt: stamp, seenAt: stamp, same: fc.boolean() })
    .map(({ id, first, last, active, createdAt, seenAt, same }): IndexEntry => {
      const name = `${first} ${last}`;
      return { id, text: `${name}\n${first}@ex.com\n212600`, nameEnd: name.length, lastStart: first.length + 1, active, createdAt, seenAt: same ? createdAt : seenAt };
    });

  it('compares slots as the entries’ strings compare, in every order, after values are overwritten', () => {
    fc.assert(
      fc.property(fc.uniqueArray(entry, { minLength: 2, maxLength: 30, selector: (e) => e.id }), fc.array(fc.tuple(fc.nat(), entry)), (entries, changes) => {
        const cols = IndexColumns.of(entries);
        const now = [...entries];
        for (const [i, e] of changes) {
          const slot = i % now.length;
          const fresh = { ...e, id: (now[slot] as IndexEntry).id };
          cols.set(slot, fresh);
          now[slot] = fresh;
        }
        for (let a = 0; a < now.length; a++) {
          expect(cols.entryAt(a)).toEqual(now[a]);
          for (let b = 0; b < now.length; b++) {
            for (const k of Object.keys(naive) as SortBy[]) expect(sign(cols.compare[k](a, b)), k).toBe(sign(naive[k](now[a] as IndexEntry, now[b] as IndexEntry)));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ranks a word by where it starts a word: the last name, the first name, the rest, or inside one', () => {
    const cols = IndexColumns.of([{ id: 'a', text: 'anas benali\nanas.b@ex.com\n212600', nameEnd: 11, lastStart: 5, active: true, createdAt: '', seenAt: '' }]);
    expect([cols.rank(0, ['ben']), cols.rank(0, ['ana']), cols.rank(0, ['ex']), cols.rank(0, ['nal']), cols.rank(0, ['b'])]).toEqual([0, 64 + 1, 128 + 2, 192 + 3, 0]);
    expect(cols.rank(0, ['ana', 'ben'])).toBe(rankText('anas benali\nanas.b@ex.com\n212600', 11, 5, ['ana', 'ben']));
    expect(cols.rank(0, ['ana', 'ben'])).toBe(64 + 1);
  });
});

describe('IndexColumns.reserveInTurns', () => {
  it('makes the room reserve() makes, one array between two pauses, keeping what the columns held', async () => {
    const entry = (i: number): IndexEntry => ({ id: `id-${i}`, text: `name ${i}`, nameEnd: 4, lastStart: 0, active: i % 2 === 0, createdAt: '2026-01-01T00:00:00.000Z', seenAt: '2026-02-01T00:00:00.000Z' });
    const columns = IndexColumns.of([entry(0), entry(1)]);
    let pauses = 0;
    await columns.reserveInTurns(100_000, async () => void pauses++);
    expect(pauses).toBe(6);
    for (let i = 2; i < 100_000; i++) columns.push(entry(i));
    expect([columns.entryAt(0), columns.entryAt(1), columns.entryAt(99_999)]).toEqual([entry(0), entry(1), entry(99_999)]);
    // Room already there: nothing made, no pause.
    await columns.reserveInTurns(50_000, async () => void pauses++);
    expect(pauses).toBe(6);
  });

  it('leaves a slot set() skipped over free, its numbers never read, in room not zeroed', async () => {
    const columns = new IndexColumns();
    await columns.reserveInTurns(300_000, async () => undefined);
    columns.set(250_000, { id: 'far', text: 'far away', nameEnd: 8, lastStart: 4, active: true, createdAt: '2026-01-01T00:00:00.000Z', seenAt: '2026-01-01T00:00:00.000Z' });
    expect(columns.length).toBe(250_001);
    const held = [];
    for (let slot = 0; slot < columns.length; slot++) if (columns.holds(slot)) held.push(slot);
    expect(held).toEqual([250_000]);
    expect(columns.entryAt(250_000).createdAt).toBe('2026-01-01T00:00:00.000Z');
  });
});
