import { expect, it } from 'vitest';
import { IdMap } from '../../src/main/customers/id-map';

it('keeps ids of any shape, counting each once however often it is set', () => {
  const map = new IdMap<number>();
  const ids = ['a', 'ab', '0', '', 'same-end-1', 'other-end-1', '018f2c1e-7b7a-7c3e-9f00-000000000001', 'é', '🙂'];
  ids.forEach((id, i) => map.set(id, i));
  ids.forEach((id, i) => map.set(id, i * 10)); // replaced, not added
  expect(map.size).toBe(ids.length);
  ids.forEach((id, i) => expect(map.get(id)).toBe(i * 10));
  expect(map.get('missing')).toBeUndefined();
  expect(map.delete('missing')).toBe(false);
  expect(map.delete('ab')).toBe(true);
  expect(map.delete('ab')).toBe(false);
  expect(map.size).toBe(ids.length - 1);
  map.clear();
  expect(map.size).toBe(0);
  expect(map.get('a')).toBeUndefined();
});

it('spreads UUIDs over its shards, so no one shard grows to most of the store', () => {
  const map = new IdMap<number>();
  for (let i = 0; i < 32_000; i++) map.set(crypto.randomUUID(), i);
  const shards = (map as unknown as { shards: Map<string, number>[] }).shards.map((s) => s.size);
  expect(shards.reduce((a, b) => a + b, 0)).toBe(32_000);
  // Even: 1,000 each; none over twice that.
  expect(Math.max(...shards)).toBeLessThan(2000);
});

it('spreads ids that share their last characters, or count up (review 8: 1 shard of 32 for 10,000 of them)', () => {
  for (const idOf of [(i: number) => `${i}-abc`, (i: number) => `cust_${String(i).padStart(6, '0')}`]) {
    const map = new IdMap<number>();
    for (let i = 0; i < 10_000; i++) map.set(idOf(i), i);
    const used = (map as unknown as { shards: Map<string, number>[] }).shards.filter((s) => s.size > 0).length;
    expect(used).toBeGreaterThanOrEqual(16);
  }
});
