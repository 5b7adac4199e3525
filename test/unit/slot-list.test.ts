import { describe, expect, it } from 'vitest';
import { HOLE, SlotList, mergeSlots } from '../../src/main/customers/slot-list';
import { mulberry32 } from '../helpers/prng';

type E = { slot: number; key: number };
const byKey = (a: E, b: E) => a.key - b.key || a.slot - b.slot;

/** Entries by slot, as the search index keeps them; a slot's entry is replaced on a change. */
function table() {
  const bySlot: E[] = [];
  const list = new SlotList<E>(byKey, (slot) => bySlot[slot] as E);
  return { bySlot, list, keys: () => Array.from(list.array, (s) => (bySlot[s] as E).key) };
}

describe('SlotList', () => {
  it('keeps slots sorted by their entries through inserts, removes and moves, growing past its room', () => {
    const { bySlot, list, keys } = table();
    const rand = mulberry32(7);
    for (let slot = 0; slot < 500; slot++) list.insert((bySlot[slot] = { slot, key: Math.floor(rand() * 100) }));
    for (let i = 0; i < 2000; i++) {
      const slot = Math.floor(rand() * 500);
      const old = bySlot[slot] as E;
      // The slot holds its replacement before the list is told, as in the index.
      const fresh = (bySlot[slot] = { slot, key: rand() < 0.2 ? old.key : Math.floor(rand() * 100) });
      list.replace(old, fresh);
    }
    expect(list.size).toBe(500);
    expect(new Set(list.array).size).toBe(500);
    const ks = keys();
    expect(ks).toEqual([...ks].sort((a, b) => a - b));
    for (let slot = 0; slot < 500; slot += 2) expect(list.remove(bySlot[slot] as E)).toBeGreaterThanOrEqual(0);
    expect(list.size).toBe(250);
    expect(Array.from(list.array).every((s) => s % 2 === 1)).toBe(true);
  });

  it('finds a slot by the keys it was inserted with even once it holds its replacement, and a missing one not at all', () => {
    const { bySlot, list } = table();
    for (let slot = 0; slot < 9; slot++) list.insert((bySlot[slot] = { slot, key: slot * 10 }));
    const old = bySlot[4] as E;
    bySlot[4] = { slot: 4, key: 999 };
    expect(list.replace(old, bySlot[4] as E)).toBe(8);
    expect(Array.from(list.array)).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 4]);
    expect(list.remove({ slot: 4, key: 40 })).toBe(-1);
    expect(list.remove({ slot: 42, key: 50 })).toBe(-1);
    expect(list.size).toBe(9);
  });

  it('answers the position without moving when the keys did not change', () => {
    const { bySlot, list } = table();
    for (let slot = 0; slot < 5; slot++) list.insert((bySlot[slot] = { slot, key: slot }));
    const old = bySlot[2] as E;
    bySlot[2] = { slot: 2, key: 2 };
    expect(list.replace(old, bySlot[2] as E)).toBe(2);
    expect(Array.from(list.array)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('mergeSlots', () => {
  it('merges sorted slots with sorted entries in one pass, ties to the slots', () => {
    const bySlot: E[] = [0, 2, 4, 6].map((key, slot) => ({ slot, key }));
    const fresh = [1, 2, 7].map((key, i) => (bySlot[4 + i] = { slot: 4 + i, key }));
    const merged = mergeSlots(Int32Array.of(0, 1, 2, 3), fresh, (a, b) => a.key - b.key, (s) => bySlot[s] as E);
    expect(Array.from(merged, (s) => (bySlot[s] as E).key)).toEqual([0, 1, 2, 2, 4, 6, 7]);
    expect(Array.from(merged).slice(2, 4)).toEqual([1, 5]);
  });
});

describe('SlotList that leaves holes', () => {
  it('moves a saved entry to the end without closing the gap, finds and inserts past holes, and squeezes them out', () => {
    const bySlot: E[] = [];
    const list = new SlotList<E>(byKey, (slot) => bySlot[slot] as E, undefined, true);
    for (let slot = 0; slot < 200; slot++) list.insert((bySlot[slot] = { slot, key: slot * 10 }));
    // Saves: each moves its customer to the end, leaving a hole where it was.
    for (const [n, slot] of [5, 6, 7].entries()) {
      const old = bySlot[slot] as E;
      bySlot[slot] = { slot, key: 10_000 + n };
      expect(list.replace(old, bySlot[slot] as E)).toBe(200 + n);
    }
    expect(Array.from(list.array.subarray(4, 9))).toEqual([4, HOLE, HOLE, HOLE, 8]);
    expect(list.size).toBe(200);
    // Found and placed across the holes: one between 40 and 90 takes one of the holes between them.
    expect(list.remove(bySlot[8] as E)).toBe(8);
    bySlot[500] = { slot: 500, key: 45 };
    const at = list.insert(bySlot[500] as E);
    expect(at).toBeGreaterThanOrEqual(5);
    expect(at).toBeLessThanOrEqual(8);
    expect(Array.from(list.array.subarray(4, 10)).filter((s) => s !== HOLE)).toEqual([4, 500, 9]);
    expect(list.array.length).toBe(203);
    // Three holes left; squeezed out once past a sixteenth (203 places: 12), at the tenth removal more.
    let removed = 0;
    for (let slot = 20; Array.from(list.array).includes(HOLE); slot++, removed++) list.remove(bySlot[slot] as E);
    expect(removed).toBe(10);
    const keys = Array.from(list.array, (s) => (bySlot[s] as E).key);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(list.size).toBe(list.array.length);
  });

  it('keeps order and contents through random saves, removes and inserts', () => {
    const bySlot: E[] = [];
    const list = new SlotList<E>(byKey, (slot) => bySlot[slot] as E, undefined, true);
    const rand = mulberry32(11);
    const live = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const slot = Math.floor(rand() * 300);
      const old = bySlot[slot];
      const r = rand();
      if (old && live.has(slot) && r < 0.6) {
        const fresh = (bySlot[slot] = { slot, key: r < 0.45 ? 10_000 + i : Math.floor(rand() * 10_000) });
        list.replace(old, fresh);
      } else if (old && live.has(slot)) {
        expect(list.remove(old)).toBeGreaterThanOrEqual(0);
        live.delete(slot);
      } else {
        list.insert((bySlot[slot] = { slot, key: Math.floor(rand() * 10_000) }));
        live.add(slot);
      }
      const slots = Array.from(list.array).filter((s) => s !== HOLE);
      expect(slots.length).toBe(list.size);
      if (i % 50 === 0) {
        expect(new Set(slots)).toEqual(live);
        const keys = slots.map((s) => (bySlot[s] as E).key);
        expect(keys).toEqual([...keys].sort((a, b) => a - b));
      }
    }
  });
});

describe('SlotList that leaves holes, review 11', () => {
  const listOf = (n: number) => {
    const bySlot: E[] = [];
    const list = new SlotList<E>(byKey, (slot) => bySlot[slot] as E, undefined, true);
    for (let slot = 0; slot < n; slot++) list.insert((bySlot[slot] = { slot, key: slot }));
    return { bySlot, list, holes: () => Array.from(list.array).filter((s) => s === HOLE).length };
  };

  it('closes the gap near the end: a few customers saved in turn leave no block of holes to step over', () => {
    const { bySlot, list, holes } = listOf(5000);
    for (let i = 0; i < 200; i++) {
      const slot = 4997 + (i % 3);
      const old = bySlot[slot] as E;
      list.replace(old, (bySlot[slot] = { slot, key: 10_000 + i }));
    }
    expect(holes()).toBe(0);
    expect(list.size).toBe(5000);
  });

  it('leaves no holes at the end nor more than a sixteenth after removing the newest first', () => {
    const { bySlot, list, holes } = listOf(200);
    // Holes far from the end (older customers saved), then the newest removed one by one.
    for (let slot = 0; slot < 12; slot++) list.replace(bySlot[slot] as E, (bySlot[slot] = { slot, key: 1000 + slot }));
    for (let slot = 11; slot >= 0; slot--) list.remove(bySlot[slot] as E);
    for (let slot = 199; slot >= 20; slot--) {
      list.remove(bySlot[slot] as E);
      expect(list.array.at(-1)).not.toBe(HOLE);
      expect(holes()).toBeLessThanOrEqual(list.array.length >>> 4);
    }
    expect(list.size).toBe(8);
  });
});
