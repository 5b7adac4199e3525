import type { Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { Unit } from '../unit-of-work';
import type { PushDeps } from './push';

type Deps = Pick<PushDeps, 'conflicts' | 'outbox' | 'links' | 'local' | 'clock'>;

/*
 * A customer this PC kept in a merge, then deleted in the cloud: most likely another PC merged the
 * same pair the other way round (kept the one this PC merged away, and deleted this one), and the
 * two deletes together would leave the person nowhere. So the cloud's delete does not win here: the
 * customer stays, a conflict tells the staff, and it goes back to the cloud as a new customer (with
 * its documents); the other PC then sees it arrive beside its own copy, in its list of possible
 * duplicates. Only while this PC's merge is still on its way (its delete of the merged-away customer
 * not yet sent): that is when two opposite merges cross. Once it has reached the cloud, a delete of
 * the kept customer is the staff's elsewhere (on purpose, even an erasure) and wins as usual; and
 * once per merge.
 */

/** Whether a merge (not undone, its delete still queued) kept this customer and has not sent it back once already. */
async function mergeToHonour(trx: Transaction<Database>, customerId: string): Promise<boolean> {
  const merge = await trx.selectFrom('customer_merges').select(['merged_at', 'merge_id']).where('keep_id', '=', customerId).where('unmerged_at', 'is', null).orderBy('merged_at', 'desc').executeTakeFirst();
  if (!merge) return false;
  const onItsWay = await trx.selectFrom('sync_outbox').select('id').where('entity', '=', 'customer').where('entity_id', '=', merge.merge_id).where('op', '=', 'delete').executeTakeFirst();
  if (!onItsWay) return false;
  const sentBack = await trx
    .selectFrom('sync_conflicts')
    .select('id')
    .where('customer_id', '=', customerId)
    .where('kind', '=', 'deleted')
    .where('kept', '=', 'mine')
    .where('detected_at', '>=', merge.merged_at)
    .executeTakeFirst();
  return !sentBack;
}

/**
 * Keeps a merge's kept customer the cloud deleted and queues it as new; false when the rule does
 * not apply (not kept in a merge, or already sent back once since it): the delete then wins.
 * Runs in a unit applying the cloud's changes (which queues nothing itself): the outbox is written here.
 */
export async function keepMergedCustomer(deps: Deps, unit: Unit, customerId: string): Promise<boolean> {
  const { trx } = unit;
  const mine = await deps.local.fields(trx, customerId);
  if (!mine || !(await mergeToHonour(trx, customerId))) return false;
  await deps.conflicts.recordDeleted(trx, customerId, mine, deps.clock.now().toISOString(), 'mine');
  await deps.links.remove(trx, customerId);
  const docs = await trx.selectFrom('attachments').select('id').where('customer_id', '=', customerId).where('removed_at', 'is', null).execute();
  deps.outbox.drop('customer', customerId);
  for (const d of docs) deps.outbox.drop('attachment', d.id);
  deps.outbox.record([
    { entity: 'customer', entityId: customerId, customerId, op: 'create' },
    ...docs.map((d) => ({ entity: 'attachment' as const, entityId: d.id, customerId, op: 'create' as const })),
  ]);
  return true;
}
