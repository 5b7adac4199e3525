import type { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { AuditEntity, AuditListInput, Role } from '../../shared/staff/schema';

/** The audit filter in its one normal form (the contract's parse of `audit.list`). */
export type AuditFilter = z.output<typeof AuditListInput>;

/** What the trail is asked for: the filter, and the entities the caller may see at all. */
export interface AuditQuery extends AuditFilter {
  /** null: every entity (owners). */
  entities: readonly AuditEntity[] | null;
}

/** What staff work on at the counter, and so may read the history of. */
export const COUNTER_ENTITIES = ['customer', 'prescription', 'attachment'] as const satisfies readonly AuditEntity[];
const counter: ReadonlySet<AuditEntity> = new Set(COUNTER_ENTITIES);

/**
 * Who may read which part of the audit trail: owners all of it; staff only the rows of counter
 * entities, and only when they ask for a customer's history or for a counter entity (anything else
 * is refused, so the screen can say so rather than show a quietly emptied list).
 *
 * The query it returns carries the staff's entity restriction itself: even a filter this rule
 * misjudged could not bring back a staff, setting, licence or backup row.
 */
export function authorizeAuditList(role: Role, filter: AuditFilter): AuditQuery {
  if (role === 'owner') return { ...filter, entities: null };
  const counterWork = filter.customerId !== undefined || (filter.entity !== undefined && counter.has(filter.entity));
  if (!counterWork) throw new AppError('auth.forbidden', 'Staff can see the history of customers, prescriptions and documents only');
  return { ...filter, entities: COUNTER_ENTITIES };
}
