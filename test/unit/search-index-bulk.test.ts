import { describe, expect, it } from 'vitest';
import { searchTextOf } from '../../src/main/customers/fold';
import type { IndexEntry } from '../../src/main/customers/index-columns';
import { CustomerSearchIndex } from '../../src/main/customers/search-index';
import { indexEntry } from '../../src/main/customers/records';

/*
 * An import's batch reaches the search index at once: added by one rebuild, and, undone, removed by
 * one rebuild too (the same index as removing them one by one, without a splice per list per customer).
 */

function person(i: number): IndexEntry {
  const id = `c${String(i).padStart(5, '0')}`;
  const search_text = searchTextOf({ firstName: `Prenom${i}`, lastName: i % 2 === 0 ? 'Alaoui' : 'Tazi', email: `${id}@example.com`, phoneNumber: `06${String(10000000 + i)}` });
  return indexEntry({ id, first_name: `Prenom${i}`, search_text, is_active: 1, created_at: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`, updated_at: '2026-01-02T00:00:00.000Z' });
}

describe('many customers at once', () => {
  it('removes a batch as removing them one by one would', () => {
    const all = Array.from({ length: 3000 }, (_, i) => person(i));
    const bulk = new CustomerSearchIndex(all);
    const single = new CustomerSearchIndex(all);
    const gone = all.filter((_, i) => i % 3 !== 0).map((e) => e.id);
    bulk.remove(gone);
    for (const id of gone) single.remove([id]);
    expect(bulk.size).toBe(1000);
    for (const q of [{ search: 'alaoui' }, { search: 'prenom12' }, { search: '0610000' }, {}, { sortBy: 'name' as const }]) {
      const query = { page: 1, limit: 50, sortOrder: 'desc' as const, ...q };
      expect(bulk.query(query)).toEqual(single.query(query));
    }
    expect(bulk.query({ search: 'prenom1', page: 1, limit: 100, sortOrder: 'desc' }).ids).not.toContain('c00001');
  });

  it('gives a list most customers had its sorted form back once most are removed (a bitset is a bit per slot of the store)', () => {
    const all = Array.from({ length: 3200 }, (_, i) => person(i));
    const index = new CustomerSearchIndex(all);
    const bitsOf = (gram: string) => (index as unknown as { grams: { listsOf(w: string[]): { lists: { bits: Uint32Array | null }[] } } }).grams.listsOf([gram]).lists[0]!.bits;
    expect(bitsOf('a')).not.toBeNull();
    index.remove(all.slice(10).map((e) => e.id));
    expect(bitsOf('a')).toBeNull();
    expect(index.query({ search: 'a', page: 1, limit: 50, sortOrder: 'desc' }).total).toBe(all.slice(0, 10).filter((e) => e.text.includes('a')).length);
  });
});

describe('many customers added or changed at once', () => {
  const queries = [{ search: 'alaoui' }, { search: 'prenom12' }, { search: 'prenom4' }, { search: '0610000' }, { search: 'a' }, { search: 'zi pren' }, {}, { sortBy: 'name' as const }, { sortBy: 'updatedAt' as const, page: 3 }];
  const renamed = (e: IndexEntry, i: number) => {
    const search_text = searchTextOf({ firstName: `Nouveau${i}`, lastName: 'Zitouni', email: `${e.id}@example.org`, phoneNumber: '' });
    return indexEntry({ id: e.id, first_name: `Nouveau${i}`, search_text, is_active: 1, created_at: e.createdAt, updated_at: `2026-03-01T00:00:${String(i % 60).padStart(2, '0')}.000Z` });
  };

  it.each([
    ['a few among many: the gram lists changed in place', 6000, 1200],
    ['as many as the store: the gram lists rebuilt at their sizes', 1500, 3000],
  ])('%s, as one by one would', (_, size, changes) => {
    const all = Array.from({ length: size }, (_, i) => person(i));
    const bulk = new CustomerSearchIndex(all);
    const single = new CustomerSearchIndex(all);
    // Half renamed customers already here, half new ones.
    const changed = [...all.slice(0, changes / 2).map(renamed), ...Array.from({ length: changes / 2 }, (_, i) => person(size + i))];
    bulk.upsert(changed);
    for (const e of changed) single.upsert([e]);
    expect(bulk.size).toBe(single.size);
    for (const q of queries) {
      const query = { page: 1, limit: 50, sortOrder: 'desc' as const, ...q };
      expect(bulk.query(query), JSON.stringify(q)).toEqual(single.query(query));
    }
    expect(bulk.query({ search: 'nouveau1', page: 1, limit: 5, sortOrder: 'desc' }).total).toBeGreaterThan(0);
  });
});
