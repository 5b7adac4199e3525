import { describe, expect, it } from 'vitest';
import { ageOn } from './age';

const today = new Date(2026, 11, 1); // 1 December 2026, local

describe('ageOn', () => {
  it.each([
    ['1958-04-07', { years: 68 }],
    ['1958-12-01T00:00:00.000Z', { years: 68 }], // birthday today
    ['1958-12-02', { years: 67 }], // birthday tomorrow
    ['2026-02-01', { months: 10 }],
    ['2026-12-01', { months: 0 }],
    ['2027-01-01', null],
    [null, null],
    ['12/03/1985', null],
  ] as const)('%s -> %j', (dob, age) => expect(ageOn(dob, today)).toEqual(age));
});
