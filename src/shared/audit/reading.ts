import type { AuditChainReport } from './schema';

/*
 * Reading a chain report (src/main/audit/chain.ts) for the screens: what one backup's trail comes to
 * in a word, and which records of a list sit at a break. Pure: the History tab and the Backups screen
 * both read it, and the unit test pins it.
 */

/** One backup's (or the store's) trail in a word; `id` is the record the owner can look for. */
export type TrailStatus =
  | { kind: 'notChecked' }
  | { kind: 'intact' }
  | { kind: 'altered'; id: number; at: string | null }
  | { kind: 'unguarded'; id: number | null; at: string | null };

export function trailStatus(report: AuditChainReport | undefined): TrailStatus {
  if (!report) return { kind: 'notChecked' };
  const first = report.breaks[0];
  if (first) return { kind: 'altered', id: first.id, at: first.at };
  const guard = report.triggers[0];
  if (guard) return { kind: 'unguarded', id: guard.id, at: guard.at };
  return { kind: 'intact' };
}

/**
 * How a record sits at a break: itself not as written (changed, added, erased), or next to records
 * that were deleted (just before it: `gapBefore`; just after it: `gapAfter`, the end of the trail
 * included).
 */
export type RecordMark = 'changed' | 'added' | 'erased' | 'gapBefore' | 'gapAfter';

/** The records the report's breaks fall on or beside, by record id (the breaks it lists: the first few dozen). */
export function recordMarks(report: AuditChainReport): Map<number, RecordMark[]> {
  const marks = new Map<number, RecordMark[]>();
  const mark = (id: number, m: RecordMark) => marks.set(id, [...(marks.get(id) ?? []), m]);
  for (const b of report.breaks) {
    if (b.problem === 'deleted') {
      mark(b.id, 'gapBefore');
      const before = b.id - (b.missing ?? 1) - 1;
      if (before > 0) mark(before, 'gapAfter');
    } else if (b.problem === 'truncated') {
      mark(b.id, 'gapAfter');
    } else if (b.problem === 'anchorMissing' || b.problem === 'trailMissing') {
      // About the trail as a whole, not one of its records.
    } else {
      mark(b.id, b.problem);
    }
  }
  return marks;
}
