import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GramPostings } from '../../src/main/customers/gram-postings';
import { runNow } from '../../src/main/customers/slices';

/*
 * The gram lists against the slow way (includes() on every text), through builds, adds, removes,
 * replaces and trims: a list crosses between its sorted and its bitset form as customers come and
 * go, and must give the same slots in either.
 */

// Few letters, so some grams are in nearly every text (bitsets) and some in a few (sorted lists).
const letter = fc.constantFrom('a', 'a', 'a', 'b', 'c', 'é', '1', '@', '.');
const text = fc.array(fc.oneof(letter, fc.constant(' ')), { maxLength: 12 }).map((cs) => cs.join(''));
const word = fc.array(letter, { minLength: 1, maxLength: 4 }).map((cs) => cs.join(''));
const step = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), slot: fc.nat({ max: 299 }), text }),
  fc.record({ kind: fc.constant('remove' as const), slot: fc.nat({ max: 299 }) }),
  fc.record({ kind: fc.constant('trim' as const) }),
);

function slowMatches(texts: Map<number, string>, words: readonly string[]): number[] {
  return [...texts].filter(([, t]) => words.every((w) => t.includes(w))).map(([slot]) => slot).sort((a, b) => a - b);
}

function fastMatches(grams: GramPostings, texts: Map<number, string>, words: readonly string[]): number[] {
  const found = grams.candidates(words);
  if (!found) {
    expect(grams.exactMatches(words)?.count).toBe(0);
    return [];
  }
  const slots = [...found.slots];
  // A search is counted without its slots read out when they would be its matches.
  const exact = grams.exactMatches(words);
  expect(exact === null).toBe(!found.exact);
  if (exact) {
    expect(exact.count).toBe(slots.length);
    expect([...exact.slots()]).toEqual(slots);
    if (exact.bits) expect(slots.every((s) => ((exact.bits![s >>> 5] ?? 0) & (1 << (s & 31))) !== 0)).toBe(true);
  }
  expect(slots).toEqual([...slots].sort((a, b) => a - b));
  expect(new Set(slots).size).toBe(slots.length);
  return found.exact ? slots : slots.filter((s) => words.every((w) => (texts.get(s) ?? '').includes(w)));
}

describe('GramPostings (property)', () => {
  it('finds and counts exactly the texts holding every word, its lists sorted or bitsets, through any changes', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 300 }), fc.array(step, { maxLength: 60 }), fc.array(fc.array(word, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 8 }), (start, steps, queries) => {
        const grams = new GramPostings();
        runNow(grams.buildSteps((slot) => start[slot] as string, start.length));
        const texts = new Map(start.map((t, slot) => [slot, t]));
        let slotCount = start.length;
        for (const s of steps) {
          if (s.kind === 'set') {
            grams.replace(s.slot, texts.get(s.slot) ?? null, s.text);
            texts.set(s.slot, s.text);
            slotCount = Math.max(slotCount, s.slot + 1);
          } else if (s.kind === 'remove') {
            const old = texts.get(s.slot);
            if (old !== undefined) grams.remove(s.slot, old);
            texts.delete(s.slot);
          } else runNow(grams.trimSteps(slotCount));
        }
        for (const words of queries) expect(fastMatches(grams, texts, words)).toEqual(slowMatches(texts, words));
      }),
      { numRuns: 400 },
    );
  });

  it('keeps a gram most texts have as a bitset, and a rare one as a sorted list', () => {
    const texts = Array.from({ length: 3200 }, (_, i) => `ab${i % 100 === 0 ? ' zq' : ''}`);
    const grams = new GramPostings();
    runNow(grams.buildSteps((slot) => texts[slot] as string, texts.length));
    const lists = grams as unknown as { short: ({ bits: Uint32Array | null; n: number }[] | undefined)[] };
    const all = lists.short.flatMap((row) => (row ?? []).filter(Boolean));
    const dense = all.filter((p) => p.bits !== null);
    expect(dense.map((p) => p.n).sort()).toEqual([3200, 3200, 3200]); // a, b, ab
    expect(all.filter((p) => p.bits === null).map((p) => p.n)).toEqual([32, 32, 32]); // z, q, zq
    expect(grams.candidates(['zq'])?.slots).toEqual(Int32Array.from({ length: 32 }, (_, i) => i * 100));
  });
});
