import { westernDigits } from '../western-digits';
/*
 * How typed text is compared with customers' names: the core's search index and the renderer's
 * highlight of what matched read it the same way, so a highlighted part is the part that was found.
 */

// Letters that NFD does not decompose into base + accent but that people type without one.
const EXTRA_FOLDS: Record<string, string> = { ø: 'o', ł: 'l', đ: 'd', ħ: 'h', ı: 'i', æ: 'ae', œ: 'oe', ß: 'ss', þ: 'th' };
const EXTRA_RE = new RegExp(`[${Object.keys(EXTRA_FOLDS).join('')}]`, 'g');

/** Case- and accent-folds text for matching: `Bénali` and `BENALI` both become `benali`; `٠٦` is `06`. */
export function foldText(s: string): string {
  // Arabic-Indic digits first: one UTF-16 unit each, so the highlight's positions stay.
  return westernDigits(s)
    .normalize('NFD')
    // Marks go (accents), and so do invisible format characters (zero-width space and joiners):
    // a name is found as it looks.
    .replace(/[\p{M}\p{Cf}]/gu, '')
    .toLowerCase()
    .replace(EXTRA_RE, (c) => EXTRA_FOLDS[c] ?? c);
}

/** A query that is a whole phone number: digits and separators only, and at least this many digits. */
const PHONE_QUERY = /^[\d\s+()./-]+$/;
const MIN_PHONE_DIGITS = 6;

/**
 * A phone number typed whole, as one word of its digits: `06 12 33 61 05` is `0612336105`. Its
 * national trunk 0 (or the international 00) goes, so it is found in a number stored with its
 * country code too (+212 612…): the index holds a phone's digits.
 */
function phoneToken(folded: string): string | null {
  if (!PHONE_QUERY.test(folded)) return null;
  // "+212 (0)6 61…": the bracketed trunk 0 is not dialled after a country code.
  const digits = folded.replace('(0)', '').replace(/\D/g, '');
  if (digits.length < MIN_PHONE_DIGITS) return null;
  return digits.startsWith('00') ? digits.slice(2) : digits.replace(/^0/, '');
}

/**
 * Splits what was typed into the words that must all occur. A word that looks like part of a phone
 * number (`+212-6`, `06.12.34`) is reduced to its digits, since that is how phones are indexed.
 */
export function searchTokens(query: string): string[] {
  const phone = phoneToken(foldText(query).trim());
  if (phone) return [phone];
  const words = foldText(query)
    .split(/[\s\p{Cc}]+/u)
    .map((w) => (/^[\d+()./-]+$/.test(w) && /\d/.test(w) ? w.replace(/\D/g, '') : w))
    // "el-fassi" as two words, so it finds El Fassi and El-Fassi alike (review 13); a phone's hyphens went above.
    .flatMap((w) => w.split(/(?<=\p{L})-+(?=\p{L})/u))
    // …and one after letters at a word's end is the next word still being typed: "el-" asks what "el" does.
    .map((w) => w.replace(/(?<=\p{L})-+$/u, ''))
    .filter((w) => w.length > 0);
  // Once each: a word twice asks nothing more, and each is ranked per match (a pasted "a a a …" of
  // 100 words held the host ~250 ms at 100,000 customers; review 13).
  return [...new Set(words)];
}
