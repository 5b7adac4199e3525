import { describe, expect, it } from 'vitest';
import { addMonths, ageAt, dueDateOf, intervalMonths, isAnswered, monthOf, recallStateOf } from '../../src/shared/recalls/rules';
import { type RecallSettings, defaultRecallSettings } from '../../src/shared/recalls/schema';

const S: RecallSettings = defaultRecallSettings;
const adult = '1980-06-15';

describe('a recall is due from the last exam', () => {
  it('adds the store interval by kind: 24 months for spectacles, 12 for contact lenses', () => {
    expect(dueDateOf({ exam: { date: '2025-03-10', kind: 'spectacles' }, dateOfBirth: adult, override: null }, S)).toBe('2027-03-10');
    expect(dueDateOf({ exam: { date: '2025-03-10', kind: 'contacts' }, dateOfBirth: adult, override: null }, S)).toBe('2026-03-10');
  });

  it('follows the store settings the owner set', () => {
    const s = { ...S, spectaclesMonths: 18, contactsMonths: 6 };
    expect(dueDateOf({ exam: { date: '2025-03-10', kind: 'spectacles' }, dateOfBirth: adult, override: null }, s)).toBe('2026-09-10');
    expect(dueDateOf({ exam: { date: '2025-03-10', kind: 'contacts' }, dateOfBirth: adult, override: null }, s)).toBe('2025-09-10');
  });

  it('is shorter under 16 and from 60, by the age on the day of the exam', () => {
    // 15 the day before their 16th birthday, 16 on it.
    expect(intervalMonths(S, 'spectacles', ageAt('2010-03-11', '2026-03-10'))).toBe(12);
    expect(intervalMonths(S, 'spectacles', ageAt('2010-03-10', '2026-03-10'))).toBe(24);
    // 59 the day before their 60th birthday, 60 on it.
    expect(intervalMonths(S, 'spectacles', ageAt('1966-03-11', '2026-03-10'))).toBe(24);
    expect(intervalMonths(S, 'spectacles', ageAt('1966-03-10', '2026-03-10'))).toBe(12);
    // The age at the exam holds: a 59-year-old examined keeps 24 months though 61 when due.
    expect(dueDateOf({ exam: { date: '2025-01-01', kind: 'spectacles' }, dateOfBirth: '1965-06-01', override: null }, S)).toBe('2027-01-01');
  });

  it('never lengthens an interval for age: a shorter kind interval stays', () => {
    expect(intervalMonths({ ...S, contactsMonths: 6 }, 'contacts', 10)).toBe(6);
    expect(intervalMonths({ ...S, youngMonths: 18 }, 'contacts', 10)).toBe(12);
  });

  it('uses the kind interval when the date of birth is unknown', () => {
    expect(ageAt('', '2026-01-01')).toBeNull();
    expect(dueDateOf({ exam: { date: '2025-03-10', kind: 'spectacles' }, dateOfBirth: '', override: null }, S)).toBe('2027-03-10');
  });

  it('keeps a leap day in February: 29/02 + 12 months is 28/02, + 48 months is 29/02', () => {
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-02-29', 48)).toBe('2028-02-29');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2023-12-31', 2)).toBe('2024-02-29');
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28');
    expect(dueDateOf({ exam: { date: '2024-02-29', kind: 'contacts' }, dateOfBirth: adult, override: null }, S)).toBe('2025-02-28');
  });

  it('reads a 29 February birthday as 1 March in other years', () => {
    expect(ageAt('2012-02-29', '2028-02-28')).toBe(15);
    expect(ageAt('2012-02-29', '2028-02-29')).toBe(16);
    expect(ageAt('2011-02-28', '2027-02-28')).toBe(16);
    expect(ageAt('2011-03-01', '2027-02-28')).toBe(15);
  });

  it('is not due without any exam', () => {
    expect(dueDateOf({ exam: null, dateOfBirth: adult, override: null }, S)).toBeNull();
    expect(dueDateOf({ exam: null, dateOfBirth: adult, override: { type: 'months', months: 6 } }, S)).toBeNull();
  });

  it('follows a per-customer override: an interval, a fixed date, or no recall', () => {
    const exam = { date: '2025-03-10', kind: 'spectacles' } as const;
    expect(dueDateOf({ exam, dateOfBirth: '2015-01-01', override: { type: 'months', months: 36 } }, S)).toBe('2028-03-10');
    expect(dueDateOf({ exam, dateOfBirth: adult, override: { type: 'date', date: '2025-12-01' } }, S)).toBe('2025-12-01');
    // A date staff fix stands even without an exam here (a customer examined elsewhere).
    expect(dueDateOf({ exam: null, dateOfBirth: adult, override: { type: 'date', date: '2025-12-01' } }, S)).toBe('2025-12-01');
    expect(dueDateOf({ exam, dateOfBirth: adult, override: { type: 'none' } }, S)).toBeNull();
  });
});

describe('where a recall stands', () => {
  it('is due in the month of its due date, overdue before it, upcoming after', () => {
    expect(monthOf('2026-02-14')).toEqual({ start: '2026-02-01', end: '2026-02-28' });
    expect(monthOf('2028-02-14')).toEqual({ start: '2028-02-01', end: '2028-02-29' });
    expect(recallStateOf('2026-02-01', false, '2026-02-14')).toBe('due');
    expect(recallStateOf('2026-02-28', false, '2026-02-14')).toBe('due');
    expect(recallStateOf('2026-01-31', false, '2026-02-14')).toBe('overdue');
    expect(recallStateOf('2026-03-01', false, '2026-02-14')).toBe('upcoming');
    expect(recallStateOf('2026-01-31', true, '2026-02-14')).toBe('answered');
  });

  it('is answered by a booking or a refusal after the last exam; calls and no answers keep it on', () => {
    expect(isAnswered([{ outcome: 'called', date: '2026-02-01' }, { outcome: 'noAnswer', date: '2026-02-02' }], '2024-01-10')).toBe(false);
    expect(isAnswered([{ outcome: 'booked', date: '2026-02-01' }], '2024-01-10')).toBe(true);
    expect(isAnswered([{ outcome: 'declined', date: '2026-02-01' }], '2024-01-10')).toBe(true);
    // An answer to the previous recall does not answer the one a newer exam started.
    expect(isAnswered([{ outcome: 'booked', date: '2024-01-02' }], '2024-01-10')).toBe(false);
    expect(isAnswered([{ outcome: 'booked', date: '2024-01-02' }], null)).toBe(true);
    // A date fixed after the answer asks for a new call: only answers recorded since count.
    const declined = { outcome: 'declined' as const, date: '2026-03-15', recordedAt: '2026-03-15T10:00:00.000Z' };
    expect(isAnswered([declined], '2024-01-10', '2026-03-15T10:01:00.000Z')).toBe(false);
    expect(isAnswered([declined], '2024-01-10', '2026-03-14T09:00:00.000Z')).toBe(true);
  });
});
