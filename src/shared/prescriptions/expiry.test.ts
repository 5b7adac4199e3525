import { describe, expect, it } from 'vitest';
import { defaultExpiry } from './expiry';

const months = { spectacles: 24, contacts: 12 };

describe("a new prescription's default expiry", () => {
  it('is the exam date plus the store’s months for its kind', () => {
    expect(defaultExpiry('2026-11-01', 'spectacles', months)).toBe('2028-11-01');
    expect(defaultExpiry('2026-11-01', 'contacts', months)).toBe('2027-11-01');
    expect(defaultExpiry('2026-03-15', 'contacts', { spectacles: 24, contacts: 18 })).toBe('2027-09-15');
  });

  it('falls back to the last day of a shorter month', () => {
    expect(defaultExpiry('2024-02-29', 'contacts', months)).toBe('2025-02-28');
    expect(defaultExpiry('2026-01-31', 'contacts', { spectacles: 0, contacts: 1 })).toBe('2026-02-28');
  });

  it('is none when the store sets none or the exam date cannot be read', () => {
    expect(defaultExpiry('2026-11-01', 'spectacles', { spectacles: 0, contacts: 12 })).toBe('');
    expect(defaultExpiry('', 'spectacles', months)).toBe('');
    expect(defaultExpiry('01/11/2026', 'spectacles', months)).toBe('');
  });
});
