import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { confirmProblemSoFar } from './validation';

const t = ((key: string) => key) as unknown as TFunction;
const MISMATCH = 'account.errors.passwordMismatch';

describe('the password confirmation (issue 12 item 11)', () => {
  it('says the mismatch while typing as soon as the confirmation stops being the start of the password, however short', () => {
    expect(confirmProblemSoFar('abc', 'abd', false, t)).toBe(MISMATCH);
    expect(confirmProblemSoFar('short', 'x', false, t)).toBe(MISMATCH);
    expect(confirmProblemSoFar('a-long-password', 'a-long', false, t)).toBeNull();
    expect(confirmProblemSoFar('a-long-password', '', false, t)).toBeNull();
  });

  it('once typed (field left, form sent), says it whenever the two differ, a short password included', () => {
    expect(confirmProblemSoFar('a-long-password', 'a-long', true, t)).toBe(MISMATCH);
    expect(confirmProblemSoFar('short', 'shorter', true, t)).toBe(MISMATCH);
    expect(confirmProblemSoFar('abc', '', true, t)).toBe(MISMATCH);
    expect(confirmProblemSoFar('a-long-password', 'a-long-password', true, t)).toBeNull();
  });
});
