import { emailKey } from '../customers/records';
import { searchTextOf } from '../customers/fold';
import type { CustomerService } from '../customers/service';
import type { Unit } from '../unit-of-work';
import type { ItemRow } from './batch-store';
import { batchedUnit } from './batched-unit';
import type { Fill } from './merge-fill';

export interface UndoCounts {
  removed: number;
  restored: number;
  kept: number;
}

/**
 * Takes back what a batch did to a chunk of its customers, in the caller's unit: a customer it
 * created is deleted (the cloud's copy too, once sent: the outbox sends the delete), a customer it
 * merged into gets the values before back and loses the version it added. A customer changed since
 * (an edit, a prescription or a document added after the import) is kept as it is: an undo never
 * throws away work done since.
 */
export async function undoItems(unit: Unit, customers: CustomerService, items: ItemRow[], startedAt: string, counts: UndoCounts, now: string): Promise<void> {
  const { trx } = unit;
  const q = batchedUnit(unit);
  const ids = items.map((i) => i.customer_id);
  if (ids.length === 0) return;
  const live = new Map((await trx.selectFrom('customers').select(['id', 'updated_at']).where('id', 'in', ids).where('deleted_at', 'is', null).execute()).map((r) => [r.id, r.updated_at]));
  const laterRx = await trx.selectFrom('prescriptions').select(['id', 'customer_id']).where('customer_id', 'in', ids).where('created_at', '>=', startedAt).execute();
  const laterDocs = new Set((await trx.selectFrom('attachments').select('customer_id').where('customer_id', 'in', ids).where('created_at', '>=', startedAt).execute()).map((r) => r.customer_id));
  const toDelete: string[] = [];
  for (const item of items) {
    const updatedAt = live.get(item.customer_id);
    if (updatedAt === undefined) continue; // deleted since: nothing left to take back
    const own = new Set(JSON.parse(item.prescription_ids) as string[]);
    const changedSince = updatedAt !== item.stamp || laterRx.some((p) => p.customer_id === item.customer_id && !own.has(p.id)) || laterDocs.has(item.customer_id);
    if (changedSince) counts.kept++;
    else if (item.kind === 'created') toDelete.push(item.customer_id);
    else {
      await restoreMerged(q, item, [...own], now);
      counts.restored++;
    }
  }
  counts.removed += (await customers.deleteIn(q, toDelete)).length;
}

async function restoreMerged(q: Unit, item: ItemRow, prescriptionIds: string[], now: string): Promise<void> {
  const { trx } = q;
  const id = item.customer_id;
  const before = (item.before ? JSON.parse(item.before) : { customer: {}, address: null }) as Fill['before'];
  if (prescriptionIds.length > 0) await trx.deleteFrom('prescriptions').where('id', 'in', prescriptionIds).execute();
  const current = await trx.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const next = { ...current, ...before.customer };
  await trx
    .updateTable('customers')
    .set({
      ...before.customer,
      email_key: emailKey(next.email),
      search_text: searchTextOf({ firstName: next.first_name, lastName: next.last_name, email: next.email, phoneNumber: next.phone_number }),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  if (before.address === 'none') await trx.deleteFrom('customer_addresses').where('customer_id', '=', id).execute();
  else if (before.address) await trx.updateTable('customer_addresses').set(before.address).where('customer_id', '=', id).execute();
  // The customer is as it was before this batch: an older batch that knew it by that stamp (it
  // created the customer, untouched since but for this batch) knows it by the new one, so its own
  // undo still removes it rather than keeping it as changed at the counter.
  // (Or by the stamp an earlier try of this undo, cut after giving it back, left it.)
  if (before.stampBefore) {
    const knownBy = [before.stampBefore, current.updated_at];
    await trx.updateTable('import_items').set({ stamp: now }).where('customer_id', '=', id).where('stamp', 'in', knownBy).where('batch_id', '!=', item.batch_id).execute();
  }
  // And this batch knows it by it: an undo cut after this chunk and done again gives it back again
  // (the same values), rather than counting it as changed at the counter since.
  await trx.updateTable('import_items').set({ stamp: now }).where('batch_id', '=', item.batch_id).where('customer_id', '=', id).execute();
  q.queue([{ entity: 'customer', entityId: id, customerId: id, action: 'update' }]);
}
