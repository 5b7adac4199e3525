import { z } from 'zod';

/**
 * Where the audit trail's hash chain breaks (src/main/audit/chain.ts):
 * - changed: the row is not what was recorded (its values, who, when or what were edited);
 * - added: a row that OptiCounter never sealed (inserted by hand);
 * - deleted: rows are missing just before this one (ids skipped);
 * - truncated: the last rows are missing (`id` is the last row left);
 * - erased: the row's values were blanked outside a purge.
 */
export const auditChainProblems = ['changed', 'added', 'deleted', 'truncated', 'erased'] as const;

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

export const AuditChainReport = z.object({
  intact: z.boolean(),
  /** Rows checked. */
  rows: z.number().int(),
  /** The first breaks, oldest first (at most a few dozen). */
  breaks: z.array(AuditChainBreak),
  /** How many breaks in all. */
  breakCount: z.number().int(),
  checkedAt: z.string(),
});
export type AuditChainReport = z.infer<typeof AuditChainReport>;
