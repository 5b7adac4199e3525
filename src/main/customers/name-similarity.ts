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

/**
 * `same` when the names are the same words in any order, `similar` within a slip or two (one per
 * 5–11 letters, two from 12), else null. Both orders of the second name are tried, so a slip never
 * hides behind sorting.
 */
export function nameLikeness(a: { firstName: string; lastName: string }, b: { firstName: string; lastName: string }): NameLikeness {
  const wa = words(a.firstName, a.lastName);
  const wb = words(b.firstName, b.lastName);
  if (wa.length === 0 || wb.length === 0) return null;
  if ([...wa].sort().join(' ') === [...wb].sort().join(' ')) return 'same';
  const x = wa.join('');
  const max = allowedSlips(Math.max(x.length, wb.join('').length));
  if (max === 0) return null;
  const orders = [wb.join(''), [...words(b.lastName, ''), ...words(b.firstName, '')].join(''), [...wb].sort().join('')];
  const sortedA = [...wa].sort().join('');
  const close = orders.some((y) => editDistance(x, y, max) <= max) || editDistance(sortedA, orders[2]!, max) <= max;
  return close ? 'similar' : null;
}
