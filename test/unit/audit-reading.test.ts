import { describe, expect, it } from 'vitest';
import { recordMarks, trailStatus } from '../../src/shared/audit/reading';
import { AuditChainReport } from '../../src/shared/audit/schema';

const report = (r: Partial<AuditChainReport>): AuditChainReport =>
  AuditChainReport.parse({ intact: false, rows: 10, breaks: [], breakCount: r.breaks?.length ?? 0, checkedAt: '2026-03-01T09:00:00.000Z', ...r });
const at = '2026-03-01T09:00:00.000Z';

describe('reading an audit chain report', () => {
  it('marks the records a break falls on, and those on each side of deleted ones', () => {
    const marks = recordMarks(
      report({
        breaks: [
          { problem: 'changed', id: 3, at },
          { problem: 'deleted', id: 9, at, missing: 2 }, // 7 and 8 gone: 6 and 9 are beside the gap
          { problem: 'erased', id: 9, at },
          { problem: 'truncated', id: 12, at, missing: 1 },
        ],
      }),
    );
    expect(Object.fromEntries(marks)).toEqual({ 3: ['changed'], 6: ['gapAfter'], 9: ['gapBefore', 'erased'], 12: ['gapAfter'] });
    // Deleted from the very first record: nothing before the gap to mark.
    expect(Object.fromEntries(recordMarks(report({ breaks: [{ problem: 'deleted', id: 3, at, missing: 2 }] })))).toEqual({ 3: ['gapBefore'] });
  });

  it('says a trail in a word: not checked, intact, altered at its first break, or unguarded', () => {
    expect(trailStatus(undefined)).toEqual({ kind: 'notChecked' });
    expect(trailStatus(report({ intact: true }))).toEqual({ kind: 'intact' });
    expect(trailStatus(report({ breaks: [{ problem: 'added', id: 5, at }, { problem: 'changed', id: 7, at }], triggers: [{ trigger: 'audit_log_no_delete', problem: 'missing', id: 11, at }] }))).toEqual({
      kind: 'altered',
      id: 5,
      at,
    });
    expect(trailStatus(report({ triggers: [{ trigger: 'audit_log_no_delete', problem: 'missing', id: null, at: null }] }))).toEqual({ kind: 'unguarded', id: null, at: null });
  });
});
