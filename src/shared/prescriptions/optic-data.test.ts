import { describe, expect, it } from 'vitest';
import { displayOpticValue } from './optic-data';

describe("seed-shaped values shown as the app shows every prescription (issue 12, item 11)", () => {
  it('writes the axis with three digits everywhere, as the Prescription tab does', () => {
    expect(displayOpticValue('axis', '10', { cyl: '-0.50' })).toBe('010');
    expect(displayOpticValue('axis', '180', { cyl: '-0.50' })).toBe('180');
  });

  it('shows no cylinder and its axis as blank, a zero sphere as PL', () => {
    expect(displayOpticValue('cyl', '0')).toBe('');
    expect(displayOpticValue('axis', '0', { cyl: '0' })).toBe('');
    expect(displayOpticValue('sph', '0')).toBe('PL');
    expect(displayOpticValue('sph', '-1.25')).toBe('-1.25');
    expect(displayOpticValue('sph', '2')).toBe('+2.00');
  });

  it('keeps a value it cannot read as it is', () => {
    expect(displayOpticValue('sph', 'abc')).toBe('abc');
    expect(displayOpticValue('axis', '', { cyl: '-1' })).toBe('');
  });
});
