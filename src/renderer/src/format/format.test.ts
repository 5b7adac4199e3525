import { describe, expect, it } from 'vitest';
import { formatBytes, formatDay, formatMoment, intlLocale } from './index';

describe('dates and sizes in the staff’s language', () => {
  it('shows a calendar day as that day, whatever the time zone', () => {
    expect(formatDay('1992-05-12T00:00:00.000Z', 'en')).toBe('May 12, 1992');
    expect(formatDay('2026-03-14', 'fr')).toBe('14 mars 2026');
    expect(formatDay(null, 'en')).toBe('');
    expect(formatDay('not a date', 'en')).toBe('not a date');
  });

  it('writes Arabic dates as Moroccan stores do: Western digits, day first, a 24-hour clock', () => {
    expect(intlLocale('ar')).toBe('ar-MA');
    expect(intlLocale('fr')).toBe('fr');
    expect(formatDay('2026-03-14', 'ar')).toBe('14\u200f/03\u200f/2026');
    expect(formatMoment('2026-03-14T18:05:00', 'ar')).toMatch(/^14\u200f\/03\u200f\/2026، 18:05$/);
  });

  it('writes a moment in the time zone the PC is in now, after it changed (review 5)', () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'Africa/Casablanca';
      expect(formatMoment('2026-06-01T12:00:00Z', 'fr')).toBe('1 juin 2026, 13:00');
      process.env.TZ = 'America/New_York';
      expect(formatMoment('2026-06-01T12:00:00Z', 'fr')).toBe('1 juin 2026, 08:00');
    } finally {
      process.env.TZ = before;
    }
  });

  it('says bytes in words and larger sizes with the language’s symbols', () => {
    expect(formatBytes(97, 'en')).toBe('97 bytes');
    expect(formatBytes(168 * 1024, 'en')).toBe('168 kB');
    expect(formatBytes(1536, 'en')).toBe('1.5 kB');
  });
});
