import type { Db } from '../db/schema';

/*
 * A merge of two customers (customers/merge.ts) carries the merged-away customer's recall with it: its
 * calls join the kept customer's, and its own rule too when the kept one has none. What moved is
 * recorded in the merge, so an undo takes exactly that back.
 */
export interface MovedRecalls {
  outcomes: string[];
  override: boolean;
}

export const NOTHING_MOVED: MovedRecalls = { outcomes: [], override: false };

export async function moveRecalls(trx: Db, fromId: string, toId: string): Promise<MovedRecalls> {
  const outcomes = (await trx.selectFrom('recall_outcomes').select('id').where('customer_id', '=', fromId).execute()).map((r) => r.id);
  if (outcomes.length > 0) await trx.updateTable('recall_outcomes').set({ customer_id: toId }).where('customer_id', '=', fromId).execute();
  const keptRule = await trx.selectFrom('recall_overrides').select('customer_id').where('customer_id', '=', toId).executeTakeFirst();
  const override = !keptRule && (await trx.updateTable('recall_overrides').set({ customer_id: toId }).where('customer_id', '=', fromId).executeTakeFirst()).numUpdatedRows > 0n;
  return { outcomes, override };
}

export async function moveRecallsBack(trx: Db, moved: MovedRecalls, keptId: string, restoredId: string): Promise<void> {
  if (moved.outcomes.length > 0) await trx.updateTable('recall_outcomes').set({ customer_id: restoredId }).where('id', 'in', moved.outcomes).execute();
  if (moved.override) await trx.updateTable('recall_overrides').set({ customer_id: restoredId }).where('customer_id', '=', keptId).execute();
}
