import { describe, expect, it } from 'vitest';
import { nameKey, phoneDigits, samePhone } from '../../src/main/customers/duplicates';

describe('the duplicate rules', () => {
  it('compares phones by their digits, a national form matching its international one', () => {
    expect(phoneDigits('+212 (6) 12-34.56.78')).toBe('212612345678');
    expect(phoneDigits('00212 612 345 678')).toBe('212612345678');
    expect(samePhone('06 12 34 56 78', '+212612345678')).toBe(true);
    expect(samePhone('0612345678', '612345678')).toBe(true);
    expect(samePhone('0612345678', '0612345679')).toBe(false);
    // Short numbers match only whole: 555-0199 is not the tail of every number ending so.
    expect(samePhone('555 0199', '+1 555 0199')).toBe(false);
    expect(samePhone('12345', '12345')).toBe(false);
    // A "country code" of more than 3 digits is another number.
    expect(samePhone('12345612345678', '0612345678')).toBe(false);
  });

  it('keys names without accents, case or order', () => {
    expect(nameKey('Leïla', 'ALAOUI')).toBe(nameKey('alaoui', 'leila'));
    expect(nameKey('Marie-Claire', "D'Arc")).toBe(nameKey('d arc', 'marie claire'));
    expect(nameKey('Leila', 'Alaoui')).not.toBe(nameKey('Leila', 'Alami'));
  });
});
