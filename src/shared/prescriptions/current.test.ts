import { describe, expect, it } from 'vitest';
import { type VersionOrder, currentOf } from './current';

const v = (id: string, examDate: string, version: number, correctsId: string | null = null): VersionOrder => ({ id, examDate, version, correctsId });
const currentId = (versions: VersionOrder[]) => currentOf(versions, (x) => x)?.id ?? null;

describe('the current prescription', () => {
  it('is the latest exam, whatever order the versions were typed in', () => {
    expect(currentId([v('a', '2026-01-10', 1), v('b', '2025-12-01', 2)])).toBe('a');
  });

  it('is the later version between exams of the same day, and none in an empty list', () => {
    expect(currentId([v('a', '2026-06-01', 1), v('b', '2026-06-01', 2)])).toBe('b');
    expect(currentId([])).toBeNull();
  });

  it('is never a version another one corrects', () => {
    expect(currentId([v('a', '2026-06-01', 1), v('b', '2026-01-01', 2, 'a')])).toBe('b');
  });
});
