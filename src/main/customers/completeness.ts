import { type CompletableField, completableFields } from '../../shared/customers/schema';
import type { CustomerRow } from './records';

/*
 * A walk-in may be saved before the store has everything the cloud (seed 001) requires: what is not
 * given is stored as '' (no table rebuild; purge stores '' too) and the customer waits here, never
 * sent with invented values, until staff complete them.
 */
const columnOf = { email: 'email', phoneNumber: 'phone_number', dateOfBirth: 'date_of_birth', sex: 'sex' } as const satisfies Record<CompletableField, keyof CustomerRow>;

/** The fields the cloud requires that this customer lacks, in seed 001's order. Pure. */
export function missingFields(row: Pick<CustomerRow, (typeof columnOf)[CompletableField]>): CompletableField[] {
  return completableFields.filter((f) => row[columnOf[f]] === '');
}

/**
 * A customer made from the cloud's list (a first sync) lacks fields only until its detail arrives:
 * not incomplete (nothing for staff to give), but "details arriving".
 */
export function completeness(row: Pick<CustomerRow, (typeof columnOf)[CompletableField]> & { summary_at?: string | null }) {
  if (row.summary_at) return { incomplete: false, missing: [], detailsArriving: true };
  const missing = missingFields(row);
  return { incomplete: missing.length > 0, missing, detailsArriving: false };
}

/** The same rule in SQL, over a `customers` row aliased `alias` (sync holds such customers back). */
export function incompleteSql(alias: string): string {
  return `(${alias}.summary_at is null and (${completableFields.map((f) => `${alias}.${columnOf[f]} = ''`).join(' or ')}))`;
}
