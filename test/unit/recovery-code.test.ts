import { describe, expect, it } from 'vitest';
import { newRecoveryCode } from '../../src/main/staff/secrets';
import { RECOVERY_ALPHABET, RECOVERY_LENGTH, formatRecoveryCode, normalizeRecoveryCode } from '../../src/shared/staff/recovery-code';

describe('the owner recovery code (issue 12 item 12)', () => {
  it('is 20 symbols of Crockford base32 (100 bits), different each time, every symbol used', () => {
    const codes = Array.from({ length: 2_000 }, () => newRecoveryCode());
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(new RegExp(`^[${RECOVERY_ALPHABET}]{${RECOVERY_LENGTH}}$`));
    expect(new Set(codes.join('')).size).toBe(32);
  });

  it('is shown grouped by five and read back as typed: case, spaces, dashes, O for 0, I and L for 1', () => {
    const plain = '0123456789ABCDEFGHJK';
    expect(formatRecoveryCode(plain)).toBe('01234-56789-ABCDE-FGHJK');
    expect(normalizeRecoveryCode('01234-56789-ABCDE-FGHJK')).toBe(plain);
    expect(normalizeRecoveryCode(' o1234 56789 abcde fghjk ')).toBe(plain);
    expect(normalizeRecoveryCode('0I234-56789-ABCDE-FGHJK')).toBe(plain);
    expect(normalizeRecoveryCode('0l234-56789-ABCDE-FGHJK')).toBe(plain);
  });

  it('is refused when it cannot be a code: too short, too long, a letter not in the alphabet', () => {
    expect(normalizeRecoveryCode('01234-56789-ABCDE-FGHJ')).toBeNull();
    expect(normalizeRecoveryCode('01234-56789-ABCDE-FGHJKM')).toBeNull();
    expect(normalizeRecoveryCode('01234-56789-ABCDE-FGHJU')).toBeNull();
    expect(normalizeRecoveryCode('')).toBeNull();
  });
});
