import { describe, expect, it } from 'vitest';
import { foldText, searchTextOf, searchTokens } from '../../src/main/customers/fold';
import { CustomerSearchIndex, type IndexEntry } from '../../src/main/customers/search-index';
import { SortedList } from '../../src/main/customers/sorted-list';

describe('foldText', () => {
  it.each([
    ['Bénali', 'benali'],
    ['HÉLÈNE Lefèvre', 'helene lefevre'],
    ['Søren Łukasz', 'soren lukasz'],
    ['Straße Œuvre Æsir', 'strasse oeuvre aesir'],
    ['Núñez García', 'nunez garcia'],
    ['محمد', 'محمد'],
  ])('%s -> %s', (input, expected) => expect(foldText(input)).toBe(expected));
});

describe('searchTokens', () => {
  it('splits words and folds them', () => expect(searchTokens('  Layla  HAS ')).toEqual(['layla', 'has']));
  it('reduces phone-like words to digits', () => expect(searchTokens('+212-6 (0)61')).toEqual(['2126', '061']));
  it('keeps emails as they are', () => expect(searchTokens('A.Benali@Ex')).toEqual(['a.benali@ex']));
  it('gives nothing for blank input', () => expect(searchTokens('   ')).toEqual([]));
});

describe('searchTextOf', () => {
  it('holds folded names, email and phone digits', () => {
    expect(searchTextOf({ firstName: 'Zoé', lastName: 'Bénali', email: 'Zoe@Ex.com', phoneNumber: '+33 6-12' })).toBe('zoe benali\nzoe@ex.com\n33612');
  });
});

describe('SortedList', () => {
  it('keeps order through inserts and removes by identity among equals', () => {
    const list = new SortedList<{ k: number }>((a, b) => a.k - b.k);
    const a = { k: 2 };
    const b = { k: 2 };
    for (const x of [{ k: 3 }, a, { k: 1 }, b]) list.insert(x);
    expect(Array.from({ length: list.size }, (_, i) => list.at(i).k)).toEqual([1, 2, 2, 3]);
    expect(list.remove(b)).toBe(1);
    expect(list.remove(b)).toBe(-1);
    expect(list.size).toBe(3);
    expect([0, 1, 2].map((i) => list.at(i))).toContain(a);
  });
});

function entry(id: string, name: string, createdAt: string, extra: Partial<IndexEntry> = {}): IndexEntry {
  return { id, text: foldText(name), nameKey: foldText(name), active: true, createdAt, updatedAt: createdAt, ...extra };
}
const base = { sortBy: 'createdAt', sortOrder: 'desc', page: 1, limit: 10 } as const;

describe('CustomerSearchIndex', () => {
  it('pages in the requested order without filters', () => {
    const idx = new CustomerSearchIndex([entry('a', 'Ann', '2026-01-01'), entry('b', 'Bob', '2026-01-03'), entry('c', 'Cy', '2026-01-02')]);
    expect(idx.query({ ...base })).toEqual({ ids: ['b', 'c', 'a'], total: 3 });
    expect(idx.query({ ...base, sortOrder: 'asc', limit: 2, page: 2 })).toEqual({ ids: ['b'], total: 3 });
    expect(idx.query({ ...base, sortBy: 'name', sortOrder: 'asc' }).ids).toEqual(['a', 'b', 'c']);
  });

  it('breaks ties on equal timestamps by id, so pages never overlap', () => {
    const idx = new CustomerSearchIndex(['d', 'a', 'c', 'b'].map((id) => entry(id, 'Same', '2026-01-01')));
    const p1 = idx.query({ ...base, limit: 2 });
    const p2 = idx.query({ ...base, limit: 2, page: 2 });
    expect([...p1.ids, ...p2.ids]).toEqual(['d', 'c', 'b', 'a']);
  });

  it('moves an entry when it is replaced and forgets it when removed', () => {
    const idx = new CustomerSearchIndex([entry('a', 'Ann', '2026-01-01'), entry('b', 'Bob', '2026-01-02')]);
    idx.upsert([entry('a', 'Zed', '2026-01-01', { updatedAt: '2026-02-01' })]);
    expect(idx.query({ ...base, sortBy: 'name', sortOrder: 'asc' }).ids).toEqual(['b', 'a']);
    expect(idx.query({ ...base, sortBy: 'updatedAt' }).ids).toEqual(['a', 'b']);
    expect(idx.query({ ...base, search: 'ann' }).total).toBe(0);
    idx.remove(['a']);
    idx.remove(['a']);
    expect(idx.size).toBe(1);
    expect(idx.query({ ...base, sortBy: 'name', sortOrder: 'asc' }).ids).toEqual(['b']);
  });

  it('matches within one customer only, and counts a customer once however often a word occurs', () => {
    const idx = new CustomerSearchIndex([entry('a', 'ab', '2026-01-01'), entry('b', 'cd', '2026-01-02'), entry('c', 'ssss', '2026-01-03')]);
    expect(idx.query({ ...base, search: 'bc' }).total).toBe(0);
    expect(idx.query({ ...base, search: 'ss' })).toEqual({ ids: ['c'], total: 1 });
    expect(idx.query({ ...base, search: 'a\u0000c' }).total).toBe(0);
  });

  it('takes a large batch at once and keeps every order right', () => {
    const idx = new CustomerSearchIndex([entry('z', 'Zed', '2025-01-01')]);
    const batch = Array.from({ length: 1500 }, (_, i) => entry(`id${String(i).padStart(4, '0')}`, `Name${1499 - i}`, '2026-01-01'));
    idx.upsert(batch);
    expect(idx.size).toBe(1501);
    expect(idx.query({ ...base, limit: 2 }).ids).toEqual(['id1499', 'id1498']);
    expect(idx.query({ ...base, sortBy: 'name', sortOrder: 'asc', limit: 2 }).ids).toEqual(['id1499', 'id1498']);
    expect(idx.query({ ...base, search: 'name149' }).total).toBe(11);
    expect(idx.query({ ...base, search: 'zed' }).ids).toEqual(['z']);
  });

  it('combines search, name and status filters', () => {
    const idx = new CustomerSearchIndex([
      entry('a', 'Ann Lee', '2026-01-01', { active: false }),
      entry('b', 'Ann Bay', '2026-01-02'),
      entry('c', 'Lee Ann', '2026-01-03'),
    ]);
    expect(idx.query({ ...base, search: 'ann lee' }).ids).toEqual(['c', 'a']);
    expect(idx.query({ ...base, search: 'ann', isActive: true }).ids).toEqual(['c', 'b']);
    expect(idx.query({ ...base, name: 'bay' }).ids).toEqual(['b']);
    expect(idx.query({ ...base, isActive: false })).toEqual({ ids: ['a'], total: 1 });
  });
});
