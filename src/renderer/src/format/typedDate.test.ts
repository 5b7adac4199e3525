import { describe, expect, it } from 'vitest';
import { ageOn, dateOrderOf, formatTypedDate, readTypedDate } from './typedDate';

const today = '2026-12-01';
const birth = (text: string, order: 'dmy' | 'mdy' = 'dmy') => readTypedDate(text, order, 'birth', today);
const event = (text: string, order: 'dmy' | 'mdy' = 'dmy') => readTypedDate(text, order, 'event', today);

describe('reading a typed date', () => {
  it('follows the language: day first in French and Arabic, month first in English', () => {
    expect(dateOrderOf('fr')).toBe('dmy');
    expect(dateOrderOf('ar')).toBe('dmy');
    expect(dateOrderOf('en')).toBe('mdy');
    expect(birth('07/04/1958', 'dmy')).toEqual({ ok: true, iso: '1958-04-07' });
    expect(birth('07/04/1958', 'mdy')).toEqual({ ok: true, iso: '1958-07-04' });
  });

  it('reads digits alone and any separator', () => {
    for (const text of ['12031985', '12/3/85', '12.03.1985', '12-3-1985', '12 03 1985', '120385', ' 12 / 3 / 1985 ']) {
      expect(birth(text), text).toEqual({ ok: true, iso: '1985-03-12' });
    }
    expect(birth('12031985', 'mdy')).toEqual({ ok: true, iso: '1985-12-03' });
  });

  it('reads the Arabic-Indic digits an Arabic keyboard types (outside review)', () => {
    expect(birth('٠٧/٠٤/١٩٥٨')).toEqual({ ok: true, iso: '1958-04-07' });
    expect(birth('۱۲۰۳۱۹۸۵')).toEqual({ ok: true, iso: '1985-03-12' });
  });

  it('reads an ISO day as itself in every language', () => {
    expect(birth('1985-03-12', 'mdy')).toEqual({ ok: true, iso: '1985-03-12' });
    expect(birth('1985-03-12', 'dmy')).toEqual({ ok: true, iso: '1985-03-12' });
  });

  it('puts a two-digit birth year in the past, and an event year nearest today', () => {
    expect(birth('1/1/26')).toEqual({ ok: true, iso: '2026-01-01' });
    expect(birth('1/1/27')).toEqual({ ok: true, iso: '1927-01-01' });
    expect(birth('5/6/58')).toEqual({ ok: true, iso: '1958-06-05' });
    expect(event('1/1/27')).toEqual({ ok: true, iso: '2027-01-01' });
    expect(event('3/2/24')).toEqual({ ok: true, iso: '2024-02-03' });
    expect(event('3/2/98')).toEqual({ ok: true, iso: '1998-02-03' });
  });

  it('refuses impossible dates, saying which part is wrong', () => {
    expect(birth('31/02/1985')).toEqual({ ok: false, code: 'noSuchDay', day: 31, month: 2, year: 1985 });
    expect(birth('29/02/2001')).toMatchObject({ ok: false, code: 'noSuchDay' });
    expect(birth('29/02/2000')).toEqual({ ok: true, iso: '2000-02-29' });
    expect(birth('12/13/1985')).toEqual({ ok: false, code: 'noSuchMonth', month: 13 });
    expect(birth('00/01/1985')).toMatchObject({ ok: false, code: 'noSuchDay' });
  });

  it('refuses what is no date, a birth in the future or before 1900', () => {
    for (const text of ['', 'abc', '1203', '1/2', '12/03/198', '123/4/1985', '1985-3-12-1']) {
      expect(birth(text), text).toEqual({ ok: false, code: 'unreadable' });
    }
    expect(birth('02/12/2026')).toEqual({ ok: false, code: 'future' });
    expect(birth('01/12/2026')).toEqual({ ok: true, iso: '2026-12-01' });
    expect(event('02/12/2027')).toEqual({ ok: true, iso: '2027-12-02' });
    expect(birth('01/01/1899')).toEqual({ ok: false, code: 'tooOld' });
  });
});

describe('showing a date and an age', () => {
  it('writes a day in the language’s order', () => {
    expect(formatTypedDate('1958-04-07', 'dmy')).toBe('07/04/1958');
    expect(formatTypedDate('1958-04-07T00:00:00.000Z', 'mdy')).toBe('04/07/1958');
    expect(formatTypedDate('07/04/1958', 'dmy')).toBeNull();
  });

  it('counts whole years, the birthday itself included', () => {
    expect(ageOn('1958-04-07', '2026-12-01')).toBe(68);
    expect(ageOn('1958-12-01', '2026-12-01')).toBe(68);
    expect(ageOn('1958-12-02', '2026-12-01')).toBe(67);
    expect(ageOn('', '2026-12-01')).toBeNull();
  });
});
