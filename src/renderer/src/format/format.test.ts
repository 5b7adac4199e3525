import { describe, expect, it } from 'vitest';
import { formatBytes, formatDay } from './index';

describe('dates and sizes in the staff’s language', () => {
  it('shows a calendar day as that day, whatever the time zone', () => {
    expect(formatDay('1992-05-12T00:00:00.000Z', 'en')).toBe('May 12, 1992');
    expect(formatDay('2026-03-14', 'fr')).toBe('14 mars 2026');
    expect(formatDay(null, 'en')).toBe('');
    expect(formatDay('not a date', 'en')).toBe('not a date');
  });

  it('says bytes in words and larger sizes with the language’s symbols', () => {
    expect(formatBytes(97, 'en')).toBe('97 bytes');
    expect(formatBytes(168 * 1024, 'en')).toBe('168 kB');
    expect(formatBytes(1536, 'en')).toBe('1.5 kB');
  });
});
