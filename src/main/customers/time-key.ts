/*
 * A timestamp as a number that sorts as its string does, for the search index's columns: at
 * 1,000,000 customers a string per date was a million more objects for the garbage collector to
 * mark at every major collection. The index compares dates as strings (the store's ORDER BY does),
 * and only the app's own form, "YYYY-MM-DDTHH:MM:SS.sssZ" (toISOString()), maps to a number: its
 * fields, each below its range, read as one mixed-radix number, which orders exactly as the
 * fixed-width digits do. Any other form (a cloud's "…:00Z", a test's "2026-01-01") has no key and is
 * compared as its string.
 */

/** No key: the string is not in the app's own form. */
export const NO_KEY = -1;

// Each field's range after the year: month, day, hour, minute, second, millisecond.
const RADIX = [13, 32, 24, 60, 60, 1000] as const;
// Where each of those fields starts in the string, and its width.
const FIELDS = [
  [5, 2],
  [8, 2],
  [11, 2],
  [14, 2],
  [17, 2],
  [20, 3],
] as const;
const SEPARATORS: readonly [number, string][] = [
  [4, '-'],
  [7, '-'],
  [10, 'T'],
  [13, ':'],
  [16, ':'],
  [19, '.'],
  [23, 'Z'],
];

/** The key of a timestamp in the app's own form, or NO_KEY. */
export function timeKey(s: string): number {
  if (s.length !== 24) return NO_KEY;
  for (const [at, c] of SEPARATORS) if (s[at] !== c) return NO_KEY;
  let key = digits(s, 0, 4);
  if (key < 0) return NO_KEY;
  for (let f = 0; f < FIELDS.length; f++) {
    const [at, width] = FIELDS[f] as readonly [number, number];
    const v = digits(s, at, width);
    if (v < 0 || v >= (RADIX[f] as number)) return NO_KEY;
    key = key * (RADIX[f] as number) + v;
  }
  return key;
}

/** The string a key was made from. */
export function timeText(key: number): string {
  const parts: string[] = [];
  let rest = key;
  for (let f = RADIX.length - 1; f >= 0; f--) {
    const r = RADIX[f] as number;
    parts.unshift(String(rest % r).padStart((FIELDS[f] as readonly [number, number])[1], '0'));
    rest = Math.floor(rest / r);
  }
  const [mo, d, h, mi, s, ms] = parts;
  return `${String(rest).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`;
}

/** The number written by `width` ASCII digits at `at`, or -1. */
function digits(s: string, at: number, width: number): number {
  let v = 0;
  for (let i = at; i < at + width; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
