import { z } from 'zod';

/**
 * Where the audit trail's hash chain breaks (src/main/audit/chain.ts):
 * - changed: the row is not what was recorded (its values, who, when or what were edited);
 * - added: a row that OptiCounter never sealed (inserted by hand);
 * - deleted: rows are missing just before this one (ids skipped);
 * - truncated: the last rows are missing (`id` is the last row left);
 * - erased: the row's values were blanked outside a purge;
 * - anchorMissing: the file anchoring the chain's head outside the database (audit/anchor.ts) was
 *   deleted or replaced (`id`: the record noting it, written at the start that found it);
 * - trailMissing: the audit table itself is gone (`id` 0).
 */
export const auditChainProblems = ['changed', 'added', 'deleted', 'truncated', 'erased', 'anchorMissing', 'trailMissing'] as const;

export const AuditChainBreak = z.object({
  problem: z.enum(auditChainProblems),
  /** The row where it shows (for `deleted`, the first row after the gap, or the last row left). */
  id: z.number().int(),
  /** That row's time as recorded (null when the row is gone). */
  at: z.string().nullable(),
  /** For `deleted` and `truncated`: how many rows are missing. */
  missing: z.number().int().optional(),
});
export type AuditChainBreak = z.infer<typeof AuditChainBreak>;

/**
 * One of the audit table's guard triggers (src/main/audit/triggers.ts) found missing, or replaced by
 * one that does not guard the same way: evidence of tampering even when every row still verifies.
 */
export const AuditTriggerFinding = z.object({
  trigger: z.string(),
  problem: z.enum(['missing', 'altered']),
  /**
   * The audit record that notes it was put back at a start, and that record's time. Both null: the
   * file checked lacks it now (a backup's copy, which is checked as it is and never changed).
   */
  id: z.number().int().nullable(),
  at: z.string().nullable(),
});
export type AuditTriggerFinding = z.infer<typeof AuditTriggerFinding>;

export const AuditChainReport = z.object({
  /** True when nothing shows tampering: no break, and no guard trigger ever found missing. */
  intact: z.boolean(),
  /** Rows checked. */
  rows: z.number().int(),
  /** The first breaks, oldest first (at most a few dozen). */
  breaks: z.array(AuditChainBreak),
  /** How many breaks in all. */
  breakCount: z.number().int(),
  /** The guard triggers found missing or altered (absent from reports recorded before 2026-12). */
  triggers: z.array(AuditTriggerFinding).default([]),
  checkedAt: z.string(),
});
export type AuditChainReport = z.infer<typeof AuditChainReport>;
