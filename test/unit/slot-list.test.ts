import { describe, expect, it } from 'vitest';
import { HOLE, SlotList, mergeSlots } from '../../src/main/customers/slot-list';
import { mulberry32 } from '../helpers/prng';

/**
 * Slots with a key each, as the index's columns hold them: a save finds its slot by the old key,
 * changes the key, then settles it (save()).
 */
function table(leavesHoles = false) {
  const key: number[] = [];
  const list = new SlotList((a, b) => (key[a] as number) - (key[b] as number) || a - b, undefined, leavesHoles);
  const add = (slot: number, k: number) => {
    key[slot] = k;
    return list.insert(slot);
  };
  const save = (slot: number, k: number) => {
    const at = list.find(slot);
    key[slot] = k;
    return list.settle(at);
  };
  const keys = () => Array.from(list.array).filter((s) => s !== HOLE).map((s) => key[s] as number);
  return { key, list, add, save, keys };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('SlotList', () => {
  it('keeps slots sorted by their keys through inserts, removes and saves, growing past its room', () => {
    const { list, add, save, keys } = table();
    const rand = mulberry32(7);
    for (let slot = 0; slot < 500; slot++) add(slot, Math.floor(rand() * 100));
    for (let i = 0; i < 2000; i++) save(Math.floor(rand() * 500), rand() < 0.2 ? -1 : Math.floor(rand() * 100));
    expect(list.size).toBe(500);
    expect(new Set(list.array).size).toBe(500);
    expect(keys()).toEqual(sorted(keys()));
    for (let slot = 0; slot < 500; slot += 2) expect(list.remove(slot)).toBeGreaterThanOrEqual(0);
    expect(list.size).toBe(250);
    expect(Array.from(list.array).every((s) => s % 2 === 1)).toBe(true);
  });

  it('finds a slot by its key as it is, and a missing one not at all', () => {
    const { list, add, save } = table();
    for (let slot = 0; slot < 9; slot++) add(slot, slot * 10);
    expect(save(4, 999)).toBe(8);
    expect(Array.from(list.array)).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 4]);
    expect(list.find(4)).toBe(8);
    expect(list.find(42)).toBe(-1);
    expect(list.remove(42)).toBe(-1);
    expect(list.size).toBe(9);
  });

  it('leaves a saved slot where it is when it still sorts there', () => {
    const { list, add, save } = table();
    for (let slot = 0; slot < 5; slot++) add(slot, slot * 10);
    expect(save(2, 25)).toBe(2);
    expect(save(0, -5)).toBe(0);
    expect(save(4, 1000)).toBe(4);
    expect(Array.from(list.array)).toEqual([0, 1, 2, 3, 4]);
    expect(save(2, 35)).toBe(3);
    expect(Array.from(list.array)).toEqual([0, 1, 3, 2, 4]);
  });
});

describe('mergeSlots', () => {
  it('merges two sorted lists of slots in one pass, ties to the first', () => {
    const key = [0, 2, 4, 6, 1, 2, 7];
    const merged = mergeSlots(Int32Array.of(0, 1, 2, 3), Int32Array.of(4, 5, 6), (a, b) => (key[a] as number) - (key[b] as number));
    expect(Array.from(merged, (s) => key[s])).toEqual([0, 1, 2, 2, 4, 6, 7]);
    expect(Array.from(merged).slice(2, 4)).toEqual([1, 5]);
  });
});

describe('SlotList that leaves holes', () => {
  it('moves a saved slot to the end without closing the gap, finds and inserts past holes, and squeezes them out', () => {
    const { key, list, add, save, keys } = table(true);
    for (let slot = 0; slot < 200; slot++) add(slot, slot * 10);
    // Saves: each moves its customer to the end, leaving a hole where it was.
    for (const [n, slot] of [5, 6, 7].entries()) expect(save(slot, 10_000 + n)).toBe(200 + n);
    expect(Array.from(list.array.subarray(4, 9))).toEqual([4, HOLE, HOLE, HOLE, 8]);
    expect(list.size).toBe(200);
    // Found and placed across the holes: one between 40 and 90 takes one of the holes between them.
    expect(list.remove(8)).toBe(8);
    const at = add(500, 45);
    expect(at).toBeGreaterThanOrEqual(5);
    expect(at).toBeLessThanOrEqual(8);
    expect(Array.from(list.array.subarray(4, 10)).filter((s) => s !== HOLE)).toEqual([4, 500, 9]);
    expect(list.array.length).toBe(203);
    // Three holes left; squeezed out once past a sixteenth (203 places: 12), at the tenth removal more.
    let removed = 0;
    for (let slot = 20; Array.from(list.array).includes(HOLE); slot++, removed++) list.remove(slot);
    expect(removed).toBe(10);
    expect(keys()).toEqual(sorted(keys()));
    expect(list.size).toBe(list.array.length);
    expect(key[500]).toBe(45);
  });

  it('keeps order and contents through random saves, removes and inserts', () => {
    const { list, add, save, keys } = table(true);
    const rand = mulberry32(11);
    const live = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const slot = Math.floor(rand() * 300);
      const r = rand();
      if (live.has(slot) && r < 0.6) save(slot, r < 0.45 ? 10_000 + i : Math.floor(rand() * 10_000));
      else if (live.has(slot)) {
        expect(list.remove(slot)).toBeGreaterThanOrEqual(0);
        live.delete(slot);
      } else {
        add(slot, Math.floor(rand() * 10_000));
        live.add(slot);
      }
      const slots = Array.from(list.array).filter((s) => s !== HOLE);
      expect(slots.length).toBe(list.size);
      if (i % 50 === 0) {
        expect(new Set(slots)).toEqual(live);
        expect(keys()).toEqual(sorted(keys()));
      }
    }
  });
});

describe('SlotList that leaves holes, review 11', () => {
  const listOf = (n: number) => {
    const t = table(true);
    for (let slot = 0; slot < n; slot++) t.add(slot, slot);
    return { ...t, holes: () => Array.from(t.list.array).filter((s) => s === HOLE).length };
  };

  it('closes the gap near the end: a few customers saved in turn leave no block of holes to step over', () => {
    const { list, save, holes } = listOf(5000);
    for (let i = 0; i < 200; i++) save(4997 + (i % 3), 10_000 + i);
    expect(holes()).toBe(0);
    expect(list.size).toBe(5000);
  });

  it('leaves no holes at the end nor more than a sixteenth after removing the newest first', () => {
    const { list, save, holes } = listOf(200);
    // Holes far from the end (older customers saved), then the newest removed one by one.
    for (let slot = 0; slot < 12; slot++) save(slot, 1000 + slot);
    for (let slot = 11; slot >= 0; slot--) list.remove(slot);
    for (let slot = 199; slot >= 20; slot--) {
      list.remove(slot);
      expect(list.array.at(-1)).not.toBe(HOLE);
      expect(holes()).toBeLessThanOrEqual(list.array.length >>> 4);
    }
    expect(list.size).toBe(8);
  });
});
