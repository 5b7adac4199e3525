import { foldText, searchTokens } from '../../../shared/customers/fold';

/** A run of a shown value, and whether it is part of what the search found there. */
export type Piece = { text: string; match: boolean };

/**
 * Splits a shown value (a name, an email, a phone number) into pieces, marking where the typed words
 * were found, read as the core's search reads them (shared/customers/fold.ts): accents and case
 * folded, and for a phone its digits only, so "661000" marks "661 000" in "+212 661 000 111". Each
 * word marks its first occurrence at the start of a word, else its first one, as search ranks them.
 */
export function highlight(value: string, search: string, kind: 'text' | 'phone' = 'text'): Piece[] {
  const words = searchTokens(search);
  if (words.length === 0 || value === '') return [{ text: value, match: false }];
  // The folded value, and for each of its characters where it came from in the shown one.
  let folded = '';
  const from: number[] = [];
  const to: number[] = [];
  let at = 0;
  for (const ch of value) {
    const f = kind === 'phone' ? (/\d/.test(ch) ? ch : '') : foldText(ch);
    for (let i = 0; i < f.length; i++) {
      from.push(at);
      to.push(at + ch.length);
    }
    folded += f;
    at += ch.length;
  }
  const marked = new Uint8Array(value.length);
  for (const word of words) {
    const p = bestOccurrence(folded, word, kind);
    if (p === -1) continue;
    for (let i = from[p] as number; i < (to[p + word.length - 1] as number); i++) marked[i] = 1;
  }
  return piecesOf(value, marked);
}

function bestOccurrence(folded: string, word: string, kind: 'text' | 'phone'): number {
  const first = folded.indexOf(word);
  // A phone's digits are one word: only its very start is a prefix.
  if (kind === 'phone' || first <= 0) return first;
  for (let p = first; p !== -1; p = folded.indexOf(word, p + 1)) {
    if (!/[\p{L}\p{N}]/u.test(folded[p - 1] ?? '')) return p;
  }
  return first;
}

function piecesOf(value: string, marked: Uint8Array): Piece[] {
  const pieces: Piece[] = [];
  let start = 0;
  for (let i = 1; i <= value.length; i++) {
    if (i === value.length || marked[i] !== marked[start]) {
      pieces.push({ text: value.slice(start, i), match: marked[start] === 1 });
      start = i;
    }
  }
  return pieces;
}
