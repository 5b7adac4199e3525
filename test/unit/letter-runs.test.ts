import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LetterRuns, isLetterWord } from '../../src/main/customers/letter-runs';
import { runNow } from '../../src/main/customers/slices';

/*
 * A word of letters is answered from the runs of letters holding it, never from the customers'
 * texts: whatever the texts and their changes, its customers must be exactly those whose text holds it.
 */

const naive = (texts: (string | null)[], word: string) => texts.flatMap((t, slot) => (t !== null && t.includes(word) ? [slot] : []));
const answer = (runs: LetterRuns, word: string, slots: number) => {
  const set = runs.matchSet(word, slots);
  const found = Array.from(set.slots());
  expect(found.length).toBe(set.count);
  return found;
};

const piece = fc.constantFrom('hass', 'hassan', 'elhassani', 'ben', 'benali', 'سارة', 'ouazzani', 'é', '7', '.', '@', ' ', '\n', 'example', 'com', 'a');
const text = fc.array(piece, { maxLength: 10 }).map((p) => p.join(''));
const word = fc.constantFrom('hass', 'hassa', 'assa', 'elha', 'bena', 'nali', 'سارة', 'ouaz', 'exam', 'ample', 'zzzz', 'hassanelh');

describe('runs of letters', () => {
  it('answer only words of four letters or more', () => {
    expect(['hass', 'سارة', 'élise'].every(isLetterWord)).toBe(true);
    expect(['has', 'ha7s', 'a.be', '0612', 'ab cd'].some(isLetterWord)).toBe(false);
  });

  it('give exactly the customers whose text holds the word, through adds, changes and removes', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 40 }), fc.array(fc.tuple(fc.nat(39), fc.option(text)), { maxLength: 60 }), word, (initial, changes, w) => {
        const texts: (string | null)[] = [...initial];
        const runs = new LetterRuns();
        runNow(runs.buildSteps((slot) => texts[slot] as string, texts.length));
        expect(answer(runs, w, texts.length)).toEqual(naive(texts, w));
        for (const [at, next] of changes) {
          const slot = at % texts.length;
          const old = texts[slot] as string | null;
          if (next === null) {
            if (old !== null) runs.remove(slot, old);
          } else runs.replace(slot, old, next);
          texts[slot] = next;
          expect(answer(runs, w, texts.length)).toEqual(naive(texts, w));
        }
        runNow(runs.trimSteps(texts.length));
        expect(answer(runs, w, texts.length)).toEqual(naive(texts, w));
      }),
      { numRuns: 500 },
    );
  });

  it('joins the lists of every run holding the word, a bitset list among them', () => {
    const texts = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? `hassan x${i}@example.com` : i % 3 === 1 ? `elhassani y${i}@example.com` : `benali z${i}@mail.com`));
    const runs = new LetterRuns();
    runNow(runs.buildSteps((slot) => texts[slot] as string, texts.length));
    expect(answer(runs, 'hass', texts.length)).toEqual(naive(texts, 'hass'));
    expect(answer(runs, 'exam', texts.length)).toEqual(naive(texts, 'exam'));
    expect(runs.matchSet('example', texts.length).count).toBe(2000);
  });
});
