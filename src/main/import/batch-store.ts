import type { z } from 'zod';
import type { Selectable } from 'kysely';
import type { ImportBatch as ImportBatchSchema, ImportMapping } from '../../shared/import/schema';
import type { Database, Db } from '../db/schema';

import type { Fill } from './merge-fill';
import { headerKey } from './column-guess';

/*
 * The import's own tables (migration 0010): batches, what each did to each customer, and the mapping
 * last used for a set of headers. Reads and writes inside the caller's transaction.
 */

export type BatchRow = Selectable<Database['import_batches']>;
export type ItemRow = Selectable<Database['import_items']>;

/** What one batch did to one customer, as the run keeps it while writing a chunk. */
export interface Item {
  kind: 'created' | 'merged';
  before: Fill['before'] | null;
  prescriptionIds: string[];
  stamp: string;
}

export interface Counts {
  imported: number;
  merged: number;
  skipped: number;
  prescriptions: number;
}

export async function savedMapping(db: Db, headers: readonly string[]): Promise<ImportMapping | null> {
  const row = await db.selectFrom('import_mappings').select('mapping').where('header_key', '=', headerKey(headers)).executeTakeFirst();
  return row ? (JSON.parse(row.mapping) as ImportMapping) : null;
}

export async function saveMapping(db: Db, headers: readonly string[], mapping: ImportMapping, now: string): Promise<void> {
  const values = { header_key: headerKey(headers), mapping: JSON.stringify(mapping), saved_at: now };
  await db.insertInto('import_mappings').values(values).onConflict((oc) => oc.column('header_key').doUpdateSet({ mapping: values.mapping, saved_at: now })).execute();
}

/** What the batch did to this customer so far, when it touched them in an earlier chunk. */
export async function readItem(db: Db, batchId: string, customerId: string): Promise<Item | null> {
  const row = await db.selectFrom('import_items').select(['kind', 'before', 'prescription_ids', 'stamp']).where('batch_id', '=', batchId).where('customer_id', '=', customerId).executeTakeFirst();
  if (!row) return null;
  return { kind: row.kind, before: row.before ? (JSON.parse(row.before) as Item['before']) : null, prescriptionIds: JSON.parse(row.prescription_ids) as string[], stamp: row.stamp };
}

export async function writeItems(db: Db, batchId: string, items: Map<string, Item>, ids: Iterable<string>): Promise<void> {
  // A merge that filled nothing and added no version left nothing to take back: it has no item.
  const values = [...new Set(ids)].flatMap((id) => {
    const it = items.get(id);
    if (!it) return [];
    return [{ batch_id: batchId, customer_id: id, kind: it.kind, before: it.before ? JSON.stringify(it.before) : null, prescription_ids: JSON.stringify(it.prescriptionIds), stamp: it.stamp }];
  });
  // 6 columns x 500 rows stays under SQLite's bound parameters limit.
  for (let i = 0; i < values.length; i += 500) {
    await db
      .insertInto('import_items')
      .values(values.slice(i, i + 500))
      .onConflict((oc) => oc.columns(['batch_id', 'customer_id']).doUpdateSet((eb) => ({ before: eb.ref('excluded.before'), prescription_ids: eb.ref('excluded.prescription_ids'), stamp: eb.ref('excluded.stamp') })))
      .execute();
  }
}

export async function writeCounts(db: Db, batchId: string, counts: Counts): Promise<void> {
  await db.updateTable('import_batches').set(counts).where('id', '=', batchId).execute();
}

/**
 * A batch started after `batch`, not undone, that merged into one of its customers. Undone after it,
 * `batch` would keep those customers as changed since, and the later undo give them back for good:
 * undos go newest first, as merges' do.
 */
export async function laterMerger(db: Db, batch: BatchRow): Promise<{ id: string; file_name: string } | undefined> {
  return db
    .selectFrom('import_items as later')
    .innerJoin('import_batches as b', 'b.id', 'later.batch_id')
    .select(['b.id', 'b.file_name'])
    .where('later.kind', '=', 'merged')
    .where('b.status', 'in', ['done', 'interrupted'])
    .where('b.started_at', '>', batch.started_at)
    .where('later.customer_id', 'in', (eb) => eb.selectFrom('import_items').select('customer_id').where('batch_id', '=', batch.id))
    .limit(1)
    .executeTakeFirst();
}

export function batchOut(r: BatchRow): z.infer<typeof ImportBatchSchema> {
  return {
    batchId: r.id,
    fileName: r.file_name,
    startedAt: r.started_at,
    by: r.by_username,
    status: r.status,
    imported: r.imported,
    merged: r.merged,
    skipped: r.skipped,
    prescriptions: r.prescriptions,
    finishedAt: r.finished_at,
    undoable: r.status === 'done' || r.status === 'interrupted',
    runId: null,
  };
}
