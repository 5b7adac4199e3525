/*
 * An owner's recovery code (issue 12 item 12): 20 characters of Crockford's base32 (100 random bits),
 * read aloud and typed back from paper, so grouped by five and forgiving of what people mistype: case,
 * spaces and dashes do not matter, O reads as 0, I and L as 1. Pure: the core makes the random part.
 */
export const RECOVERY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECOVERY_LENGTH = 20;
const GROUP = 5;

/** The code as typed, in the one form that is hashed and checked (null when it cannot be a code). */
export function normalizeRecoveryCode(typed: string): string | null {
  const plain = typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (plain.length !== RECOVERY_LENGTH) return null;
  return [...plain].every((c) => RECOVERY_ALPHABET.includes(c)) ? plain : null;
}

/** XXXXX-XXXXX-XXXXX-XXXXX, for reading, printing and the saved file. */
export function formatRecoveryCode(plain: string): string {
  const groups: string[] = [];
  for (let i = 0; i < plain.length; i += GROUP) groups.push(plain.slice(i, i + GROUP));
  return groups.join('-');
}
