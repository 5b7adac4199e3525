import { describe, expect, it } from 'vitest';
import type { PrescriptionVersion } from '../../../shared/prescriptions/schema';
import { withSavedVersion } from './cache';

function version(n: number, examDate: string, correctsId: string | null = null, current = false): PrescriptionVersion {
  return {
    id: `v${n}`,
    customerId: 'c1',
    version: n,
    createdAt: `2026-11-0${n}T10:00:00.000Z`,
    createdBy: 'owner',
    createdByName: 'Olivia Owner',
    correctsId,
    current,
    rx: { kind: 'spectacles', examDate, distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.00' } } },
    changes: [],
    problems: [],
  };
}

describe('the prescription list after a save, from the version it returned', () => {
  it('puts a new exam first and makes it current', () => {
    const list = [version(1, '2026-01-10', null, true)];
    const next = withSavedVersion(list, version(2, '2026-11-01', null, true));
    expect(next.map((v) => [v.id, v.current])).toEqual([
      ['v2', true],
      ['v1', false],
    ]);
  });

  it('keeps the current one when the new exam is older (typed in late)', () => {
    const list = [version(1, '2026-06-01', null, true)];
    const next = withSavedVersion(list, version(2, '2025-12-01'));
    expect(next.map((v) => [v.id, v.current])).toEqual([
      ['v2', false],
      ['v1', true],
    ]);
    // Untouched versions are the same objects: nothing else re-renders.
    expect(next[1]).toBe(list[0]);
  });

  it('makes a correction current in place of the version it corrects', () => {
    const list = [version(2, '2026-06-01', null, true), version(1, '2026-01-01')];
    const next = withSavedVersion(list, version(3, '2026-06-01', 'v2', true));
    expect(next.map((v) => [v.id, v.current])).toEqual([
      ['v3', true],
      ['v2', false],
      ['v1', false],
    ]);
  });

  it('picks the later version between exams of the same day', () => {
    const next = withSavedVersion([version(1, '2026-06-01', null, true)], version(2, '2026-06-01'));
    expect(next.map((v) => [v.id, v.current])).toEqual([
      ['v2', true],
      ['v1', false],
    ]);
  });
});
