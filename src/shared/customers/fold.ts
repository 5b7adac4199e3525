/*
 * How typed text is compared with customers' names: the core's search index and the renderer's
 * highlight of what matched read it the same way, so a highlighted part is the part that was found.
 */

// Letters that NFD does not decompose into base + accent but that people type without one.
const EXTRA_FOLDS: Record<string, string> = { ø: 'o', ł: 'l', đ: 'd', ħ: 'h', ı: 'i', æ: 'ae', œ: 'oe', ß: 'ss', þ: 'th' };
const EXTRA_RE = new RegExp(`[${Object.keys(EXTRA_FOLDS).join('')}]`, 'g');

/** Case- and accent-folds text for matching: `Bénali` and `BENALI` both become `benali`. */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    // Marks go (accents), and so do invisible format characters (zero-width space and joiners):
    // a name is found as it looks.
    .replace(/[\p{M}\p{Cf}]/gu, '')
    .toLowerCase()
    .replace(EXTRA_RE, (c) => EXTRA_FOLDS[c] ?? c);
}

/**
 * Splits what was typed into the words that must all occur. A word that looks like part of a phone
 * number (`+212-6`, `06.12.34`) is reduced to its digits, since that is how phones are indexed.
 */
export function searchTokens(query: string): string[] {
  return foldText(query)
    .split(/[\s\p{Cc}]+/u)
    .map((w) => (/^[\d+()./-]+$/.test(w) && /\d/.test(w) ? w.replace(/\D/g, '') : w))
    .filter((w) => w.length > 0);
}
