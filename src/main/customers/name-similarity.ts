import { foldText } from './fold';

/*
 * Whether two people's names are alike enough to be one person mistyped (issue 13, item 3): accents,
 * case and the order of first and last name ignored, and a small edit distance allowed. Pure.
 */

export type NameLikeness = 'same' | 'similar' | null;

/** A name's words folded: `Marie-Claire D'Arc` is `marie claire d arc`. */
function words(firstName: string, lastName: string): string[] {
  return foldText(`${firstName} ${lastName}`)
    .split(/[\s'’.-]+/u)
    .filter((w) => w.length > 0);
}

/** Levenshtein distance, giving up (Infinity) once it exceeds `max`: only small distances matter. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      if (v < best) best = v;
    }
    if (best > max) return Infinity;
    prev = row;
  }
  return prev[b.length]! <= max ? prev[b.length]! : Infinity;
}

/** How many typing slips a name of this length may hold and still be the same person's. */
function allowedSlips(length: number): number {
  return length >= 12 ? 2 : length >= 5 ? 1 : 0;
}

/** A name's words, folded once and put in the orders compared (a pair search compares each customer with several). */
export interface NameWords {
  /** First then last name's words, run together. */
  joined: string;
  /** Last then first. */
  swapped: string;
  /** The words in alphabetical order, run together, and spaced (the "same name" key). */
  sorted: string;
  key: string;
}

export function nameWords(n: { firstName: string; lastName: string }): NameWords {
  const first = words(n.firstName, '');
  const last = words(n.lastName, '');
  const all = [...first, ...last].sort();
  return { joined: [...first, ...last].join(''), swapped: [...last, ...first].join(''), sorted: all.join(''), key: all.join(' ') };
}

/**
 * `same` when the names are the same words in any order, `similar` within a slip or two (one per
 * 5–11 letters, two from 12), else null. Both orders of the second name are tried, and the words
 * sorted, so a slip never hides behind the order.
 */
export function nameLikeness(a: { firstName: string; lastName: string }, b: { firstName: string; lastName: string }): NameLikeness {
  return likenessOfWords(nameWords(a), nameWords(b));
}

export function likenessOfWords(a: NameWords, b: NameWords): NameLikeness {
  if (a.joined === '' || b.joined === '') return null;
  if (a.key === b.key) return 'same';
  const max = allowedSlips(Math.max(a.joined.length, b.joined.length));
  if (max === 0 || Math.abs(a.joined.length - b.joined.length) > max) return null;
  const close = editDistance(a.joined, b.joined, max) <= max || editDistance(a.joined, b.swapped, max) <= max || editDistance(a.sorted, b.sorted, max) <= max;
  return close ? 'similar' : null;
}
