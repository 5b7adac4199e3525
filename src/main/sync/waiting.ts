import { type Kysely, sql } from 'kysely';
import type { WaitingCustomer } from '../../shared/sync/schema';
import { incompleteSql, missingFields } from '../customers/completeness';
import type { Database } from '../db/schema';

/*
 * Customers sync holds back until staff give what the cloud requires (walk-ins saved incomplete):
 * the Sync screen lists them as "waiting for details" and the status counts them. Every live
 * incomplete customer waits: the cloud has either never heard of them or not of their latest change.
 */
const INCOMPLETE = sql<boolean>`${sql.raw(incompleteSql('customers'))}`;

export async function waitingForDetails(db: Kysely<Database>, customerId?: string): Promise<WaitingCustomer[]> {
  let q = db
    .selectFrom('customers')
    .select(['id', 'first_name', 'last_name', 'email', 'phone_number', 'date_of_birth', 'sex'])
    .where('deleted_at', 'is', null)
    .where(INCOMPLETE)
    .orderBy('created_at')
    .orderBy('id');
  if (customerId) q = q.where('id', '=', customerId);
  return (await q.execute()).map((r) => ({ customerId: r.id, customerName: `${r.first_name} ${r.last_name}`.trim(), missing: missingFields(r) }));
}

export async function countWaitingForDetails(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).where('deleted_at', 'is', null).where(INCOMPLETE).executeTakeFirstOrThrow();
  return Number(row.n);
}
