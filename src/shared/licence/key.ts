/**
 * Licence keys (cloud-api.md, seed 002): `XXXX-XXXX-XXXX-XXXX`, 16 symbols of Crockford base32. The
 * first 15 carry data; the 16th is a check symbol `(Σ (2i+1)·v_i) mod 32`. The weights are odd, so
 * they are invertible mod 32 and any single mistyped symbol changes the sum: caught before any call.
 */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DATA_SYMBOLS = 15;

export type KeyCheck =
  | { ok: true; key: string }
  | { ok: false; code: 'licence.keyLength' | 'licence.keySymbol' | 'licence.keyCheck'; message: string };

/** Upper-cases, reads the ambiguous letters as digits (O→0, I/L→1), drops spaces and dashes. */
export function normaliseKey(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

export function checkSymbol(data: string): string {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += (2 * i + 1) * CROCKFORD.indexOf(data[i]!);
  return CROCKFORD[sum % 32]!;
}

/** `XXXXXXXXXXXXXXXX` → `XXXX-XXXX-XXXX-XXXX`. */
export function formatKey(symbols: string): string {
  return symbols.match(/.{1,4}/g)?.join('-') ?? symbols;
}

/** Checks a typed key locally; on success `key` is the canonical `XXXX-XXXX-XXXX-XXXX` form. */
export function checkKey(input: string): KeyCheck {
  const symbols = normaliseKey(input);
  if (symbols.length !== DATA_SYMBOLS + 1) {
    return { ok: false, code: 'licence.keyLength', message: `A licence key has 16 characters (XXXX-XXXX-XXXX-XXXX); this one has ${symbols.length}` };
  }
  const bad = [...symbols].find((s) => !CROCKFORD.includes(s));
  if (bad !== undefined) {
    return { ok: false, code: 'licence.keySymbol', message: `"${bad}" cannot appear in a licence key (letters U and special characters are never used)` };
  }
  if (checkSymbol(symbols.slice(0, DATA_SYMBOLS)) !== symbols[DATA_SYMBOLS]) {
    return { ok: false, code: 'licence.keyCheck', message: 'This licence key has a typo: please check each character again' };
  }
  return { ok: true, key: formatKey(symbols) };
}

/** Makes a valid key from 15 data symbols (the licence server's side, and tests). */
export function keyFromData(data: string): string {
  return formatKey(data + checkSymbol(data));
}

/** Shows a key without giving it away: `XXXX-…-…-WXYZ` keeps the last group only. */
export function maskKey(key: string): string {
  return `****-****-****-${key.slice(-4)}`;
}
